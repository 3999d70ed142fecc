import { test, expect, logInAsAdmin, openReady, inviteThroughDialog, emailTo } from '../support/fixtures';
import { ADMIN_EMAIL } from '../support/env';

test('an admin rewords the invitation with a live preview, gets a test, and the next invitation uses the words until the default returns', async ({ page, mailURL }) => {
  // Two emails and a dozen edits, each waiting for the preview: longer than the default 30 s.
  test.setTimeout(90_000);
  await logInAsAdmin(page);
  try {
    await openReady(page, '/admin/settings');
    const section = page.getByRole('region', { name: 'Emails' });
    const row = section.locator('li', { hasText: 'Administrator invitation' });
    await expect(row).toContainText('Default');
    await section.getByRole('link', { name: 'Invitation', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Email: Invitation' })).toBeVisible();
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('preview-subject')).toHaveText(/^You're invited to /);
    // The HTML part, as a mail client would show it: the link drawn as a button.
    await expect(page.frameLocator('[data-testid="preview-frame"]').getByRole('link', { name: 'Confirm your account' }).first()).toBeVisible();

    // A mistake is named as it is typed, and nothing can be saved meanwhile.
    const subject = page.getByLabel('Subject');
    const body = page.getByLabel('Body (Markdown)');
    await subject.fill('{{portal_name}} is waiting for {{nmae}}');
    await expect(page.getByTestId('email-problems')).toContainText('In the subject, {{nmae}} is not a placeholder');
    await expect(page.getByRole('button', { name: 'SAVE' })).toBeDisabled();
    await body.fill('Hello {{name}}, come in.');
    await expect(page.getByTestId('email-problems')).toContainText('The body must contain {{link}}');

    // Fixed: the preview shows the email as it will be sent, HTML escaped, link as a button.
    await subject.fill('{{portal_name}} is waiting for you, {{name}}');
    await body.fill('Hello {{name}},\n\n<b>{{invited_by}}</b> saved you a seat.\n\n[Take your seat]({{link}})\n\nIt expires {{expires_in}}.');
    await expect(page.getByTestId('email-problems')).toHaveCount(0);
    await expect(page.getByTestId('preview-subject')).toHaveText(/is waiting for you, Administrator$/);
    // Each new preview is a new frame: its document is read from the frame's srcdoc.
    const frame = page.getByTestId('preview-frame');
    await expect(frame).toHaveAttribute('srcdoc', /style="display:inline-block[^"]*">Take your seat<\/a>/);
    await expect(frame).toHaveAttribute('srcdoc', /&lt;b&gt;Administrator&lt;\/b&gt; saved you a seat\./);
    await expect(page.getByTestId('unsaved')).toBeVisible();

    await page.getByRole('button', { name: 'SEND ME A TEST' }).click();
    await expect(page.getByText('A test email is on its way to your address.')).toBeVisible();
    const sample = await emailTo(mailURL, ADMIN_EMAIL, /^\[Test\] .* is waiting for you, Administrator$/);
    expect(sample.text).toContain('Take your seat:');

    await page.getByRole('button', { name: 'SAVE' }).click();
    await expect(page.getByText('Saved: the next Invitation emails use these words.')).toBeVisible();
    await expect(page.getByTestId('email-edited')).toContainText('Edited by you');
    await expect(page.getByTestId('unsaved')).toHaveCount(0);

    await openReady(page, '/admin/invitations');
    await inviteThroughDialog(page, 'seated@example.com');
    const invitation = await emailTo(mailURL, 'seated@example.com', /is waiting for you, seated@example\.com$/);
    expect(invitation.text).toContain('<b>Administrator</b> saved you a seat.');
    expect(invitation.text).toMatch(/Take your seat:\nhttps?:\/\/\S+\/invitation\/[0-9a-f]{64}\n/);

    // Back to the default words.
    await openReady(page, '/admin/settings/emails/invitation');
    await page.getByRole('button', { name: 'RETURN TO THE DEFAULT' }).click();
    await expect(page.getByText('The Invitation email uses the default words again.')).toBeVisible();
    await expect(page.getByLabel('Subject')).toHaveValue("You're invited to {{portal_name}}");
    await expect(page.getByTestId('email-edited')).toContainText("Portico's default words.");
  } finally {
    await page.request.post('/api/reset_email_template', { form: { kind: 'invitation' } });
  }
});

test('an unknown email kind says so instead of an empty editor', async ({ page }) => {
  await logInAsAdmin(page);
  await openReady(page, '/admin/settings/emails/newsletter');
  await expect(page.getByRole('alert')).toContainText('There is no such email to edit');
});
