import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, logInAsAdmin, openReady } from '../support/fixtures';

test('an admin adds a webhook endpoint, sees its secret once, sends a test event and sees it delivered in the log', async ({ page }) => {
  const received: { id?: string; signature?: string; type?: string }[] = [];
  const receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({
        id: request.headers['webhook-id'] as string,
        signature: request.headers['webhook-signature'] as string,
        type: JSON.parse(body).type,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  try {
    await logInAsAdmin(page);
    await openReady(page, '/admin/settings');
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${port}/hook`);
    await section.getByLabel('Description').fill('Billing');
    // Only the review outcomes.
    for (const name of ['invitation.created', 'invitation.resent', 'invitation.deleted', 'invitation.registered',
      'invitation.expired', 'developer.deactivated', 'developer.reactivated', 'signup.confirmed']) {
      await section.getByRole('checkbox', { name }).uncheck();
    }
    await section.getByRole('button', { name: 'ADD ENDPOINT' }).click();
    const secret = await section.getByTestId('new-webhook-secret').getByLabel('The signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    const card = section.locator(`[data-testid="webhook-endpoint"][data-url="http://127.0.0.1:${port}/hook"]`);
    await expect(card).toContainText('invitation.approved, invitation.rejected');

    await card.getByRole('button', { name: 'Send a test event' }).click();
    await expect.poll(() => received.length).toBe(1);
    expect(received[0].type).toBe('portico.test');
    expect(received[0].signature).toMatch(/^v1,/);
    const row = card.getByTestId('webhook-delivery').first();
    await expect(async () => {
      await card.getByRole('button', { name: /Hide deliveries|Show deliveries/ }).click();
      await expect(row).toHaveAttribute('data-state', 'succeeded', { timeout: 1000 });
    }).toPass();
    await expect(row).toContainText(received[0].id!);
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => received.length).toBe(2);
    expect(received[1].id).toBe(received[0].id);

    await card.getByRole('button', { name: 'Remove' }).click();
    await expect(card).toHaveCount(0);
  } finally {
    receiver.close();
  }
});
