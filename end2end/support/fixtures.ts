// The test API every spec imports: Playwright's, with `baseURL` pointing at the server the
// global setup started, and helpers for the steps journeys share.
import { test as base, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, STATE_FILE } from './env';

function state(): { baseURL: string; mailURL: string } {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
}

export const test = base.extend<{ mailURL: string }>({
  baseURL: async ({}, use) => use(state().baseURL),
  mailURL: async ({}, use) => use(state().mailURL),
});

export { expect };

/** Opens a page and waits until the WASM app has hydrated it, so clicks are handled. */
export async function openHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export async function logInAsAdmin(page: Page): Promise<void> {
  await openHydrated(page, '/login');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}
