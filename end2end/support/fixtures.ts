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
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Waits for the newest invitation email to `email` in maildev and returns its link. */
export async function invitationLinkFor(mailURL: string, email: string, previous?: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const messages = (await (await fetch(`${mailURL}/email`)).json()) as Array<{
      to: Array<{ address: string }>;
      text?: string;
      html?: string;
    }>;
    const links = messages
      .filter((m) => m.to.some((t) => t.address.toLowerCase() === email.toLowerCase()))
      .map((m) => (m.text ?? m.html ?? '').match(/https?:\/\/[^\s"<>]+\/invitation\/[0-9a-f]{64}/)?.[0])
      .filter((link): link is string => !!link && link !== previous);
    if (links.length > 0) return links[links.length - 1];
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no invitation email for ${email} arrived in maildev within 15 s`);
}

/** Invites `emails` through the admin's invite dialog and closes it. */
export async function inviteThroughDialog(page: Page, emails: string): Promise<void> {
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill(emails);
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(dialog.getByTestId('invite-outcomes')).toBeVisible();
  await dialog.getByRole('button', { name: 'DONE' }).click();
}

/** Sets auto-approval through the settings API (as the signed-in admin of `page`). */
export async function setAutoApproval(page: Page, on: boolean): Promise<void> {
  const response = await page.request.post('/api/save_settings', {
    form: {
      'form[auto_approve]': String(on),
      'form[validity_hours]': '72',
      'form[self_registration]': 'off',
      'form[login_background]': '#eef1f8',
      'form[portal_content]': '# Welcome',
    },
  });
  expect(response.status()).toBe(200);
}
