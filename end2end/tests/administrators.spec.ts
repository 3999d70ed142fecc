import { test, expect, logInAsAdmin, openReady, registerFromInvitation } from '../support/fixtures';

const EMAIL = 'second-admin@example.com';
const PASSWORD = 'Second-Admin-9';

test('an admin invites another admin, who runs the console until demoted in Settings › Administrators', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill(EMAIL);
  await dialog.getByLabel('Role').selectOption('admin');
  await expect(dialog.getByRole('checkbox')).toBeChecked();
  await expect(dialog.getByRole('checkbox')).toBeDisabled();
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(dialog.getByTestId('invite-outcomes')).toBeVisible();
  await dialog.getByRole('button', { name: 'DONE' }).click();
  const row = page.locator(`[data-testid="invitation-row"][data-email="${EMAIL}"]`);
  await expect(row.getByTestId('admin-invitation')).toHaveText('administrator');

  const other = await browser.newPage();
  await registerFromInvitation(other, mailURL, EMAIL, 'Second Admin', PASSWORD);
  await expect(other).toHaveURL(/\/admin$/);
  await expect(other.getByRole('heading', { name: 'Dashboard' })).toBeVisible();

  await openReady(page, '/admin/settings');
  const admins = page.getByTestId('administrator-row');
  await expect(admins).toHaveCount(2);
  const mine = page.locator('[data-testid="administrator-row"]').filter({ hasText: 'you' });
  await expect(mine.locator('[data-action="demote"]')).toBeDisabled();
  const second = page.locator(`[data-testid="administrator-row"][data-email="${EMAIL}"]`);
  await second.locator('[data-action="demote"]').click();
  await page.getByRole('dialog', { name: 'Demote administrator' }).getByRole('button', { name: 'DEMOTE' }).click();
  await expect(page.getByRole('status')).toContainText('Second Admin is a developer now');
  await expect(admins).toHaveCount(1);

  // The demoted account lands in the portal instead of the console.
  await other.goto('/admin/invitations');
  await expect(other).toHaveURL(/\/portal$/);
  await other.close();
});
