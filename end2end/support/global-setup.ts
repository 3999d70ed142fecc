// Starts Portico and a real SMTP capture server (maildev) on free ports with a fresh SQLite
// database, waits until both answer, and records their PIDs for the teardown.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, RUN_DIR, STATE_FILE } from './env';

const REPO = path.resolve(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs} ms (${lastError}); see ${RUN_DIR}`);
}

export default async function globalSetup(): Promise<void> {
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const [appPort, smtpPort, mailWebPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-'));

  const maildev = spawn(
    path.join(__dirname, '..', 'node_modules', '.bin', 'maildev'),
    ['--smtp', String(smtpPort), '--web', String(mailWebPort), '--ip', '127.0.0.1', '--silent'],
    { stdio: ['ignore', fs.openSync(path.join(RUN_DIR, 'maildev.log'), 'w'), 'inherit'], detached: true },
  );

  const serverBinary = process.env.PORTICO_E2E_SERVER ?? path.join(REPO, 'target', 'debug', 'server');
  const baseURL = `http://127.0.0.1:${appPort}`;
  const server = spawn(serverBinary, ['serve'], {
    cwd: REPO,
    env: {
      ...process.env,
      PORTICO_BIND: `127.0.0.1:${appPort}`,
      PORTICO_PUBLIC_URL: baseURL,
      PORTICO_DATABASE_URL: `sqlite://${path.join(dataDir, 'portico.db')}?mode=rwc`,
      PORTICO_SITE_ROOT: path.join(REPO, 'target', 'site'),
      PORTICO_MAIL_DIR: path.join(dataDir, 'mail'),
      PORTICO_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      PORTICO_ADMIN_EMAIL: ADMIN_EMAIL,
      PORTICO_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // The webhook journey's receiver listens on loopback.
      PORTICO_WEBHOOKS_ALLOW_PRIVATE: 'true',
      PORTICO_WEBHOOK_POLL_MS: '200',
      // Housekeeping (which also queues due reminders) every two seconds, not ten minutes.
      PORTICO_CLEANUP_INTERVAL_SECONDS: '2',
    },
    stdio: ['ignore', fs.openSync(path.join(RUN_DIR, 'server.log'), 'w'), fs.openSync(path.join(RUN_DIR, 'server.err.log'), 'w')],
    detached: true,
  });

  fs.writeFileSync(
    STATE_FILE,
    JSON.stringify({ baseURL, mailURL: `http://127.0.0.1:${mailWebPort}`, pids: [server.pid, maildev.pid], dataDir }),
  );
  process.env.PORTICO_E2E_BASE_URL = baseURL;
  process.env.PORTICO_E2E_MAIL_URL = `http://127.0.0.1:${mailWebPort}`;

  await waitFor(`${baseURL}/healthz`, 'Portico');
  await waitFor(`http://127.0.0.1:${mailWebPort}/email`, 'maildev');
}
