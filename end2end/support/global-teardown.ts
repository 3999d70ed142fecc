// Stops what the global setup started, by PID (process groups, so no child is left behind).
import * as fs from 'node:fs';
import { STATE_FILE } from './env';

export default async function globalTeardown(): Promise<void> {
  if (!fs.existsSync(STATE_FILE)) return;
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as { pids: number[]; dataDir: string };
  for (const pid of state.pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
