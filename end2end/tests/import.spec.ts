import { test, expect, logInAsAdmin, openReady, inviteThroughDialog } from '../support/fixtures';

const CSV = [
  '\uFEFFEmail;Full name;Pre-approved',
  'imp-ada@partner.example;Lovelace, Ada;no',
  'not-an-address;Someone;',
  'IMP-ADA@partner.example;Ada again;',
  'imp-known@example.com;;',
  'imp-grace@partner.example;Grace Hopper;yes',
].join('\r\n');

test('an admin imports a CSV file: a preview of every row, then only the good rows are sent, with progress', async ({ page }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'imp-known@example.com');
  await page.getByTestId('import-link').click();
  await expect(page).toHaveURL(/\/admin\/invitations\/import$/);
  await expect(page.getByRole('heading', { name: 'Import invitations' })).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');

  await page.getByLabel('CSV file').setInputFiles({ name: 'partners.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  await expect(page.getByTestId('file-note')).toContainText('Read partners.csv: 6 non-empty lines');
  await page.getByRole('button', { name: 'PREVIEW' }).click();

  const counts = page.getByTestId('import-counts');
  await expect(counts).toContainText('2 Will invite');
  await expect(counts).toContainText('1 Invalid');
  await expect(counts).toContainText('1 Repeated');
  await expect(counts).toContainText('1 Already invited');
  const row = (line: number) => page.locator(`[data-testid="import-row"][data-line="${line}"]`);
  await expect(row(3)).toContainText('Invalid');
  await expect(row(4)).toContainText('the same address is on line 2');
  await expect(row(5)).toContainText('resend that one from the list instead');
  await page.getByLabel('Show only the rows that will not be invited').check();
  await expect(page.getByTestId('import-row')).toHaveCount(3);

  await page.getByRole('button', { name: 'SEND 2 INVITATIONS' }).click();
  await expect(page.getByTestId('import-progress')).toContainText('Done: 2 invited.');
  await expect(page.getByRole('progressbar', { name: 'Sending invitations' })).toHaveAttribute('value', '2');
  await page.getByRole('link', { name: 'Back to Invitations' }).click();
  await expect(page.locator('tr[data-testid="invitation-row"][data-email="imp-ada@partner.example"]')).toContainText('Pending');
  await expect(page.locator('tr[data-testid="invitation-row"][data-email="imp-grace@partner.example"]')).toContainText('Pending');
});

test('a malformed import is refused with the line to fix, and a pasted list works like a file', async ({ page }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/invitations/import');
  const box = page.getByLabel('…or paste the list');
  await box.fill('imp-x@example.com,Ex\nimp-y@example.com,"Why\n');
  await page.getByRole('button', { name: 'PREVIEW' }).click();
  await expect(page.getByRole('alert')).toContainText('Line 2: a quoted value is not closed');
  await box.fill('imp-p1@example.com, imp-p2@example.com');
  await page.getByRole('button', { name: 'PREVIEW' }).click();
  await expect(page.getByTestId('import-counts')).toContainText('2 Will invite');
  // Editing the text puts the preview aside: what is sent is what was previewed.
  await box.fill('imp-p1@example.com');
  await expect(page.getByTestId('import-counts')).toHaveCount(0);
});
