// Settings › Accent color: the contrast with white text is shown as the admin picks, a color
// without AA contrast is refused, and a saved one colors the buttons of every page.
import { test, expect, logInAsAdmin, openReady, saveSettings } from '../support/fixtures';

test('an admin picks an accent color that keeps its contrast and every page draws its buttons in it', async ({ page, browser }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/settings');
  const accent = page.getByLabel('Accent color (buttons and links)');
  const verdict = page.getByTestId('accent-contrast');
  await expect(verdict).toContainText('meets WCAG AA');
  try {
    await accent.fill('#ffcc00');
    await expect(verdict).toContainText('#ffcc00 has a contrast of 1.5:1');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('alert')).toContainText('Accent color: #ffcc00');

    await accent.fill('#7a1f5c');
    await expect(verdict).toContainText('meets WCAG AA');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();

    // A visitor's login page, in a fresh browser.
    const visitor = await (await browser.newContext()).newPage();
    await openReady(visitor, '/login');
    const button = visitor.getByRole('button', { name: 'Log in' });
    await expect(button).toHaveCSS('background-color', 'rgb(122, 31, 92)');
    await visitor.context().close();
  } finally {
    await saveSettings(page, {});
  }
});

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

test('an admin names the portal and uploads a logo, and a visitor sees both on the login screen', async ({ page, browser }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/settings');
  try {
    await page.getByLabel('Portal name').fill('Acme Developer Hub');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
    const logo = page.getByRole('region', { name: 'Logo' });
    await expect(logo.getByTestId('no-logo')).toBeVisible();
    await logo.getByLabel('Upload a logo').setInputFiles({ name: 'logo.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a\x01\x00\x01\x00') });
    await expect(logo.getByRole('alert')).toContainText('not a PNG or JPEG');
    await logo.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await expect(logo.getByTestId('logo-preview')).toBeVisible();

    const visitor = await (await browser.newContext()).newPage();
    await openReady(visitor, '/login');
    await expect(visitor.getByText('Acme Developer Hub').first()).toBeVisible();
    await expect(visitor).toHaveTitle(/Acme Developer Hub/);
    await expect(visitor.getByTestId('login-logo')).toBeVisible();
    await visitor.context().close();
  } finally {
    await saveSettings(page, {});
    await page.request.post('/api/remove_logo');
  }
});
