// The first load's bytes, per page (performance budget 4): what a browser that accepts gzip
// downloads before the page works, measured, never asserted. For each path it reads the page
// as served, finds the files the page loads (stylesheets, scripts, and the app's JS and WASM
// named by the hydration loader), downloads each with `Accept-Encoding: gzip` and counts the
// bytes sent. Pages are not compressed by the server; their gzip size is counted as a proxy
// would send it. Prints a Markdown table. `--cookie=NAME=VALUE` sends that cookie with the pages
// named after it (a signed-in admin's first view).
//   node scripts/first-load.mjs BASE_URL PATH... [--cookie=NAME=VALUE PATH...]
import http from 'node:http';
import zlib from 'node:zlib';

const [base, ...args] = process.argv.slice(2);
const paths = [];
let cookie = null;
for (const arg of args) {
  if (arg.startsWith('--cookie=')) cookie = arg.slice('--cookie='.length);
  else paths.push({ path: arg, cookie });
}

function get(url, gzip, cookie = null) {
  const headers = { ...(gzip ? { 'accept-encoding': 'gzip' } : {}), ...(cookie ? { cookie } : {}) };
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks), encoding: response.headers['content-encoding'] }),
      );
    });
    request.on('error', reject);
  });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

console.log('| page | HTML (gzip) | CSS | JS | WASM | total | files loaded |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const { path, cookie } of paths) {
  const page = await get(new URL(path, base), false, cookie);
  const html = page.body.toString('utf8');
  const assets = new Set();
  for (const [, href] of html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)) assets.add(href);
  for (const [, href] of html.matchAll(/<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"/g)) assets.add(href);
  for (const [, src] of html.matchAll(/<script[^>]*src="([^"]+)"/g)) assets.add(src);
  // The hydration loader names the app's files in its call (`components/hydration.rs`).
  for (const [, file] of html.matchAll(/"(\/pkg\/[^"]+\.(?:js|wasm))"/g)) assets.add(file);
  const sizes = { css: 0, js: 0, wasm: 0 };
  for (const asset of assets) {
    const file = await get(new URL(asset, base), true);
    const kind = asset.endsWith('.wasm') ? 'wasm' : asset.endsWith('.js') ? 'js' : 'css';
    sizes[kind] += file.body.length;
  }
  const htmlGzip = zlib.gzipSync(page.body).length;
  const total = htmlGzip + sizes.css + sizes.js + sizes.wasm;
  console.log(
    `| \`${path.replace(/[0-9a-f]{64}/, '<token>')}\` (${page.status}) | ${kb(htmlGzip)} | ${kb(sizes.css)} | ${kb(sizes.js)} | ${kb(sizes.wasm)} | **${kb(total)}** | ${[...assets].join(', ')} |`,
  );
}
