import type { Page } from '@playwright/test';
import { test, expect, logInAsAdmin, logIn, openReady, invitationLinkFor, inviteThroughDialog } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';

async function register(browser: import('@playwright/test').Browser, mailURL: string, email: string, name: string): Promise<Page> {
  const developer = await browser.newPage();
  await openReady(developer, await invitationLinkFor(mailURL, email));
  await developer.getByLabel('Full name').fill(name);
  await developer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await developer.getByLabel('Confirm password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer).toHaveURL(/\/portal$/);
  return developer;
}

function developerRow(page: Page, email: string) {
  return page.locator(`tr[data-testid="developer-row"][data-email="${email}"]`);
}

test('deactivating a developer signs them out at once; reactivating lets them back in', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'deactivate-me@example.com');
  const developer = await register(browser, mailURL, 'deactivate-me@example.com', 'Deac Tivated');
  await expect(developer.getByRole('heading', { name: 'Welcome, Deac Tivated' })).toBeVisible();

  // Client-side navigation to Consumers > Developers; search by part of the name.
  await page.getByRole('link', { name: 'Consumers › Developers' }).click();
  await expect(page).toHaveURL(/\/admin\/developers$/);
  await page.getByLabel('Search by name or email').fill('tivated');
  await page.getByRole('button', { name: 'SEARCH' }).click();
  await expect(page).toHaveURL(/q=tivated/);
  const row = developerRow(page, 'deactivate-me@example.com');
  await expect(page.locator('tr[data-testid="developer-row"]')).toHaveCount(1);
  await expect(row).toContainText('Active');

  await row.getByRole('button', { name: 'Deactivate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate account' });
  await expect(dialog).toContainText('will be signed out at once');
  await dialog.getByRole('button', { name: 'DEACTIVATE' }).click();
  await expect(page.getByRole('status')).toContainText('Deac Tivated is deactivated');
  await expect(row).toHaveAttribute('data-standing', 'deactivated');

  // The developer's open session is over: the next page load asks them to log in.
  await developer.reload();
  await expect(developer).toHaveURL(/\/login\?next=/);
  await developer.getByLabel('Email').fill('deactivate-me@example.com');
  await developer.getByLabel('Password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Log in' }).click();
  await expect(developer.getByRole('alert')).toContainText('not active');

  // The inactive filter lists it; reactivate it from there.
  await page.getByLabel('Search by name or email').fill('');
  await page.getByLabel('Show').selectOption('inactive');
  await page.getByRole('button', { name: 'SEARCH' }).click();
  await expect(page).toHaveURL(/show=inactive/);
  await expect(page.locator('tr[data-testid="developer-row"]').filter({ hasText: 'Active' })).toHaveCount(0);
  await row.getByRole('button', { name: 'Reactivate' }).click();
  await page.getByRole('dialog', { name: 'Reactivate account' }).getByRole('button', { name: 'REACTIVATE' }).click();
  await expect(page.getByRole('status')).toContainText('active again');

  await logIn(developer, 'deactivate-me@example.com', PASSWORD, /\/portal$/);
  await developer.close();
});

test('the admin cannot deactivate their own account and the button says why', async ({ page }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/developers?q=admin%40portico.test');
  const own = developerRow(page, 'admin@portico.test');
  await expect(own).toContainText('you');
  const button = own.getByRole('button', { name: 'Deactivate' });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('title', /your own account/);
});
