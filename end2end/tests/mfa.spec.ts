import * as fs from 'node:fs';
import type { Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { test, expect, logInAsAdmin, openReady, invitationLinkFor, emailTo, registerFromInvitation } from '../support/fixtures';

// A second admin, so the bootstrap admin the other journeys log in as keeps a password-only
// login.
const EMAIL = 'mfa-admin@example.com';
const PASSWORD = 'Mfa-Admin-Pass-7';

/** The code an authenticator app (here the npm package otpauth, not the app's own code) shows
 * for `secret`, `steps` time steps from now. */
function codeFor(secret: string, steps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

/** A code the app must refuse: none of those around now. */
function wrongCodeFor(secret: string): string {
  const near = [-1, 0, 1, 2].map((s) => codeFor(secret, s));
  return ['000000', '111111', '222222', '333333', '444444'].find((c) => !near.includes(c))!;
}

async function passwordStep(page: Page): Promise<void> {
  await openReady(page, '/login');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

test('an admin sets up an authenticator, logs in with a code and with a recovery code, turns it off, and is made to set it up again when the portal requires it', async ({ page, browser, mailURL }) => {
  test.setTimeout(90_000);
  await logInAsAdmin(page);
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill(EMAIL);
  await dialog.getByLabel('Role').selectOption('admin');
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(dialog.getByTestId('invite-outcomes')).toBeVisible();
  await dialog.getByRole('button', { name: 'DONE' }).click();

  const admin = await browser.newPage();
  await registerFromInvitation(admin, mailURL, EMAIL, 'Mfa Admin', PASSWORD);
  await expect(admin).toHaveURL(/\/admin$/);

  // Profile: set up, scan (read the key), confirm with the app's code, save the codes.
  await openReady(admin, '/portal/profile');
  const section = admin.getByTestId('mfa-section');
  await expect(section.getByTestId('mfa-state')).toContainText('Off');
  await section.getByLabel('Your password').fill(PASSWORD);
  await section.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(section.getByTestId('mfa-qr').locator('svg')).toBeVisible();
  const secret = (await section.getByTestId('mfa-secret').getAttribute('data-secret'))!;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await section.getByLabel('6-digit code').fill(codeFor(secret));
  await section.getByRole('button', { name: 'Turn on' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Two-step sign-in is on' })).toBeVisible();
  const codes = await section.getByTestId('recovery-codes').locator('code').allTextContents();
  expect(codes).toHaveLength(10);
  // Saved as a text file, made in the page.
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    section.getByTestId('download-recovery-codes').click(),
  ]);
  expect(download.suggestedFilename()).toBe('recovery-codes.txt');
  const saved = fs.readFileSync((await download.path())!, 'utf8');
  for (const code of codes) expect(saved).toContain(code);
  await expect(section.getByTestId('mfa-state')).toContainText('10 recovery codes left');
  await emailTo(mailURL, EMAIL, /Two-step sign-in is on/);

  // Settings › Administrators shows who has it.
  await openReady(page, '/admin/settings');
  const row = page.locator(`[data-testid="administrator-row"][data-email="${EMAIL}"]`);
  await expect(row.getByTestId('administrator-mfa')).toHaveText('On');

  // A new browser: the password leads to the code step, the next code signs in.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await passwordStep(fresh);
  await expect(fresh.getByText(`shows for ${EMAIL}`)).toBeVisible();
  await fresh.getByLabel('Code').fill(wrongCodeFor(secret));
  await fresh.getByRole('button', { name: 'Verify' }).click();
  await expect(fresh.getByRole('alert')).toContainText('not right');
  await fresh.getByLabel('Code').fill(codeFor(secret, 1));
  await fresh.getByRole('button', { name: 'Verify' }).click();
  await expect(fresh).toHaveURL(/\/admin$/);
  await context.close();

  // Another: a recovery code instead, which then no longer works; the owner is told.
  const third = await (await browser.newContext()).newPage();
  await passwordStep(third);
  await third.getByLabel('Code').fill(codes[0]);
  await third.getByRole('button', { name: 'Verify' }).click();
  await expect(third).toHaveURL(/\/admin$/);
  await emailTo(mailURL, EMAIL, /recovery code was used/);
  await third.context().close();

  // Turning it off takes the password and a code (a recovery code here).
  await openReady(admin, '/portal/profile');
  await expect(section.getByTestId('recovery-codes-left')).toHaveText('9 recovery codes left.');
  await section.getByRole('button', { name: 'Turn off' }).click();
  await section.getByLabel('Password').fill(PASSWORD);
  await section.getByLabel('Code').fill(codes[1]);
  await section.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await expect(section.getByTestId('mfa-state')).toContainText('Off');
  await emailTo(mailURL, EMAIL, /Two-step sign-in is off/);

  // The portal now requires it of admins: the next login sets it up before signing in.
  await page.getByTestId('require-admin-mfa').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
  try {
    const forced = await (await browser.newContext()).newPage();
    await passwordStep(forced);
    await expect(forced.getByTestId('enroll-required')).toBeVisible();
    await expect(forced.getByTestId('mfa-qr').locator('svg')).toBeVisible();
    const newSecret = (await forced.getByTestId('mfa-secret').getAttribute('data-secret'))!;
    expect(newSecret).not.toBe(secret);
    await forced.getByLabel('6-digit code').fill(codeFor(newSecret));
    await forced.getByRole('button', { name: 'Turn on and continue' }).click();
    await expect(forced.getByTestId('recovery-codes').locator('code')).toHaveCount(10);
    await forced.getByTestId('codes-saved').click();
    await expect(forced).toHaveURL(/\/admin$/);
    await forced.context().close();
  } finally {
    // The other journeys' admin logs in with a password only.
    await page.getByTestId('require-admin-mfa').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
  }
  await admin.close();
});
