import { test, expect, logInAsAdmin, openReady, invitationLinkFor, inviteThroughDialog, setAutoApproval, expireInvitationsOf } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';

async function createAccount(page: import('@playwright/test').Page, link: string, name: string) {
  await openReady(page, link);
  await expect(page.getByRole('tab', { name: 'CREATE AN ACCOUNT' })).toHaveAttribute('aria-selected', 'true');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

test('an invited developer opens the emailed link, creates the account, lands in the portal and logs in again', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'journey-dev@example.com');
  const link = await invitationLinkFor(mailURL, 'journey-dev@example.com');

  const developer = await browser.newPage();
  await openReady(developer, link);
  await expect(developer.getByRole('tab', { name: 'CREATE AN ACCOUNT' })).toHaveAttribute('aria-selected', 'true');
  await expect(developer.getByLabel('Email')).toHaveValue('journey-dev@example.com');
  await expect(developer.getByLabel('Email')).toHaveAttribute('readonly', '');
  const submit = developer.getByRole('button', { name: 'Create account' });
  await expect(submit).toBeDisabled();

  await developer.getByLabel('Full name').fill('Journey Dev');
  const rules = developer.getByTestId('password-rule');
  await developer.getByLabel('Password', { exact: true }).fill('abc');
  await expect(rules.filter({ hasText: 'a lowercase letter' })).toHaveClass(/met/);
  await expect(rules.filter({ hasText: 'an uppercase letter' })).not.toHaveClass(/met/);
  await developer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await expect(developer.locator('li.met[data-testid="password-rule"]')).toHaveCount(5);
  await developer.getByLabel('Confirm password').fill('Dev-Pass-124');
  await expect(developer.getByText('The password and its confirmation are different.')).toBeVisible();
  await expect(submit).toBeDisabled();
  await developer.getByLabel('Confirm password').fill(PASSWORD);
  await expect(submit).toBeEnabled();
  await submit.click();

  await expect(developer).toHaveURL(/\/portal$/);
  await expect(developer.getByRole('heading', { name: 'Welcome, Journey Dev' })).toBeVisible();
  await expect(developer.locator('body')).toHaveAttribute('data-ready', 'true');
  await developer.getByRole('button', { name: 'Sign out' }).click();
  await expect(developer).toHaveURL(/\/login$/);

  // The used link now says so and offers to log in; the LOGIN tab signs the developer in.
  await openReady(developer, link);
  await expect(developer.getByRole('heading', { name: /already/i })).toBeVisible();
  await openReady(developer, '/login');
  await developer.getByLabel('Email').fill('journey-dev@example.com');
  await developer.getByLabel('Password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Log in' }).click();
  await expect(developer).toHaveURL(/\/portal$/);
  await developer.close();

  await page.reload();
  await expect(page.locator('tr[data-email="journey-dev@example.com"]')).toContainText('Approved');
});

test('without auto-approval the developer waits until the admin accepts, and a denied one cannot log in', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await setAutoApproval(page, false);
  try {
    await inviteThroughDialog(page, 'wait-accept@example.com;wait-deny@example.com');
    for (const email of ['wait-accept@example.com', 'wait-deny@example.com']) {
      const developer = await browser.newPage();
      await createAccount(developer, await invitationLinkFor(mailURL, email), 'Waiting Dev');
      await expect(developer.getByTestId('waiting-for-approval')).toContainText('waiting for approval');
      await developer.close();
    }

    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    for (const [email, decision] of [['wait-accept@example.com', 'ACCEPT'], ['wait-deny@example.com', 'DENY']]) {
      const row = page.locator(`tr[data-email="${email}"]`);
      await expect(row).toContainText('Waiting');
      await expect(row.getByRole('button', { name: 'Delete invitation' })).toBeDisabled();
      await row.getByRole('button', { name: 'Review registration' }).click();
      const dialog = page.getByRole('dialog', { name: 'Review registration' });
      await expect(dialog).toContainText('Waiting Dev');
      await dialog.getByRole('button', { name: decision }).click();
      // DENY… asks for an optional reason first (decisions.spec.ts types one); none here.
      if (decision === 'DENY') await dialog.getByRole('button', { name: 'DENY', exact: true }).click();
      await expect(row).toContainText(decision === 'ACCEPT' ? 'Approved' : 'Rejected');
    }

    const developer = await browser.newPage();
    await openReady(developer, '/login');
    await developer.getByLabel('Email').fill('wait-deny@example.com');
    await developer.getByLabel('Password').fill(PASSWORD);
    await developer.getByRole('button', { name: 'Log in' }).click();
    await expect(developer.getByRole('alert')).toContainText('incorrect, or the account is not active');
    // The page keeps the address typed, not the password.
    await expect(developer.getByLabel('Email')).toHaveValue('wait-deny@example.com');
    await expect(developer.getByLabel('Password')).toHaveValue('');
    await developer.getByLabel('Email').fill('wait-accept@example.com');
    await developer.getByLabel('Password').fill(PASSWORD);
    await developer.getByRole('button', { name: 'Log in' }).click();
    await expect(developer).toHaveURL(/\/portal$/);
    await developer.close();
  } finally {
    await setAutoApproval(page, true);
  }
});

test('a link replaced by a resend, and an unknown link, each explain themselves', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'superseded@example.com');
  const first = await invitationLinkFor(mailURL, 'superseded@example.com');
  await page.locator('tr[data-email="superseded@example.com"]').getByRole('button', { name: 'Resend invitation' }).click();
  const second = await invitationLinkFor(mailURL, 'superseded@example.com', first);
  expect(second).not.toBe(first);

  const developer = await browser.newPage();
  await openReady(developer, first);
  await expect(developer.getByTestId('link-state')).toHaveAttribute('data-state', 'Superseded');
  await expect(developer.getByText(/newer invitation/i).first()).toBeVisible();
  await openReady(developer, second);
  await expect(developer.getByRole('tab', { name: 'CREATE AN ACCOUNT' })).toBeVisible();
  await openReady(developer, '/invitation/not-a-token');
  await expect(developer.getByTestId('link-state')).toHaveAttribute('data-state', 'Unknown');
  await developer.close();
});

test('an expired link says so and tells the developer to ask for a new invitation', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'expired@example.com');
  const link = await invitationLinkFor(mailURL, 'expired@example.com');
  expireInvitationsOf('expired@example.com');

  const developer = await browser.newPage();
  await openReady(developer, link);
  await expect(developer.getByTestId('link-state')).toHaveAttribute('data-state', 'Expired');
  await expect(developer.getByRole('heading', { name: /expired/i })).toBeVisible();
  await expect(developer.getByRole('button', { name: 'Request a new invitation' })).toBeVisible();
  await developer.close();

  // Its invited-at moved back too, so it is no longer among the newest: search for it.
  await openReady(page, '/admin/invitations?q=expired%40example.com');
  const row = page.locator('tr[data-email="expired@example.com"]');
  await expect(row).toContainText('Expired');
  await expect(row.getByRole('button', { name: 'Resend invitation' })).toBeEnabled();
});
