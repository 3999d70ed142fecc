// The invitations list's controls end to end: the status filter for every status, sorting,
// paging, and the layout at a phone's width.
import * as fs from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, logInAsAdmin, openReady, invitationLinkFor, inviteThroughDialog, expireInvitationsOf } from '../support/fixtures';

const PASSWORD = 'Dev-Pass-123';

async function complete(page: Page, link: string) {
  const token = link.split('/').pop()!;
  const response = await page.request.post('/api/complete_registration', {
    form: { token, full_name: 'Filter Dev', password: PASSWORD, confirmation: PASSWORD },
  });
  expect(response.status()).toBe(200);
}

async function search(page: Page, term: string, status: string) {
  await page.getByLabel('Search by email').fill(term);
  await page.getByLabel('Status').selectOption(status);
  await page.getByRole('button', { name: 'SEARCH' }).click();
  await expect(page).toHaveURL(status ? new RegExp(`status=${status}`) : /q=/);
}

test('the status filter shows exactly the rows of each of the six statuses', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  const domain = 'statuses.example';
  await inviteThroughDialog(page, `pending@${domain};expired@${domain};resent@${domain};approved@${domain}`);
  // Waiting and Rejected need invitations that are not pre-approved.
  await page.getByRole('button', { name: '+ INVITE' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite developers' });
  await dialog.getByLabel('Email addresses').fill(`waiting@${domain};rejected@${domain}`);
  await dialog.getByLabel(/pre-approved/i).uncheck();
  await dialog.getByRole('button', { name: 'SUBMIT' }).click();
  await expect(dialog.getByTestId('invite-outcomes')).toBeVisible();
  await dialog.getByRole('button', { name: 'DONE' }).click();

  for (const who of ['approved', 'waiting', 'rejected']) {
    const other = await browser.newPage();
    await openReady(other, '/login');
    await complete(other, await invitationLinkFor(mailURL, `${who}@${domain}`));
    await other.close();
  }
  expireInvitationsOf(`expired@${domain}`);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.locator(`tr[data-email="resent@${domain}"]`).getByRole('button', { name: 'Resend invitation' }).click();
  await expect(page.getByTestId('toast').last()).toContainText('A new invitation was sent');
  const rejected = page.locator(`tr[data-email="rejected@${domain}"]`);
  await rejected.getByRole('button', { name: 'Review registration' }).click();
  const review = page.getByRole('dialog', { name: 'Review registration' });
  await review.getByRole('button', { name: 'DENY…' }).click();
  await review.getByRole('button', { name: 'DENY', exact: true }).click();
  await expect(rejected).toContainText('Rejected');

  const expected: Record<string, string[]> = {
    pending: ['pending', 'resent'],
    expired: ['expired'],
    waiting: ['waiting'],
    approved: ['approved'],
    rejected: ['rejected'],
    inactivated: ['resent'],
  };
  for (const [status, people] of Object.entries(expected)) {
    await search(page, domain, status);
    const rows = page.getByTestId('invitation-row');
    await expect(rows).toHaveCount(people.length);
    for (const row of await rows.all()) await expect(row).toHaveAttribute('data-status', status);
    const emails = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')));
    expect(emails.sort()).toEqual(people.map((p) => `${p}@${domain}`).sort());
  }
  await search(page, domain, '');
  await expect(page.getByTestId('invitation-row')).toHaveCount(7);
});

test('sorting by a column and paging through the results live in the URL', async ({ page }) => {
  await logInAsAdmin(page);
  const addresses = Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}@paging.example`);
  // Invited in a shuffled order, so the email sort has something to do.
  await inviteThroughDialog(page, [...addresses].reverse().join(';'));
  await page.getByLabel('Search by email').fill('paging.example');
  await page.getByRole('button', { name: 'SEARCH' }).click();
  await expect(page.getByTestId('pager-summary')).toHaveText('1–20 of 25');

  await page.getByRole('link', { name: /^Email/ }).click();
  await expect(page).toHaveURL(/sort=email/);
  await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute('aria-sort', 'ascending');
  const firstPage = await page.getByTestId('invitation-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')));
  expect(firstPage).toEqual(addresses.slice(0, 20));

  await page.getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId('pager-summary')).toHaveText('21–25 of 25');
  const secondPage = await page.getByTestId('invitation-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')));
  expect(secondPage).toEqual(addresses.slice(20));

  await page.goBack();
  await expect(page.getByTestId('pager-summary')).toHaveText('1–20 of 25');
  await page.getByRole('link', { name: /^Email/ }).click();
  await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('invitation-row').first()).toHaveAttribute('data-email', 'p24@paging.example');

  await page.getByLabel('Per page').selectOption('50');
  await expect(page).toHaveURL(/size=50/);
  await expect(page.getByTestId('pager-summary')).toHaveText('1–25 of 25');
});

test('at a phone width the console fits the screen and the table scrolls inside its frame', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await logInAsAdmin(page);
  for (const path of ['/admin', '/admin/invitations', '/admin/invitations/requests', '/admin/developers', '/admin/settings', '/admin/activity', '/portal/profile']) {
    await openReady(page, path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
  }
  await openReady(page, '/admin/invitations');
  await expect(page.getByRole('button', { name: '+ INVITE' })).toBeInViewport();
  await expect(page.getByRole('link', { name: 'Consumers › Developers' })).toBeInViewport();
});

test('EXPORT CSV downloads every invitation of the current search', async ({ page }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'export-one@csv.example; export-two@csv.example');
  await openReady(page, '/admin/invitations?q=csv.example');
  const link = page.getByTestId('export-csv');
  await expect(link).toHaveAttribute('href', /search=csv\.example/);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^invitations-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  const lines = text.trim().split('\r\n');
  expect(lines[0]).toMatch(/^email,status,/);
  expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['export-one@csv.example', 'export-two@csv.example']);
});
