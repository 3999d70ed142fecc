// Writes a Brotli (.br) and a gzip (.gz) copy next to each WASM, JS and CSS file of the site
// build, at the highest levels (this runs once per build, not per request); the server sends
// them to browsers that accept them (server/src/static_files.rs). Uses Node's own zlib, so it
// needs nothing beyond the Node.js the build already uses.
//   node scripts/precompress.mjs target/site/pkg
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs <folder of the site build, e.g. target/site/pkg>');
  process.exit(2);
}

const size = (bytes) => (bytes < 10_240 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KB`);

// Writes a copy only when it is smaller than the file (a tiny file can grow), and removes an
// earlier build's copy otherwise, so no stale copy is left behind.
function keep(path, raw, copy) {
  if (copy.length < raw.length) {
    writeFileSync(path, copy);
    return size(copy.length);
  }
  rmSync(path, { force: true });
  return 'not smaller, none';
}
for (const name of readdirSync(dir).sort()) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const path = join(dir, name);
  const raw = readFileSync(path);
  const brotli = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm')
        ? constants.BROTLI_MODE_GENERIC
        : constants.BROTLI_MODE_TEXT,
    },
  });
  const gzip = gzipSync(raw, { level: 9 });
  const brotliSize = keep(`${path}.br`, raw, brotli);
  const gzipSize = keep(`${path}.gz`, raw, gzip);
  console.log(`    ${name}: ${size(raw.length)}, brotli ${brotliSize}, gzip ${gzipSize}`);
}
