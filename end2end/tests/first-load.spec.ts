// The first load: the page paints from the server's HTML, the app's code arrives compressed
// and hydrates afterwards, and the login form works before (or without) it.
import { test, expect, logInAsAdmin } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/env';

test('the pages a developer meets first work without the app code, and the app arrives compressed after', async ({ page }) => {
  const encodings = new Map<string, string>();
  page.on('response', (response) => {
    const name = new URL(response.url()).pathname;
    // The first answer for each file (later pages revalidate it: 304, no body).
    if (name.startsWith('/pkg/') && !encodings.has(name)) {
      encodings.set(name, response.headers()['content-encoding'] ?? 'none');
    }
  });
  // Requested, whether or not the answer completes before the next page.
  const appCode: string[] = [];
  page.on('request', (request) => {
    if (/\/pkg\/portico\.(js|wasm)$/.test(new URL(request.url()).pathname)) appCode.push(request.url());
  });
  for (const [path, heading] of [
    ['/login', 'Log in'],
    ['/signup', 'Sign-up is closed'],
    ['/forgot-password', 'Forgot your password?'],
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  }
  // Only the stylesheet, as its Brotli copy (Chromium accepts Brotli).
  expect(appCode).toEqual([]);
  expect(Object.fromEntries(encodings)).toEqual({ '/pkg/portico.css': 'br' });

  // The login form posts itself; the console, an app page, loads and hydrates the app.
  await page.goto('/login');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin/);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(Object.fromEntries(encodings)).toEqual({
    '/pkg/portico.css': 'br',
    '/pkg/portico.js': 'br',
    '/pkg/portico.wasm': 'br',
  });
});

test('the login form works without the app code (JavaScript off), wrong password included', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login?next=/portal');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill('Not-The-Pass-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The email or password is incorrect, or the account is not active.',
  );

  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Administrator' })).toBeVisible();
  await context.close();
});

test('what is typed and submitted before the app arrives is kept and sent once it runs', async ({ page }) => {
  await logInAsAdmin(page);
  // Hold the app's code back until the search has been typed and submitted.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/pkg/portico.wasm', async (route) => {
    await released;
    await route.continue();
  });
  // A search already in the URL: hydration writes it back into the box, over what was typed.
  await page.goto('/admin/invitations?q=old-term');
  await expect(page.getByRole('heading', { name: 'Invitations' })).toBeVisible();
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Search by email').fill('held-search.example');
  await page.getByLabel('Status').selectOption('Rejected');
  await page.getByRole('button', { name: 'SEARCH' }).click();
  // The browser did not send the form itself (it would reload the page without the fields).
  await expect(page).toHaveURL(/\/admin\/invitations\?q=old-term$/);

  release();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page).toHaveURL(/q=held-search\.example/);
  await expect(page).toHaveURL(/status=rejected/);
  await expect(page.getByLabel('Search by email')).toHaveValue('held-search.example');
});
