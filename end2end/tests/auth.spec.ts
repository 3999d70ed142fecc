import { test, expect, openReady, logInAsAdmin } from '../support/fixtures';
import { ADMIN_EMAIL } from '../support/env';

test('an anonymous visitor of the admin console is sent to the login page', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/login\?next=\/admin$/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
});

test('the admin logs in with the bootstrap credentials, sees the console and signs out', async ({ page }) => {
  await logInAsAdmin(page);
  await expect(page.getByTestId('account-name')).toHaveText('Administrator');
  await expect(page.getByRole('heading', { name: 'Invitations' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  // The session is over: the console sends the visitor back to login.
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/login\?next=\/admin$/);
});

test('a wrong password shows a message and keeps the visitor on the login page', async ({ page }) => {
  await openReady(page, '/login');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill('Not-The-Pass-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The email or password is incorrect, or the account is not active.',
  );
  await expect(page).toHaveURL(/\/login$/);
});

test('after logging in the visitor returns to the page they were going to', async ({ page }) => {
  await page.goto('/portal');
  await expect(page).toHaveURL(/\/login\?next=\/portal$/);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill('Admin-Pass-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Administrator' })).toBeVisible();
});
