import type { Page } from '@playwright/test';
import { test, expect, logInAsAdmin } from '../support/fixtures';

function row(page: Page, email: string) {
  return page.locator(`tr[data-testid="invitation-row"][data-email="${email}"]`);
}

async function invite(page: Page, emails: string) {
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill(emails);
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(dialog.getByTestId('invite-outcomes')).toBeVisible();
  return dialog;
}

test('the admin invites several addresses, one invalid, and sees each outcome', async ({ page }) => {
  await logInAsAdmin(page);
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill('ui-ana@example.com;not-an-email;ui-bo@example.com');
  // Invalid entries are flagged before submitting.
  await expect(dialog.getByTestId('invite-problems')).toContainText('not-an-email');
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  const outcomes = dialog.getByTestId('invite-outcome');
  await expect(outcomes).toHaveCount(3);
  await expect(outcomes.nth(0)).toContainText('ui-ana@example.com');
  await expect(outcomes.nth(0)).toContainText('Invited');
  await expect(outcomes.nth(1)).toContainText('Not sent');
  await expect(dialog.getByText('2 of 3 invited.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row(page, 'ui-ana@example.com')).toContainText('Pending');
  await expect(row(page, 'ui-bo@example.com')).toContainText('Pending');
});

test('inviting an address that already has a pending invitation offers a one-click resend', async ({ page }) => {
  await logInAsAdmin(page);
  await invite(page, 'ui-twice@example.com');
  await page.keyboard.press('Escape');
  const dialog = await invite(page, 'ui-twice@example.com');
  await expect(dialog.getByTestId('invite-outcome')).toContainText('already has a Pending invitation');
  await dialog.getByRole('button', { name: 'Resend' }).click();
  await expect(dialog.getByRole('button', { name: 'Resent' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(row(page, 'ui-twice@example.com')).toHaveCount(2);
  await expect(row(page, 'ui-twice@example.com').filter({ hasText: 'Inactivated' })).toHaveCount(1);
});

test('search by part of an email and by status lives in the URL', async ({ page }) => {
  await logInAsAdmin(page);
  await invite(page, 'findme-one@search.example;findme-two@search.example;other@nomatch.example');
  await page.keyboard.press('Escape');
  await page.getByLabel('Search by email').fill('FINDME');
  await page.getByLabel('Search by email').press('Enter');
  await expect(page).toHaveURL(/q=FINDME/);
  await expect(page.getByTestId('invitation-row')).toHaveCount(2);
  await page.getByLabel('Status').selectOption('approved');
  await page.getByRole('button', { name: 'SEARCH' }).click();
  await expect(page).toHaveURL(/status=approved/);
  await expect(page.getByText('No invitation matches this search.')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('invitation-row')).toHaveCount(2);
});

test('delete asks for confirmation and removes a pending invitation; resend replaces one', async ({ page }) => {
  await logInAsAdmin(page);
  await invite(page, 'ui-delete@example.com;ui-resend@example.com');
  await page.keyboard.press('Escape');

  await row(page, 'ui-delete@example.com').getByRole('button', { name: 'Delete invitation' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete invitation' });
  await confirm.getByRole('button', { name: 'DELETE' }).click();
  await expect(page.getByTestId('toast')).toContainText('was deleted');
  await expect(row(page, 'ui-delete@example.com')).toHaveCount(0);

  await row(page, 'ui-resend@example.com').getByRole('button', { name: 'Resend invitation' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('A new invitation was sent');
  const rows = row(page, 'ui-resend@example.com');
  await expect(rows).toHaveCount(2);
  const inactivated = rows.filter({ hasText: 'Inactivated' });
  // A replaced invitation can be neither deleted nor resent; the tooltip says why.
  await expect(inactivated.getByRole('button', { name: 'Delete invitation' })).toBeDisabled();
  await expect(inactivated.getByRole('button', { name: 'Resend invitation' })).toHaveAttribute('title', /newer invitation/);
  // Only Waiting registrations can be reviewed.
  await expect(rows.filter({ hasText: 'Pending' }).getByRole('button', { name: 'Review registration' })).toBeDisabled();
});

test('settings round-trip and the login screen shows the chosen color', async ({ page, browser }) => {
  await logInAsAdmin(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByLabel('Portal body and login background color').fill('#204060');
  await expect(page.getByTestId('login-preview')).toHaveCSS('background-color', 'rgb(32, 64, 96)');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('toast')).toContainText('Settings saved.');

  await page.getByLabel('Invitation validity (hours)').fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toContainText('Invitation validity');

  const visitor = await browser.newPage();
  await visitor.goto('/login');
  await expect(visitor.getByTestId('login-screen')).toHaveCSS('background-color', 'rgb(32, 64, 96)');
  await visitor.close();
  // Put the default back for the other journeys.
  await page.getByLabel('Invitation validity (hours)').fill('72');
  await page.getByLabel('Portal body and login background color').fill('#eef1f8');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Settings saved.');
});

test('each row shows whether its email was sent, with the details on hover', async ({ page }) => {
  await logInAsAdmin(page);
  await invite(page, 'delivered@example.com');
  await page.getByRole('button', { name: 'DONE' }).click();
  const delivery = row(page, 'delivered@example.com').getByTestId('delivery');
  // The worker sends it to maildev within moments; the list shows it after a refresh.
  await expect(async () => {
    await page.reload();
    await expect(delivery).toHaveAttribute('data-delivery', 'sent', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(delivery).toContainText('Email sent');
  await expect(delivery).toHaveAttribute('title', /Delivered to the mail server at/);
});

test('Escape pressed right after SUBMIT leaves the dialog open until each outcome is shown, and the list has the new rows', async ({ page }) => {
  await logInAsAdmin(page);
  // Hold the answer back a moment, so the Escape surely comes while the submission is pending.
  await page.route('**/api/invite', async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill('esc-ok@example.com;esc-bad@');
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  const outcomes = dialog.getByTestId('invite-outcome');
  await expect(outcomes).toHaveCount(2);
  await expect(outcomes.nth(0)).toContainText('Invited');
  await expect(outcomes.nth(1)).toContainText('esc-bad@');
  await expect(dialog.getByText('1 of 2 invited.')).toBeVisible();
  await page.unroute('**/api/invite');
  // Once the outcome is shown, Escape closes the dialog as before.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // Refreshed when the invitation completed (well before the list's own timer would).
  await expect(row(page, 'esc-ok@example.com')).toContainText('Pending', { timeout: 3_000 });
});
