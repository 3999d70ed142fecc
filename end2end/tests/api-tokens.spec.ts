import { test, expect, logInAsAdmin, openReady } from '../support/fixtures';

test('an admin creates an API token, sees it once, a system invites with it, and revoking it stops it at once', async ({ page, request }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/settings');
  const section = page.getByRole('region', { name: 'API tokens' });
  await section.getByLabel('Name').fill('CRM sync');
  await section.getByLabel('May').selectOption('read,write');
  await section.getByRole('button', { name: 'CREATE TOKEN' }).click();
  const shown = section.getByTestId('new-token');
  await expect(shown).toContainText('shown only this once');
  const secret = await shown.getByLabel('The new token').inputValue();
  expect(secret).toMatch(/^portico_[0-9a-f]{64}$/);
  const row = section.locator('[data-testid="api-token-row"][data-name="CRM sync"]');
  await expect(row).toContainText('Read and write');
  await expect(row.getByTestId('api-token-last-used')).toHaveText('Never');

  // A system with the token: no cookies, just the bearer header.
  const created = await request.post('/api/v1/invitations', {
    headers: { Authorization: `Bearer ${secret}` },
    data: { email: 'api-invited@example.com' },
  });
  expect(created.status()).toBe(201);
  expect(created.headers()['location']).toMatch(/^\/api\/v1\/invitations\/\d+$/);

  // The list shows the use, and nothing shows the secret again.
  await openReady(page, '/admin/settings');
  await expect(row.getByTestId('api-token-last-used')).not.toHaveText('Never');
  await expect(page.getByText(secret)).toHaveCount(0);
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is revoked' })).toBeVisible();
  await expect(row).toContainText('Revoked');
  const refused = await request.get('/api/v1/invitations', { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');

  // The reference page is served by Portico itself.
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { name: /Portico API/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'POST /api/v1/invitations', exact: true })).toBeVisible();
});
