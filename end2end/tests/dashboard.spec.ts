import { test, expect, logInAsAdmin, openReady, inviteThroughDialog, invitationLinkFor, registerFromInvitation, saveSettings } from '../support/fixtures';

/** The figure of one step of the twelve weeks' funnel. */
async function step(page: import('@playwright/test').Page, name: string): Promise<number> {
  const text = await page.locator(`[data-testid="funnel-total"] li[data-step="${name}"] .funnel-count`).innerText();
  return Number(text.split(' ')[0]);
}

test('the console opens on the dashboard, whose funnel follows an invitation from sent to approved', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  const before = {
    invited: await step(page, 'invited'),
    opened: await step(page, 'opened'),
    created: await step(page, 'created'),
    approved: await step(page, 'approved'),
  };

  await saveSettings(page, { auto_approve: false });
  try {
    await openReady(page, '/admin/invitations');
    await inviteThroughDialog(page, 'funnel-one@example.com; funnel-two@example.com');
    // One opens the link only; the other registers and waits for a review.
    const opener = await (await browser.newContext()).newPage();
    await openReady(opener, await invitationLinkFor(mailURL, 'funnel-one@example.com'));
    await expect(opener.getByRole('tab', { name: 'CREATE AN ACCOUNT' })).toBeVisible();
    await opener.context().close();
    const developer = await (await browser.newContext()).newPage();
    await registerFromInvitation(developer, mailURL, 'funnel-two@example.com', 'Funnel Two', 'Funnel-Pass-42');
    await expect(developer.getByTestId('waiting-for-approval')).toBeVisible();
    await developer.context().close();

    await openReady(page, '/admin');
    expect(await step(page, 'invited')).toBe(before.invited + 2);
    expect(await step(page, 'opened')).toBe(before.opened + 2);
    expect(await step(page, 'created')).toBe(before.created + 1);
    expect(await step(page, 'approved')).toBe(before.approved);
    await expect(page.getByTestId('median-to-account')).not.toContainText('–');
    // The waiting review is a link to the filtered list.
    const reviews = page.getByTestId('reviews-waiting');
    await expect(reviews).not.toContainText(/^\s*Reviews waiting\s*0/);
    await reviews.click();
    await expect(page).toHaveURL(/\/admin\/invitations\?status=waiting$/);
    await expect(page.locator('tr[data-email="funnel-two@example.com"]')).toContainText('Waiting');

    // The chart says what it shows, and the same figures are a table.
    await openReady(page, '/admin');
    const chart = page.getByTestId('funnel-chart');
    await expect(chart).toHaveAttribute('role', 'img');
    await expect(chart.locator('desc')).toContainText(`${before.invited + 2} invited`);
    await page.getByText('The weeks as a table').click();
    const weeks = page.getByTestId('funnel-week');
    await expect(weeks).toHaveCount(12);
    await expect(weeks.last().locator('td').first()).not.toHaveText('0');

    // At phone width it fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await openReady(page, '/admin');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the dashboard is wider than a phone').toBeLessThanOrEqual(0);
  } finally {
    await saveSettings(page, {});
  }
});
