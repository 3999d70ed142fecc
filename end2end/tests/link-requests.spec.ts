import {
  test,
  expect,
  logInAsAdmin,
  openReady,
  inviteThroughDialog,
  invitationLinkFor,
  registerFromInvitation,
  saveSettings,
  sqlite,
  expireInvitationsOf,
  emailTo,
} from '../support/fixtures';
import AxeBuilder from '@axe-core/playwright';

async function noSeriousViolations(page: import('@playwright/test').Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`), `${what} has accessibility violations`).toEqual([]);
}

test('an expired link asks for a new invitation, the admin grants it from Requests, and the developer registers', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'asks-again@example.com');
  const expired = await invitationLinkFor(mailURL, 'asks-again@example.com');
  expireInvitationsOf('asks-again@example.com');

  const developer = await (await browser.newContext()).newPage();
  await openReady(developer, expired);
  await expect(developer.getByTestId('link-state')).toHaveAttribute('data-state', 'Expired');
  await noSeriousViolations(developer, 'an expired link with its request button');
  await developer.getByRole('button', { name: 'Request a new invitation' }).click();
  await expect(developer.getByTestId('request-answer')).toContainText('Your request was sent');

  // The admin sees a badge in the navigation and on REQUESTS, and grants the request.
  await openReady(page, '/admin/invitations');
  await expect(page.getByTestId('nav-requests-count')).toBeVisible();
  await expect(page.getByTestId('requests-count')).toBeVisible();
  await page.getByTestId('requests-link').click();
  await expect(page).toHaveURL(/\/admin\/invitations\/requests$/);
  const row = page.locator('tr[data-email="asks-again@example.com"]');
  await expect(row).toContainText('Expired');
  await noSeriousViolations(page, 'Requests for a new invitation');
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the requests page is wider than a phone').toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  const badge = page.getByTestId('nav-requests-count');
  const before = Number(await badge.textContent());
  await row.getByRole('button', { name: 'GRANT' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('A new invitation was sent to asks-again@example.com');
  await expect(row).toHaveCount(0);
  // The navigation's badge follows the answer without a reload.
  if (before === 1) await expect(badge).toHaveCount(0);
  else await expect(badge).toHaveText(String(before - 1));

  // The new email's link works where the old one did not.
  const fresh = await invitationLinkFor(mailURL, 'asks-again@example.com', expired);
  expect(fresh).not.toBe(expired);
  await registerFromInvitation(developer, mailURL, 'asks-again@example.com', 'Asks Again', 'Asking-Again-42');
  await expect(developer).toHaveURL(/\/portal$/);
  await developer.context().close();
});

test('with the setting on, a replaced link of an address still invited gets a fresh link at once', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/settings');
  await page.getByTestId('auto-resend-requests').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('Settings saved');
  try {
    await openReady(page, '/admin/invitations');
    await inviteThroughDialog(page, 'lost-mail@example.com');
    const replaced = await invitationLinkFor(mailURL, 'lost-mail@example.com');
    const row = page.locator('tr[data-email="lost-mail@example.com"]').first();
    await row.getByRole('button', { name: 'Resend invitation' }).click();
    await expect(page.getByTestId('toast').last()).toContainText('A new invitation was sent');
    const second = await invitationLinkFor(mailURL, 'lost-mail@example.com', replaced);

    const developer = await (await browser.newContext()).newPage();
    await openReady(developer, replaced);
    await expect(developer.getByTestId('link-state')).toHaveAttribute('data-state', 'Superseded');
    await developer.getByRole('button', { name: 'Request a new invitation' }).click();
    await expect(developer.getByTestId('request-answer')).toContainText('A new invitation is on its way');
    // The third link arrives without an admin, and is the one that works.
    const deadline = Date.now() + 15_000;
    let third = second;
    while (third === second && Date.now() < deadline) {
      third = await invitationLinkFor(mailURL, 'lost-mail@example.com', replaced);
      if (third === second) await new Promise((r) => setTimeout(r, 250));
    }
    expect(third).not.toBe(second);
    await openReady(developer, second);
    await expect(developer.getByTestId('link-state')).toHaveAttribute('data-state', 'Superseded');
    await openReady(developer, third);
    await expect(developer.getByRole('tab', { name: 'CREATE AN ACCOUNT' })).toBeVisible();
    await developer.context().close();
  } finally {
    await saveSettings(page, {});
  }
});

test('a reminder comes before the invitation expires, and its link opens the invitation', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'reminded@example.com');
  const first = await invitationLinkFor(mailURL, 'reminded@example.com');
  // Make the reminder due now, as two days would; housekeeping queues it within seconds.
  sqlite("UPDATE invitations SET remind_at = invited_at WHERE email_normalized = 'reminded@example.com'");
  const reminder = await emailTo(mailURL, 'reminded@example.com', /^Reminder: your link to .* expires in/);
  expect(reminder.text).toContain('is not created yet, and your link expires in');
  const link = await invitationLinkFor(mailURL, 'reminded@example.com', first);
  expect(link).not.toBe(first);

  const developer = await (await browser.newContext()).newPage();
  await openReady(developer, link);
  await expect(developer.getByRole('tab', { name: 'CREATE AN ACCOUNT' })).toBeVisible();
  await developer.context().close();

  await openReady(page, '/admin/activity');
  const entry = page.locator('[data-testid="activity-row"][data-action="reminded"]', { hasText: 'reminded@example.com' });
  await expect(entry).toContainText('Reminder sent');
  await expect(entry).toContainText('the portal, automatically');
});
