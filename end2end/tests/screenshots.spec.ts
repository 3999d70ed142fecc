// Screenshots of the main pages, taken from the running app: written to
// test-results/screenshots, or to PORTICO_SCREENSHOTS_DIR (docs/screenshots for the README).
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, logInAsAdmin, openReady, invitationLinkFor, inviteThroughDialog, setAutoApproval, saveSettings, emailTo, expireInvitationsOf } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/env';

const DIR = process.env.PORTICO_SCREENSHOTS_DIR ?? path.join(__dirname, '..', 'test-results', 'screenshots');

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: path.join(DIR, `${name}.png`), fullPage: false, animations: 'disabled' });
}

test('screenshots of the main pages', async ({ page, browser, mailURL }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openReady(page, '/login');
  await shoot(page, 'login');

  await logInAsAdmin(page);
  await setAutoApproval(page, false);
  try {
    await page.getByRole('button', { name: '+ INVITE' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite developers' });
    await dialog.getByLabel('Email addresses').fill('grace@example.com; alan@example.com; not-an-email; grace@example.com');
    await dialog.getByRole('button', { name: 'SUBMIT' }).click();
    await expect(dialog.getByTestId('invite-outcomes')).toBeVisible();
    await shoot(page, 'invite-modal');
    await dialog.getByRole('button', { name: 'DONE' }).click();

    const developer = await browser.newPage();
    await developer.setViewportSize({ width: 1280, height: 800 });
    await openReady(developer, await invitationLinkFor(mailURL, 'grace@example.com'));
    await developer.getByLabel('Full name').fill('Grace Hopper');
    await developer.getByLabel('Password', { exact: true }).fill('Cobol-1959!');
    await shoot(developer, 'create-account');
    await developer.getByLabel('Confirm password').fill('Cobol-1959!');
    await developer.getByRole('button', { name: 'Create account' }).click();
    await expect(developer.getByTestId('waiting-for-approval')).toBeVisible();
    await developer.close();

    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await shoot(page, 'invitations');
    // The dark theme, as a browser that prefers it sees the console.
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot(page, 'dark-invitations');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('tr[data-email="grace@example.com"]').getByRole('button', { name: 'Review registration' }).click();
    await expect(page.getByRole('dialog', { name: 'Review registration' })).toContainText('Grace Hopper');
    await shoot(page, 'review-modal');
    await page.getByRole('dialog', { name: 'Review registration' }).getByRole('button', { name: 'ACCEPT' }).click();

    await openReady(page, '/admin/developers');
    await shoot(page, 'developers');
    await openReady(page, '/admin/settings');
    await shoot(page, 'settings');
    await page.getByTestId('administrators-table').scrollIntoViewIfNeeded();
    await shoot(page, 'administrators');
    await openReady(page, '/portal');
    await shoot(page, 'portal');
    await openReady(page, '/portal/profile');
    await shoot(page, 'profile');
    await page.getByTestId('sessions').scrollIntoViewIfNeeded();
    await shoot(page, 'sessions');
    // Setting up an authenticator (only started: the admin's login stays password-only).
    await page.getByLabel('Your password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await expect(page.getByTestId('mfa-qr').locator('svg')).toBeVisible();
    await page.getByTestId('mfa-section').scrollIntoViewIfNeeded();
    await shoot(page, 'two-step-setup');
    // The login step of an admin the portal requires it of.
    await saveSettings(page, { auto_approve: false, require_admin_mfa: true });
    const admin = await (await browser.newContext()).newPage();
    await admin.setViewportSize({ width: 1280, height: 800 });
    await openReady(admin, '/login');
    await admin.getByLabel('Email').fill(ADMIN_EMAIL);
    await admin.getByLabel('Password').fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: 'Log in' }).click();
    await expect(admin.getByTestId('enroll-required')).toBeVisible();
    await shoot(admin, 'two-step-login');
    await admin.context().close();
    await saveSettings(page, { auto_approve: false });

    // Account recovery, as Grace (now approved) would go through it.
    const visitor = await browser.newPage();
    await visitor.setViewportSize({ width: 1280, height: 800 });
    await openReady(visitor, '/forgot-password?email=grace%40example.com');
    await shoot(visitor, 'forgot-password');
    await visitor.getByRole('button', { name: 'Email me a link' }).click();
    await expect(visitor.getByTestId('check-inbox')).toBeVisible();
    const reset = await emailTo(mailURL, 'grace@example.com', /Reset your password/);
    const link = reset.text.match(/https?:\/\/[^\s"<>]+\/password-reset\/[0-9a-f]{64}/)?.[0];
    await openReady(visitor, link ?? '/password-reset/missing');
    await visitor.getByLabel('Password', { exact: true }).fill('Cobol-1960!');
    await shoot(visitor, 'reset-password');
    await visitor.close();

    // The lists at phone width: cards.
    await page.setViewportSize({ width: 390, height: 844 });
    await openReady(page, '/admin/invitations');
    await shoot(page, 'phone-invitations');
  } finally {
    await setAutoApproval(page, true);
  }
});

test('screenshots of the import preview and the domain rules', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await logInAsAdmin(page);
  const added = await page.request.post('/api/add_domain_rule', { form: { domain: 'rival.example', kind: 'deny', include_subdomains: 'true' } });
  expect(added.status()).toBe(200);
  const rule = (await added.json()) as { id: number };
  try {
    await openReady(page, '/admin/invitations/import');
    await page.getByLabel('…or paste the list').fill(
      'email,full name,pre-approved\nada@partner.example,Ada Lovelace,yes\ngrace@partner.example,Grace Hopper,no\nnot-an-address,Someone,\nspy@eu.rival.example,,\nADA@partner.example,Ada again,',
    );
    await page.getByRole('button', { name: 'PREVIEW' }).click();
    await expect(page.getByTestId('import-table')).toBeVisible();
    await page.getByRole('region', { name: /Preview/ }).screenshot({ path: path.join(DIR, 'import-preview.png'), animations: 'disabled' });
    await openReady(page, '/admin/settings');
    const section = page.getByRole('region', { name: 'Domain rules' });
    await expect(section.getByTestId('domain-rule')).toHaveCount(1);
    await section.screenshot({ path: path.join(DIR, 'domain-rules.png'), animations: 'disabled' });
  } finally {
    await page.request.post('/api/remove_domain_rule', { form: { id: String(rule.id) } });
  }
});

test('screenshots of a request for a new invitation, from the expired link to the admins', async ({ page, browser, mailURL }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'late-reader@example.com');
  const link = await invitationLinkFor(mailURL, 'late-reader@example.com');
  expireInvitationsOf('late-reader@example.com');
  const developer = await browser.newPage();
  await developer.setViewportSize({ width: 1280, height: 800 });
  await openReady(developer, link);
  await developer.getByRole('button', { name: 'Request a new invitation' }).click();
  await expect(developer.getByTestId('request-answer')).toBeVisible();
  await shoot(developer, 'request-new-invitation');
  await developer.close();
  await openReady(page, '/admin/invitations/requests');
  const row = page.locator('tr[data-email="late-reader@example.com"]');
  await expect(row).toBeVisible();
  await shoot(page, 'link-requests');
  // Answered, so later journeys start without it.
  await row.getByRole('button', { name: 'DECLINE' }).click();
  await expect(row).toHaveCount(0);
});

test('screenshot of the onboarding dashboard', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await logInAsAdmin(page);
  await openReady(page, '/admin');
  await expect(page.getByTestId('funnel-chart')).toBeVisible();
  await shoot(page, 'dashboard');
});

test('screenshot of the email editor with its live preview', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await logInAsAdmin(page);
  await openReady(page, '/admin/settings/emails/invitation');
  await expect(page.getByTestId('preview-subject')).toHaveText(/^You're invited to /);
  await shoot(page, 'email-editor');
});
