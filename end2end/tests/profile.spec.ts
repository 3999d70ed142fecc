import { test, expect, logInAsAdmin, logIn, openReady, invitationLinkFor, inviteThroughDialog, sqlite } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';
const NEW_PASSWORD = 'Newer-Pass-456';

test('a developer renames themselves and changes the password on the profile page', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'profile-dev@example.com');
  const developer = await browser.newPage();
  await openReady(developer, await invitationLinkFor(mailURL, 'profile-dev@example.com'));
  await developer.getByLabel('Full name').fill('Pro File');
  await developer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await developer.getByLabel('Confirm password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer).toHaveURL(/\/portal$/);
  await expect(developer.locator('body')).toHaveAttribute('data-ready', 'true');

  // The portal's home goes without the app; Profile is the first page that loads it.
  await developer.getByRole('link', { name: 'Profile' }).click();
  await expect(developer).toHaveURL(/\/portal\/profile$/);
  await expect(developer.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(developer.getByLabel('Email')).toHaveValue('profile-dev@example.com');
  await developer.getByLabel('Full name').fill('Pro Filed');
  await developer.getByRole('button', { name: 'Save name' }).click();
  await expect(developer.getByRole('status')).toContainText('Your name is saved');

  await developer.getByLabel('Current password').fill('Wrong-Pass-000');
  await developer.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await developer.getByLabel('Confirm password').fill(NEW_PASSWORD);
  await developer.getByRole('button', { name: 'Change password' }).click();
  await expect(developer.getByRole('alert')).toContainText('current password is not right');
  await developer.getByLabel('Current password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Change password' }).click();
  await expect(developer.getByRole('status')).toContainText('Your password is changed');

  await developer.getByRole('button', { name: 'Sign out' }).click();
  await expect(developer).toHaveURL(/\/login$/);
  await logIn(developer, 'profile-dev@example.com', NEW_PASSWORD, /\/portal$/);
  await expect(developer.getByRole('heading', { name: 'Welcome, Pro Filed' })).toBeVisible();
  await developer.close();
});

test('an account whose password was generated must choose its own before anything else', async ({ page, browser, mailURL }) => {
  const email = 'generated-pass@example.com';
  await logInAsAdmin(page);
  await inviteThroughDialog(page, email);
  const developer = await browser.newPage();
  await openReady(developer, await invitationLinkFor(mailURL, email));
  await developer.getByLabel('Full name').fill('Gene Rated');
  await developer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await developer.getByLabel('Confirm password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer).toHaveURL(/\/portal$/);
  await developer.getByRole('button', { name: 'Sign out' }).click();
  await expect(developer).toHaveURL(/\/login$/);
  // As the first admin's account is when Portico generated its password.
  sqlite(`UPDATE accounts SET must_change_password = 1 WHERE email = '${email}'`);

  await logIn(developer, email, PASSWORD, /\/portal\/profile$/);
  await expect(developer.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
  await openReady(developer, '/portal');
  await expect(developer).toHaveURL(/\/portal\/profile$/);
  await developer.getByLabel('Current password').fill(PASSWORD);
  await developer.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await developer.getByLabel('Confirm password').fill(NEW_PASSWORD);
  await developer.getByRole('button', { name: 'Change password' }).click();
  await expect(developer).toHaveURL(/\/portal$/);
  await expect(developer.getByRole('heading', { name: 'Welcome, Gene Rated' })).toBeVisible();
  await developer.close();
});
