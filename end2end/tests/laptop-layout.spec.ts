// At laptop widths (1280 and 1024 px) the console keeps its words whole: each link of the top bar
// on one line (whole links move to a second row when the bar is short of room), the lists' short
// addresses and buttons unbroken. At 1280 the dates too, and no table scrolls sideways even
// beside a long address (which breaks only because it cannot fit; narrower, a table may scroll
// inside its frame rather than break words).
import type { Locator, Page } from '@playwright/test';
import { test, expect, logInAsAdmin, openReady, inviteThroughDialog } from '../support/fixtures';
import { ADMIN_EMAIL } from '../support/env';

/** Each of `items` holds its text on one line. */
async function expectEachOneLine(items: Locator, what: string) {
  const count = await items.count();
  expect(count, `no ${what}`).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const { lines, text } = await items.nth(i).evaluate((el) => {
      // The tops of the text's boxes; a badge beside the text sits a few pixels off its line,
      // a second line a whole line lower.
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top).sort((a, b) => a - b);
      const apart = parseFloat(getComputedStyle(el).fontSize) * 0.8;
      let lines = tops.length > 0 ? 1 : 0;
      for (let j = 1; j < tops.length; j++) if (tops[j] - tops[j - 1] > apart) lines++;
      return { lines, text: el.textContent?.trim() };
    });
    expect(lines, `${what} "${text}" breaks over ${lines} lines`).toBe(1);
  }
}

async function expectNoTableScrolls(page: Page, what: string) {
  const overflow = await page.evaluate(() =>
    [...document.querySelectorAll('.table-wrap')].map((t) => t.scrollWidth - t.clientWidth),
  );
  expect(overflow.length, `${what} has no table`).toBeGreaterThan(0);
  for (const extra of overflow) expect(extra, `a table of ${what} scrolls sideways`).toBeLessThanOrEqual(0);
}

for (const width of [1280, 1024]) {
  test(`at ${width} pixels the top bar's links, the lists' addresses and their buttons keep their words whole`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await logInAsAdmin(page);
    await expectEachOneLine(page.locator('header.topbar nav a'), 'the top bar link');

    const long = `christopher.montgomery-whitfield.w${width}@subsidiary.example-company.com`;
    const short = `kim.w${width}@example.com`;
    await inviteThroughDialog(page, `${long}\n${short}`);
    await expect(page.locator(`[data-testid="invitation-row"][data-email="${long}"]`)).toBeVisible();
    const shortRow = page.locator(`[data-testid="invitation-row"][data-email="${short}"]`);
    await expectEachOneLine(shortRow.locator('.cell-text'), 'a short address');
    if (width >= 1280) {
      await expectNoTableScrolls(page, 'Invitations');
      await expectEachOneLine(shortRow.locator('.time-absolute'), 'a date');
    }

    await openReady(page, '/admin/developers');
    if (width >= 1280) await expectNoTableScrolls(page, 'Developers');
    const admin = page.getByTestId('developer-row').filter({ hasText: ADMIN_EMAIL });
    await expectEachOneLine(admin.locator('.cell-text'), "the admin's address");
    await expectEachOneLine(admin.getByRole('button'), 'a button');
  });
}
