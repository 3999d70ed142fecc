// The invitations list stays current while it is open: it reads itself again on a timer while
// the tab is visible, and when its own navigation link is clicked.
import type { Browser, Page } from '@playwright/test';
import { test, expect, logInAsAdmin, openReady, invitationLinkFor, inviteThroughDialog, setAutoApproval } from '../support/fixtures';

// app/src/pages/admin/invitations/auto_refresh.rs: REFRESH_INTERVAL.
const REFRESH_INTERVAL_MS = 10_000;
const PASSWORD = 'Dev-Pass-123';

function row(page: Page, email: string) {
  return page.locator(`tr[data-testid="invitation-row"][data-email="${email}"]`);
}

/** The developer opens the emailed link in a browser of their own and creates the account. */
async function completeLink(browser: Browser, mailURL: string, email: string) {
  const developer = await browser.newPage();
  await openReady(developer, await invitationLinkFor(mailURL, email));
  await developer.getByLabel('Full name').fill('Live Dev');
  await developer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await developer.getByLabel('Confirm password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer.getByTestId('waiting-for-approval')).toBeVisible();
  await developer.close();
}

test('an open invitations list follows a registration made elsewhere within the refresh interval, keeping its search and an open dialog', async ({ page, browser, mailURL }) => {
  // A registration, then up to one refresh interval of waiting.
  test.setTimeout(60_000);
  await logInAsAdmin(page);
  await setAutoApproval(page, false);
  try {
    await inviteThroughDialog(page, 'live-follow@example.com;live-other@example.com');
    await openReady(page, '/admin/invitations?q=live-');
    const followed = row(page, 'live-follow@example.com');
    await expect(followed).toContainText('Pending');
    await expect(followed.getByRole('button', { name: 'Delete invitation' })).toBeEnabled();
    await expect(followed.getByRole('button', { name: 'Review registration' })).toBeDisabled();
    // The admin is in the middle of something: a dialog open on another row.
    await row(page, 'live-other@example.com').getByRole('button', { name: 'Delete invitation' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete invitation' });
    await expect(confirm).toBeVisible();

    await completeLink(browser, mailURL, 'live-follow@example.com');

    await expect(followed).toContainText('Waiting', { timeout: REFRESH_INTERVAL_MS + 5_000 });
    await expect(followed.getByRole('button', { name: 'Review registration' })).toBeEnabled();
    await expect(followed.getByRole('button', { name: 'Delete invitation' })).toBeDisabled();
    // Nothing the admin had open was lost, and the background read showed no loading state.
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText('live-other@example.com');
    await expect(page).toHaveURL(/q=live-/);
    await expect(page.getByLabel('Search by email')).toHaveValue('live-');
    await expect(page.getByText('Loading invitations…')).toHaveCount(0);
    await confirm.getByRole('button', { name: 'CANCEL' }).click();
  } finally {
    await setAutoApproval(page, true);
  }
});

test('clicking Consumers › Invitations in the navigation reads the open list again at once', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await setAutoApproval(page, false);
  try {
    await inviteThroughDialog(page, 'live-nav@example.com');
    await openReady(page, '/admin/invitations');
    const changed = row(page, 'live-nav@example.com');
    await expect(changed).toContainText('Pending');

    await completeLink(browser, mailURL, 'live-nav@example.com');

    await page.getByRole('link', { name: 'Consumers › Invitations' }).click();
    // Well within the refresh interval, so it is the click that brought the change.
    await expect(changed).toContainText('Waiting', { timeout: 2_000 });
    await expect(changed.getByRole('button', { name: 'Review registration' })).toBeEnabled();
  } finally {
    await setAutoApproval(page, true);
  }
});
