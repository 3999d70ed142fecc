import { test, expect, logInAsAdmin, logIn, openReady, invitationLinkFor, inviteThroughDialog } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';
const EMAIL = 'two-devices@example.com';

test('a developer sees their sessions, signs out another browser, and an admin signs them out everywhere', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, EMAIL);
  const laptop = await browser.newPage();
  await openReady(laptop, await invitationLinkFor(mailURL, EMAIL));
  await laptop.getByLabel('Full name').fill('Two Devices');
  await laptop.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await laptop.getByLabel('Confirm password').fill(PASSWORD);
  await laptop.getByRole('button', { name: 'Create account' }).click();
  await expect(laptop).toHaveURL(/\/portal$/);

  const phoneContext = await browser.newContext({
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  });
  const phone = await phoneContext.newPage();
  await logIn(phone, EMAIL, PASSWORD, /\/portal$/);

  // The list comes with the page and hydrates from it: the browser does not ask for it again
  // (a list fetched again would replace the one on screen, and its buttons with it).
  const listRequests: string[] = [];
  laptop.on('request', (request) => {
    if (request.url().includes('/api/my_sessions')) listRequests.push(request.url());
  });
  await openReady(laptop, '/portal/profile');
  const sessions = laptop.getByTestId('session');
  await expect(sessions).toHaveCount(2);
  await laptop.waitForTimeout(500);
  expect(listRequests).toEqual([]);
  await expect(laptop.locator('[data-testid="session"][data-current="true"]')).toContainText('This browser');
  const phoneRow = laptop.locator('[data-testid="session"][data-current="false"]');
  await expect(phoneRow).toContainText('Safari on iOS');
  await phoneRow.getByRole('button', { name: 'Sign out' }).click();
  await expect(laptop.getByRole('status')).toContainText('That session is signed out');
  await expect(sessions).toHaveCount(1);
  await phone.goto('/portal');
  await expect(phone).toHaveURL(/\/login/);

  // The admin signs the developer out everywhere; the account stays active.
  await openReady(page, `/admin/developers?q=${encodeURIComponent(EMAIL)}`);
  const row = page.locator(`[data-testid="developer-row"][data-email="${EMAIL}"]`);
  await row.locator('[data-action="sign-out"]').click();
  const dialog = page.getByRole('dialog', { name: 'Sign out everywhere' });
  await dialog.getByRole('button', { name: 'SIGN OUT' }).click();
  await expect(page.getByRole('status')).toContainText('Two Devices is signed out of 1 session');
  await expect(row).toHaveAttribute('data-standing', 'active');
  await laptop.goto('/portal/profile');
  await expect(laptop).toHaveURL(/\/login/);
  await logIn(laptop, EMAIL, PASSWORD, /\/portal$/);
  await laptop.close();
  await phoneContext.close();
});
