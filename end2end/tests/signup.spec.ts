import { test, expect, logInAsAdmin, logIn, openReady, invitationLinkFor, saveSettings, emailTo } from '../support/fixtures';

const PASSWORD = 'Self-Made-42';

async function signUp(page: import('@playwright/test').Page, email: string, name: string) {
  await openReady(page, '/login');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  // A page without the app's code: its few lines of script check the fields.
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const submit = page.getByRole('button', { name: 'Sign up' });
  await expect(submit).toBeDisabled();
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email').fill('not an email');
  await expect(page.getByText('This email address is not valid')).toBeVisible();
  await expect(submit).toBeDisabled();
  await page.getByLabel('Email').fill(email);
  await expect(page.getByText('This email address is not valid')).toBeHidden();
  await expect(submit).toBeEnabled();
  // No password here: whoever types an address at sign-up must not choose its password.
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);
  await submit.click();
  await expect(page).toHaveURL(/\/signup\?sent=/);
  await expect(page.getByTestId('check-inbox')).toContainText(email);
}

/** On the emailed link's page: the name from the sign-up is suggested; the password is chosen. */
async function choosePassword(page: import('@playwright/test').Page, name: string) {
  await expect(page.getByRole('heading', { name: 'Choose your password' })).toBeVisible();
  await expect(page.getByLabel('Full name')).toHaveValue(name);
  const submit = page.getByRole('button', { name: 'Create account' });
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await expect(submit).toBeDisabled();
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await submit.click();
}

test('with sign-up closed the page says so and the login screen offers no sign-up', async ({ page }) => {
  await openReady(page, '/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create an account' })).toHaveCount(0);
  await openReady(page, '/signup');
  await expect(page.getByTestId('sign-up-closed')).toContainText('by invitation only');
});

test('a developer signs up, chooses the password on the emailed link and lands in the portal', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await saveSettings(page, { self_registration: 'automatic' });
  try {
    const visitor = await browser.newPage();
    await signUp(visitor, 'self-auto@example.com', 'Self Auto');
    const mail = await emailTo(mailURL, 'self-auto@example.com', /Confirm your email address/);
    expect(mail.text).toContain('You signed up for');
    await openReady(visitor, await invitationLinkFor(mailURL, 'self-auto@example.com'));
    await choosePassword(visitor, 'Self Auto');
    await expect(visitor).toHaveURL(/\/portal$/);
    await expect(visitor.getByRole('heading', { name: 'Welcome, Self Auto' })).toBeVisible();
    await visitor.close();

    await page.reload();
    const row = page.locator('tr[data-email="self-auto@example.com"]');
    await expect(row).toContainText('self-registration');
    await expect(row).toContainText('Approved');
  } finally {
    await saveSettings(page, {});
  }
});

test('with approval required a confirmed sign-up waits until the admin accepts it', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await saveSettings(page, { self_registration: 'with_approval' });
  try {
    const visitor = await browser.newPage();
    await signUp(visitor, 'self-review@example.com', 'Self Review');
    await openReady(visitor, await invitationLinkFor(mailURL, 'self-review@example.com'));
    // A name the server refuses comes back as typed, not as the sign-up gave it.
    await visitor.getByLabel('Full name').fill('Self\u202EReviewer');
    await visitor.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await visitor.getByLabel('Confirm password').fill(PASSWORD);
    await visitor.getByRole('button', { name: 'Create account' }).click();
    await expect(visitor.getByRole('alert')).toContainText('text-direction marks');
    await expect(visitor.getByLabel('Full name')).toHaveValue('Self\u202EReviewer');
    await visitor.getByLabel('Full name').fill('Self Review');
    await choosePassword(visitor, 'Self Review');
    await expect(visitor.getByTestId('waiting-for-approval')).toBeVisible();

    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    const row = page.locator('tr[data-email="self-review@example.com"]');
    await expect(row).toContainText('Waiting');
    await row.getByRole('button', { name: 'Review registration' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review registration' });
    await expect(dialog).toContainText('Self Review');
    await dialog.getByRole('button', { name: 'ACCEPT' }).click();
    await expect(row).toContainText('Approved');

    await logIn(visitor, 'self-review@example.com', PASSWORD, /\/portal$/);
    await visitor.close();
  } finally {
    await saveSettings(page, {});
  }
});
