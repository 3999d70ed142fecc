// At phone width (390 px) the admin's lists become cards: no sideways scrolling, each address
// on one line (cut with an ellipsis, the whole address in its tooltip), the actions on screen.
import type { Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, logInAsAdmin, openReady, inviteThroughDialog } from '../support/fixtures';

const WIDTH = 390;
const LONG = 'a.rather.long.address.for.the.phone.layout@partner-company.example.com';

async function expectNoSidewaysScrolling(page: Page, what: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what} scrolls sideways`).toBeLessThanOrEqual(WIDTH);
}

/** The address is one line high and inside the screen. */
async function expectOneLine(cell: Locator, what: string) {
  const { height, fontSize, right } = await cell.evaluate((el) => {
    const box = el.getBoundingClientRect();
    return { height: box.height, fontSize: parseFloat(getComputedStyle(el).fontSize), right: box.right };
  });
  expect(height, `${what}: the address wraps`).toBeLessThan(fontSize * 2);
  expect(right, `${what}: the address runs off the screen`).toBeLessThanOrEqual(WIDTH);
}

async function expectOnScreen(buttons: Locator, what: string) {
  const count = await buttons.count();
  expect(count, `${what} has no actions`).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const box = (await buttons.nth(i).boundingBox())!;
    expect(box.x, `${what}: action ${i} starts off screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${what}: action ${i} ends off screen`).toBeLessThanOrEqual(WIDTH);
  }
}

test('at phone width the invitations, developers and activity lists read as cards', async ({ page }) => {
  await page.setViewportSize({ width: WIDTH, height: 844 });
  await logInAsAdmin(page);
  await inviteThroughDialog(page, LONG);

  const row = page.locator(`[data-testid="invitation-row"][data-email="${LONG}"]`);
  await expect(row).toBeVisible();
  await expectNoSidewaysScrolling(page, 'Invitations');
  const address = row.locator('.cell-text');
  await expectOneLine(address, 'Invitations');
  await expect(address).toHaveAttribute('title', LONG);
  await expect(row.locator('td[data-label="Valid until"]')).toBeVisible();
  await expectOnScreen(row.getByRole('button'), 'an invitation card');
  // The sortable headers stay, as links above the cards.
  await expect(page.getByRole('link', { name: /Invited at/ })).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await openReady(page, '/admin/developers');
  await expectNoSidewaysScrolling(page, 'Developers');
  const developer = page.getByTestId('developer-row').first();
  await expectOneLine(developer.locator('.cell-text'), 'Developers');
  await expect(developer.locator('td[data-label="Joined"]')).toBeVisible();
  await expectOnScreen(developer.getByRole('button'), 'a developer card');

  await openReady(page, '/admin/activity');
  await expectNoSidewaysScrolling(page, 'Activity');
  const entry = page.locator('[data-testid="activity-row"][data-action="invited"]').first();
  await expectOneLine(entry.locator('.cell-text'), 'Activity');
  await expect(entry.locator('.cell-text')).toHaveAttribute('title', LONG);
});
