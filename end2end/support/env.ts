import * as path from 'node:path';

export const ADMIN_EMAIL = 'admin@portico.test';
export const ADMIN_PASSWORD = 'Admin-Pass-1';
export const RUN_DIR = path.resolve(__dirname, '..', '.run');
export const STATE_FILE = path.join(RUN_DIR, 'state.json');
