// The first load: the page paints from the server's HTML, the app's code arrives compressed
// and hydrates afterwards, and the login form works before (or without) it.
import { test, expect, logIn, logInAsAdmin, openReady, inviteThroughDialog, invitationLinkFor } from '../support/fixtures';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../support/env';

test('the pages met first, the dashboard included, work without the app code, and the app arrives compressed on the first page that needs it', async ({ page }) => {
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

  // The login form posts itself; the console opens on its dashboard, which shows and links
  // without the app too. Its first app page, Invitations, loads and hydrates the app.
  await logIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, /\/admin$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  expect(appCode, 'the dashboard loaded no app code').toEqual([]);
  await page.getByRole('link', { name: /Consumers › Invitations/ }).click();
  await expect(page).toHaveURL(/\/admin\/invitations$/);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(Object.fromEntries(encodings)).toEqual({
    '/pkg/portico.css': 'br',
    '/pkg/portico.js': 'br',
    '/pkg/portico.wasm': 'br',
  });
});

test('an invitation link works without the app code: its tabs are links, a refused form keeps the name, and the account is created', async ({ page, browser, mailURL }) => {
  await logInAsAdmin(page);
  await inviteThroughDialog(page, 'plain-link@example.com');
  const link = await invitationLinkFor(mailURL, 'plain-link@example.com');

  // A phone's screen, where the form is taller than the screen.
  const developer = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const appCode: string[] = [];
  developer.on('request', (request) => {
    if (/\/pkg\/portico\.(js|wasm)$/.test(new URL(request.url()).pathname)) appCode.push(request.url());
  });
  await openReady(developer, link);
  await expect(developer.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  // Space chooses a tab, as it does a tab the app draws.
  await developer.getByRole('tab', { name: 'LOGIN' }).press('Space');
  await expect(developer).toHaveURL(/\?tab=login$/);
  await expect(developer.getByRole('tab', { name: 'LOGIN' })).toHaveAttribute('aria-selected', 'true');
  await expect(developer.getByRole('button', { name: 'Log in' })).toBeVisible();
  await developer.getByRole('tab', { name: 'CREATE AN ACCOUNT' }).click();
  await expect(developer).toHaveURL(link);
  await expect(developer.locator('body')).toHaveAttribute('data-ready', 'true');

  // A name the server refuses (an invisible text-direction mark): the message, the name kept,
  // the passwords not.
  const name = 'Plain\u202EDev';
  await developer.getByLabel('Full name').fill(name);
  await developer.getByLabel('Password', { exact: true }).fill('Dev-Pass-123');
  await developer.getByLabel('Confirm password').fill('Dev-Pass-123');
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer.getByRole('alert')).toContainText('text-direction marks');
  // Scrolled to, as the message sits below the fold, and focused, so that it is read out.
  await expect(developer.getByRole('alert')).toBeInViewport({ ratio: 1 });
  await expect(developer.getByRole('alert')).toBeFocused();
  await expect(developer).toHaveURL(link);
  await expect(developer.getByLabel('Full name')).toHaveValue(name);
  await expect(developer.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(developer.getByRole('button', { name: 'Create account' })).toBeDisabled();

  await developer.getByLabel('Full name').fill('Plain Dev');
  await developer.getByLabel('Password', { exact: true }).fill('Dev-Pass-123');
  await developer.getByLabel('Confirm password').fill('Dev-Pass-123');
  expect(appCode, 'the link page loaded no app code').toEqual([]);
  await developer.getByRole('button', { name: 'Create account' }).click();
  await expect(developer).toHaveURL(/\/portal$/);
  await expect(developer.getByRole('heading', { name: 'Welcome, Plain Dev' })).toBeVisible();
  // The portal's home, where an account lands, shows and links without the app as well.
  await expect(developer.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(developer.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
  expect(appCode, 'neither the link nor the portal loaded app code').toEqual([]);
  await developer.getByRole('link', { name: 'Profile' }).click();
  await expect(developer).toHaveURL(/\/portal\/profile$/);
  await expect(developer.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await developer.close();
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

test('the pages a sign-in lands on work with JavaScript off: the dashboard shows its figures and table, and Sign out ends the session', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('reviews-waiting')).toHaveAttribute('href', '/admin/invitations?status=waiting');
  await expect(page.getByTestId('funnel-chart')).toBeVisible();
  await page.getByText('The weeks as a table').click();
  await expect(page.getByTestId('funnel-week')).toHaveCount(12);
  await expect(page.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');

  await page.goto('/portal');
  await expect(page.getByRole('heading', { name: 'Welcome, Administrator' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/login\?next=\/admin$/);
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
