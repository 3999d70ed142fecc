import { test, expect, logInAsAdmin, openReady } from '../support/fixtures';

test('the Activity page lists what happened and filters it', async ({ page, browser }) => {
  const visitor = await browser.newPage();
  await openReady(visitor, '/login');
  await visitor.getByLabel('Email').fill('mallory@example.com');
  await visitor.getByLabel('Password').fill('Not-Her-Pass-1');
  await visitor.getByRole('button', { name: 'Log in' }).click();
  await expect(visitor.getByRole('alert')).toBeVisible();
  await visitor.close();

  await logInAsAdmin(page);
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity' })).toBeVisible();
  await page.getByLabel('What happened').selectOption('login_failed');
  await page.getByLabel('Search by email').fill('mallory');
  await page.getByRole('button', { name: 'SEARCH' }).click();
  await expect(page).toHaveURL(/action=login_failed/);
  const rows = page.getByTestId('activity-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Login failed');
  await expect(rows.first()).toContainText('mallory@example.com');
  await expect(rows.first()).toContainText('anonymous visitor');
  await expect(rows.first()).toContainText('Refused');
});
