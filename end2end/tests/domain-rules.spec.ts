import type { Page } from '@playwright/test';
import { test, expect, logInAsAdmin, openReady, saveSettings, registerFromInvitation } from '../support/fixtures';

async function addRule(page: Page, domain: string, kind: 'allow' | 'deny', subdomains: boolean) {
  const section = page.getByRole('region', { name: 'Domain rules' });
  await section.getByLabel('Domain', { exact: true }).fill(domain);
  await section.getByLabel('Rule').selectOption(kind);
  await section.getByLabel('and its subdomains').setChecked(subdomains);
  await section.getByRole('button', { name: 'ADD RULE' }).click();
  await expect(section.locator(`[data-testid="domain-rule"][data-domain="${domain}"]`)).toBeVisible();
}

async function removeRules(page: Page) {
  await openReady(page, '/admin/settings');
  const rules = page.getByTestId('domain-rule');
  while ((await rules.count()) > 0) {
    const before = await rules.count();
    await rules.first().getByRole('button', { name: 'Remove' }).click();
    await expect(rules).toHaveCount(before - 1);
  }
}

test('a deny rule refuses invitations and sign-ups for its domain, naming itself, and an allow rule skips the review', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await saveSettings(page, { auto_approve: false, self_registration: 'with_approval' });
  try {
    await openReady(page, '/admin/settings');
    const section = page.getByRole('region', { name: 'Domain rules' });
    await expect(section.getByTestId('no-domain-rules')).toBeVisible();
    // A mistyped domain is refused with what to fix; nothing is added.
    await section.getByLabel('Domain', { exact: true }).fill('rival example');
    await section.getByRole('button', { name: 'ADD RULE' }).click();
    await expect(section.getByRole('alert')).toContainText('is not a mail domain');
    await addRule(page, 'rival.example', 'deny', true);
    await addRule(page, 'friend.example', 'allow', false);
    await expect(section.locator('[data-domain="rival.example"]')).toContainText('Invitations and sign-ups refused');
    await expect(section.locator('[data-domain="friend.example"]')).toContainText('Registrations approved automatically');

    // Invitations: the rule's domain and its subdomains are refused, with the rule named.
    await openReady(page, '/admin/invitations');
    await page.getByRole('button', { name: '+ INVITE' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite developers' });
    await dialog.getByLabel('Email addresses').fill('spy@eu.rival.example; ana@friend.example');
    await dialog.getByRole('button', { name: 'SUBMIT' }).click();
    const outcomes = dialog.getByTestId('invite-outcome');
    await expect(outcomes.nth(0)).toContainText('refused by the deny rule for rival.example and its subdomains');
    await expect(outcomes.nth(1)).toContainText('Invited');
    await page.keyboard.press('Escape');

    // The allowed domain's registration is approved without a review.
    const developer = await (await browser.newContext()).newPage();
    await registerFromInvitation(developer, mailURL, 'ana@friend.example', 'Ana Friend', 'Friendly-Pass-42');
    await expect(developer).toHaveURL(/\/portal$/);
    await developer.context().close();

    // A sign-up from the denied domain is refused with what to do instead.
    const visitor = await (await browser.newContext()).newPage();
    await openReady(visitor, '/signup');
    await visitor.getByLabel('Email').fill('bot@rival.example');
    await visitor.getByLabel('Full name').fill('Some Bot');
    await visitor.getByRole('button', { name: 'Sign up' }).click();
    await expect(visitor.getByRole('alert')).toContainText('does not take invitations or sign-ups');
    await expect(visitor.getByTestId('check-inbox')).toHaveCount(0);
    await visitor.context().close();

    // Each decision names its rule in the Activity log.
    await openReady(page, '/admin/activity');
    await expect(page.getByText('refused by the deny rule for rival.example and its subdomains').first()).toBeVisible();
    await expect(page.getByText('approved automatically by the allow rule for friend.example')).toBeVisible();
  } finally {
    await removeRules(page);
    await saveSettings(page, {});
  }
});
