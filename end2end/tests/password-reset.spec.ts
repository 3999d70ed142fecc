import { test, expect, logInAsAdmin, openReady, invitationLinkFor, inviteThroughDialog, emailTo } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';
const NEW_PASSWORD = 'Found-Again-789';
const EMAIL = 'forgetful@example.com';

/** The password-reset link in the newest reset email to `email`. */
async function resetLinkFor(mailURL: string, email: string): Promise<string> {
  const message = await emailTo(mailURL, email, /Reset your password/);
  const link = message.text.match(/https?:\/\/[^\s"<>]+\/password-reset\/[0-9a-f]{64}/)?.[0];
  if (!link) throw new Error(`no reset link in: ${message.text}`);
  return link;
}

test('a developer who forgot the password gets a link, chooses a new one, and every old session ends', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, EMAIL);
  const laptop = await browser.newPage();
  await openReady(laptop, await invitationLinkFor(mailURL, EMAIL));
  await laptop.getByLabel('Full name').fill('For Getful');
  await laptop.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await laptop.getByLabel('Confirm password').fill(PASSWORD);
  await laptop.getByRole('button', { name: 'Create account' }).click();
  await expect(laptop).toHaveURL(/\/portal$/);

  // Another browser: the login screen's link carries the address typed so far.
  const context = await browser.newContext();
  const phone = await context.newPage();
  await openReady(phone, '/login');
  await phone.getByLabel('Email').fill(EMAIL);
  await phone.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(phone).toHaveURL(/\/forgot-password\?email=/);
  await expect(phone.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await expect(phone.getByLabel('Email')).toHaveValue(EMAIL);
  await expect(phone.locator('body')).toHaveAttribute('data-ready', 'true');
  await phone.getByRole('button', { name: 'Email me a link' }).click();
  await expect(phone.getByTestId('check-inbox')).toContainText(`If ${EMAIL} has an account here`);

  const link = await resetLinkFor(mailURL, EMAIL);
  // The forgot-password, reset and login pages work without the app's code: none is loaded.
  const appCode: string[] = [];
  phone.on('request', (request) => {
    if (/\/pkg\/portico\.(js|wasm)$/.test(new URL(request.url()).pathname)) appCode.push(request.url());
  });
  await openReady(phone, link);
  await expect(phone.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(phone.getByTestId('reset-email')).toHaveText(EMAIL);
  // The rules tick as the password is typed, and the button waits for all of them and for
  // the same password twice.
  const submit = phone.getByRole('button', { name: 'Set new password' });
  const unmet = phone.locator('[data-testid="password-rule"]:not(.met)');
  await expect(unmet).toHaveCount(5);
  await expect(submit).toBeDisabled();
  await phone.getByLabel('Password', { exact: true }).fill('short');
  await expect(phone.getByTestId('password-rule').filter({ hasText: 'lowercase' })).toHaveClass(/met/);
  await expect(unmet).toHaveCount(4);
  await phone.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await expect(unmet).toHaveCount(0);
  await phone.getByLabel('Confirm password').fill(`${NEW_PASSWORD}!`);
  await expect(phone.getByText('The password and its confirmation are different.')).toBeVisible();
  await expect(submit).toBeDisabled();
  await phone.getByRole('button', { name: 'Show' }).click();
  await expect(phone.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text');
  await phone.getByLabel('Confirm password').fill(NEW_PASSWORD);
  await expect(phone.getByText('The password and its confirmation are different.')).toBeHidden();
  // While the form is on its way, what the page keeps for an error's round trip holds no
  // password, not even the one Show turned into text.
  // (Copied, once the page's own submit listener has run, where the next page can read it.)
  await phone.evaluate(() =>
    addEventListener('submit', () =>
      localStorage.setItem('kept-at-submit', sessionStorage.getItem('portico-form-sent') ?? 'nothing'),
    ),
  );
  await submit.click();
  await expect(phone).toHaveURL(/\/login\?reset=1/);
  await expect(phone.getByTestId('password-reset-done')).toBeVisible();
  await expect(phone.getByLabel('Email')).toHaveValue(EMAIL);
  await phone.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  expect(appCode).toEqual([]);
  const kept = await phone.evaluate(() => localStorage.getItem('kept-at-submit'));
  expect(kept).toContain('/api/reset_password');
  expect(kept).not.toContain(NEW_PASSWORD);
  await phone.getByRole('button', { name: 'Log in' }).click();
  await expect(phone).toHaveURL(/\/portal$/);

  // The laptop's session ended with the reset.
  await laptop.goto('/portal');
  await expect(laptop).toHaveURL(/\/login/);

  // The owner is told, and the link does not work twice.
  const notice = await emailTo(mailURL, EMAIL, /was reset/);
  expect(notice.text).toContain('/forgot-password');
  await openReady(phone, link);
  await expect(phone.getByTestId('reset-link-state')).toHaveAttribute('data-state', 'Used');
  await expect(phone.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
  await laptop.close();
  await context.close();
});

test('the invitation page\'s LOGIN tab offers the same way back, and an unknown address gets the same answer', async ({ page, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'tabbed@example.com');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await openReady(page, await invitationLinkFor(mailURL, 'tabbed@example.com'));
  await page.getByRole('tab', { name: 'LOGIN' }).click();
  await expect(page).toHaveURL(/\?tab=login$/);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('Email').fill('nobody-here@example.com');
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByTestId('check-inbox')).toContainText('If nobody-here@example.com has an account here');
});
