import { test, expect, logInAsAdmin, openReady, saveSettings, invitationLinkFor } from '../support/fixtures';

test('an admin chooses the NIST preset and the sign-up link\'s password form follows it; common passwords are refused with the reason', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByLabel('Self-registration').selectOption('automatic');
  await page.getByLabel('Password policy').selectOption('nist');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('toast')).toContainText('Settings saved.');
  try {
    const visitor = await browser.newPage();
    await openReady(visitor, '/signup');
    await visitor.getByLabel('Email').fill('nist-visitor@example.com');
    await visitor.getByLabel('Full name').fill('Nist Visitor');
    await visitor.getByRole('button', { name: 'Sign up' }).click();
    await expect(visitor.getByTestId('check-inbox')).toContainText('nist-visitor@example.com');
    await openReady(visitor, await invitationLinkFor(mailURL, 'nist-visitor@example.com'));
    const rules = visitor.getByTestId('password-rule');
    // NIST SP 800-63B: a length rule and no composition rules.
    await expect(rules).toHaveCount(1);
    await expect(rules).toContainText('at least 15 characters (up to 128)');
    await expect(visitor.getByText('Commonly used passwords')).toBeVisible();
    const password = visitor.getByLabel('Password', { exact: true });
    await password.fill('short pass');
    await expect(visitor.locator('li.met[data-testid="password-rule"]')).toHaveCount(0);
    // 16 characters, so every rule the browser checks is met; the server knows it is common.
    await password.fill('1qaz2wsx3edc4rfv');
    await expect(visitor.locator('li.met[data-testid="password-rule"]')).toHaveCount(1);
    await visitor.getByLabel('Confirm password').fill('1qaz2wsx3edc4rfv');
    await visitor.getByRole('button', { name: 'Create account' }).click();
    await expect(visitor.getByRole('alert')).toContainText('one of the 10,000 most common passwords');
    await expect(visitor).not.toHaveURL(/\/portal$/);

    // A passphrase of lowercase words and spaces is fine under NIST.
    await password.fill('tangerine orbit lamp');
    await visitor.getByLabel('Confirm password').fill('tangerine orbit lamp');
    await visitor.getByRole('button', { name: 'Create account' }).click();
    await expect(visitor).toHaveURL(/\/portal$/);
    await visitor.close();

    await page.reload();
    await expect(page.getByLabel('Password policy')).toHaveValue('nist');
  } finally {
    await saveSettings(page, {});
  }
});
