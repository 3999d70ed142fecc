// An axe scan of every page: no serious or critical violations (WCAG 2.x A/AA rules).
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, logInAsAdmin, openReady, invitationLinkFor, inviteThroughDialog } from '../support/fixtures';

async function expectNoSeriousViolations(page: Page, what: string) {
  // A sandboxed frame runs no script, so axe cannot enter it: the email editor's preview (the
  // email itself, whose HTML the mail tests check) is left out; the frame element is scanned.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('iframe[sandbox]')
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `${what} has accessibility violations`).toEqual([]);
}

test('the public pages have no serious accessibility violations', async ({ page, browser, mailURL }) => {
  await openReady(page, '/login');
  await expectNoSeriousViolations(page, 'the login page');
  await openReady(page, '/signup');
  await expectNoSeriousViolations(page, 'the sign-up page');
  await openReady(page, '/invitation/not-a-token');
  await expectNoSeriousViolations(page, 'a dead-end invitation page');

  const admin = await browser.newPage();
  await logInAsAdmin(admin);
  await inviteThroughDialog(admin, 'axe-dev@example.com');
  await openReady(page, await invitationLinkFor(mailURL, 'axe-dev@example.com'));
  await expectNoSeriousViolations(page, 'the invitation page (CREATE AN ACCOUNT)');
  await page.getByRole('tab', { name: 'LOGIN' }).click();
  await expect(page).toHaveURL(/\?tab=login$/);
  await expect(page.getByRole('tab', { name: 'LOGIN' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expectNoSeriousViolations(page, 'the invitation page (LOGIN)');
  await admin.close();
});

test('the admin console and the portal have no serious accessibility violations', async ({ page }) => {
  await logInAsAdmin(page);
  await expectNoSeriousViolations(page, 'Consumers > Invitations');
  await page.getByRole('button', { name: '+ INVITE' }).click();
  await expectNoSeriousViolations(page, 'the invite dialog');
  await page.keyboard.press('Escape');
  await openReady(page, '/admin');
  await page.getByText('The weeks as a table').click();
  await expectNoSeriousViolations(page, 'the dashboard, with its table open');
  await openReady(page, '/admin/developers');
  await expectNoSeriousViolations(page, 'Consumers > Developers');
  await openReady(page, '/admin/settings');
  await expectNoSeriousViolations(page, 'Settings');
  await openReady(page, '/admin/settings/emails/invitation');
  await expect(page.getByTestId('preview-subject')).toBeVisible();
  await expectNoSeriousViolations(page, 'the email editor, with its preview');
  await openReady(page, '/admin/invitations/import');
  await page.getByLabel('…or paste the list').fill('a11y-import@example.com\nnot-an-address');
  await page.getByRole('button', { name: 'PREVIEW' }).click();
  await expect(page.getByTestId('import-table')).toBeVisible();
  await expectNoSeriousViolations(page, 'Import with its preview');
  await openReady(page, '/admin/activity');
  await expectNoSeriousViolations(page, 'Activity');
  await openReady(page, '/portal');
  await expectNoSeriousViolations(page, 'the portal home');
  await openReady(page, '/portal/profile');
  await expectNoSeriousViolations(page, 'the profile page');
});

test('in the dark theme (the browser prefers it) every page is dark and keeps its contrast', async ({ page }) => {
  // Eleven pages and a dialog, each checked by axe: over 30 s on a slow 2-core machine.
  test.slow();
  await page.emulateMedia({ colorScheme: 'dark' });
  await openReady(page, '/signup');
  const canvas = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(canvas, 'the page background follows the dark preference').toBe('rgb(17, 21, 28)');
  await expectNoSeriousViolations(page, 'the sign-up page (dark)');
  await openReady(page, '/login');
  await expectNoSeriousViolations(page, 'the login page (dark)');
  await logInAsAdmin(page);
  await expectNoSeriousViolations(page, 'Consumers > Invitations (dark)');
  await page.getByRole('button', { name: '+ INVITE' }).click();
  await expectNoSeriousViolations(page, 'the invite dialog (dark)');
  await page.keyboard.press('Escape');
  for (const [path, what] of [
    ['/admin', 'the dashboard'],
    ['/admin/developers', 'Consumers > Developers'],
    ['/admin/invitations/requests', 'Requests for a new invitation'],
    ['/admin/settings', 'Settings'],
    ['/admin/settings/emails/reminder', 'the email editor'],
    ['/admin/activity', 'Activity'],
    ['/portal', 'the portal home'],
    ['/portal/profile', 'the profile page'],
  ]) {
    await openReady(page, path);
    await expectNoSeriousViolations(page, `${what} (dark)`);
  }
});
