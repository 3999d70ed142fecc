// Decision emails (issue 18): the admin denies a waiting registration with a reason typed in the
// review dialog, and the developer's mailbox gets it; the admin accepts one, and the developer
// gets an approval email whose login link signs them in.
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, logInAsAdmin, openReady, invitationLinkFor, setAutoApproval, emailTo } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';

/** Invites `email` through the dialog, not pre-approved, and registers it in another page: it waits for review. */
async function waitingRegistration(page: Page, mailURL: string, email: string, name: string): Promise<void> {
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite developers' });
  await invite.getByLabel('Email addresses').fill(email);
  await invite.getByLabel(/pre-approved/i).uncheck();
  await invite.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(invite.getByTestId('invite-outcomes')).toBeVisible();
  await invite.getByRole('button', { name: 'DONE' }).click();

  const developer = await page.context().browser()!.newPage();
  await openReady(developer, await invitationLinkFor(mailURL, email));
  await developer.getByLabel('Full name').fill(name);
  await developer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await developer.getByLabel('Confirm password').fill(PASSWORD);
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer.getByTestId('waiting-for-approval')).toBeVisible();
  await developer.close();

  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator(`tr[data-email="${email}"]`)).toContainText('Waiting');
}

async function openReview(page: Page, email: string) {
  await page.locator(`tr[data-email="${email}"]`).getByRole('button', { name: 'Review registration' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review registration' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('a reason typed in the review dialog reaches the denied developer and stays in the row details', async ({ page, mailURL }) => {
  const email = 'decide-deny@example.com';
  const reason = 'Please sign up with your company address.\nPersonal <addresses> & aliases are not accepted.';
  await logInAsAdmin(page);
  await setAutoApproval(page, false);
  try {
    await waitingRegistration(page, mailURL, email, 'Denied Dev');
    const dialog = await openReview(page, email);
    await expect(dialog).toContainText('Denied Dev');

    // DENY… asks for the reason first; the field is optional, counted and checked as typed.
    await dialog.getByRole('button', { name: 'DENY…' }).click();
    const field = dialog.getByLabel('Reason (optional, sent to the developer)');
    await expect(field).toBeFocused();
    const deny = dialog.getByRole('button', { name: 'DENY', exact: true });
    await field.fill('x'.repeat(501));
    await expect(dialog.getByRole('alert')).toContainText('shorten it by 1');
    await expect(deny).toBeDisabled();
    await field.fill(reason);
    await expect(dialog.getByTestId('reason-counter')).toContainText(`${reason.length} of 500 characters`);
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    const axe = await new AxeBuilder({ page }).include('[role="dialog"]').withTags(['wcag2a', 'wcag2aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await deny.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toast').last()).toContainText(`The registration of ${email} was denied`);

    const row = page.locator(`tr[data-email="${email}"]`);
    await expect(row).toContainText('Rejected');
    const decision = row.getByTestId('decision');
    await expect(decision).toContainText('Denied by Administrator');
    await decision.locator('summary').click();
    await expect(row.getByTestId('decision-reason')).toContainText('Personal <addresses> & aliases are not accepted.');

    const mail = await emailTo(mailURL, email, /was not approved$/);
    expect(mail.subject).toMatch(/^Your registration to .+ was not approved$/);
    expect(mail.text).toContain(
      '> Please sign up with your company address.\n> Personal <addresses> & aliases are not accepted.',
    );
    expect(mail.text).not.toContain('/login');
  } finally {
    await setAutoApproval(page, true);
  }
});

test('an accepted developer is emailed a login link that signs them in', async ({ page, browser, mailURL, baseURL }) => {
  const email = 'decide-accept@example.com';
  await logInAsAdmin(page);
  await setAutoApproval(page, false);
  try {
    await waitingRegistration(page, mailURL, email, 'Accepted Dev');
    const dialog = await openReview(page, email);
    await dialog.getByRole('button', { name: 'ACCEPT' }).click();
    await expect(dialog).toBeHidden();
    const row = page.locator(`tr[data-email="${email}"]`);
    await expect(row).toContainText('Approved');
    await expect(row.getByTestId('decision')).toContainText('Accepted by Administrator');

    const mail = await emailTo(mailURL, email, /was approved$/);
    expect(mail.subject).toMatch(/^Your registration to .+ was approved$/);
    expect(mail.text).toContain('Hello Accepted Dev,');
    const link = mail.text.match(/https?:\/\/\S+\/login\b/)?.[0];
    expect(link).toBe(`${baseURL}/login`);

    const developer = await browser.newPage();
    await openReady(developer, link!);
    await developer.getByLabel('Email').fill(email);
    await developer.getByLabel('Password').fill(PASSWORD);
    await developer.getByRole('button', { name: 'Log in' }).click();
    await expect(developer).toHaveURL(/\/portal$/);
    await developer.close();
  } finally {
    await setAutoApproval(page, true);
  }
});
