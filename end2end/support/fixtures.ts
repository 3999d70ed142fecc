// The test API every spec imports: Playwright's, with `baseURL` pointing at the server the
// global setup started, and helpers for the steps journeys share.
import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, STATE_FILE } from './env';

function state(): { baseURL: string; mailURL: string; dataDir: string } {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
}

export const test = base.extend<{ mailURL: string }>({
  baseURL: async ({}, use) => use(state().baseURL),
  mailURL: async ({}, use) => use(state().mailURL),
});

export { expect };

/** Opens a page and waits until its clicks are handled: the WASM app has hydrated it, or (a page
 *  without the app) its own script has run. */
export async function openReady(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

export async function logInAsAdmin(page: Page): Promise<void> {
  await openReady(page, '/login');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  // The console opens on the dashboard; most journeys start on the invitations.
  await expect(page).toHaveURL(/\/admin$/);
  await openReady(page, '/admin/invitations');
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

/** Opens the invitation emailed to `email` in `page` and registers with `name` and `password`. */
export async function registerFromInvitation(page: Page, mailURL: string, email: string, name: string, password: string): Promise<void> {
  await openReady(page, await invitationLinkFor(mailURL, email));
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
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

export interface Settings {
  auto_approve: boolean;
  validity_hours: number;
  self_registration: 'off' | 'with_approval' | 'automatic';
  password_policy: 'portico' | 'nist';
  login_background: string;
  portal_content: string;
  require_admin_mfa: boolean;
  accent_color: string;
  reminder_hours: number;
  auto_resend_requests: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  auto_approve: true,
  validity_hours: 72,
  self_registration: 'off',
  password_policy: 'portico',
  login_background: '#eef1f8',
  portal_content: '# Welcome',
  require_admin_mfa: false,
  accent_color: '#3346d3',
  reminder_hours: 24,
  auto_resend_requests: false,
};

/** Saves settings through the API (as the signed-in admin of `page`); unnamed ones get the defaults. */
export async function saveSettings(page: Page, changes: Partial<Settings>): Promise<void> {
  const settings = { ...DEFAULT_SETTINGS, ...changes };
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) form[`form[${key}]`] = String(value);
  const response = await page.request.post('/api/save_settings', { form });
  expect(response.status()).toBe(200);
}

/** Sets auto-approval through the settings API (as the signed-in admin of `page`). */
export async function setAutoApproval(page: Page, on: boolean): Promise<void> {
  await saveSettings(page, { auto_approve: on });
}

/** Runs SQL against the test server's SQLite database (Debian's sqlite3), e.g. to let time pass. */
export function sqlite(sql: string): string {
  const db = path.join(state().dataDir, 'portico.db');
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' });
}

/** Lets the validity of `email`'s invitations run out, as days would: both dates move back. */
export function expireInvitationsOf(email: string): void {
  sqlite(
    "UPDATE invitations SET invited_at = '1999' || substr(invited_at, 5), valid_until = '2000' || substr(valid_until, 5) " +
      `WHERE email_normalized = '${email.toLowerCase()}'`,
  );
  // The search index keeps both dates, in microseconds (to the second here).
  sqlite(
    "UPDATE invitation_grams SET " +
      "invited_at = (SELECT CAST(strftime('%s', substr(i.invited_at, 1, 19)) AS INTEGER) * 1000000 FROM invitations i WHERE i.id = invitation_id), " +
      "valid_until = (SELECT CAST(strftime('%s', substr(i.valid_until, 1, 19)) AS INTEGER) * 1000000 FROM invitations i WHERE i.id = invitation_id) " +
      `WHERE invitation_id IN (SELECT id FROM invitations WHERE email_normalized = '${email.toLowerCase()}')`,
  );
}

/** Waits for the newest email to `email` whose subject matches, and returns it. */
export async function emailTo(mailURL: string, email: string, subject: RegExp): Promise<{ subject: string; text: string }> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const messages = (await (await fetch(`${mailURL}/email`)).json()) as Array<{
      to: Array<{ address: string }>;
      subject: string;
      text?: string;
    }>;
    const found = messages.filter(
      (m) => m.to.some((t) => t.address.toLowerCase() === email.toLowerCase()) && subject.test(m.subject),
    );
    if (found.length > 0) {
      const last = found[found.length - 1];
      return { subject: last.subject, text: last.text ?? '' };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${email} with a subject like ${subject} arrived within 15 s`);
}

/** Logs in on the LOGIN page and waits for the landing page. */
export async function logIn(page: Page, email: string, password: string, landing: RegExp): Promise<void> {
  await openReady(page, '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(landing);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}
