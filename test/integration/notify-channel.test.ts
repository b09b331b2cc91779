import { mkdtempSync } from 'node:fs';
import { SignJWT } from 'jose';
import os from 'node:os';
import path from 'node:path';
import { channelFor, Mailer, NotificationError, NotificationErrorCode, NotifyChannel, type NotifyChannelOptions } from '@front-counter/notifications';
import type { NotificationSettings } from '@front-counter/tenancy';
import { startFakeNotify, type FakeNotify } from '../support/fake-notify.js';

// GOV.UK Notify through its official client, over real HTTP to the local fake of Notify's API.

let notify: FakeNotify;

beforeAll(async () => {
  notify = await startFakeNotify();
});
afterAll(() => notify?.close());

function channel(overrides: Partial<NotifyChannelOptions> = {}): NotifyChannel {
  return new NotifyChannel({
    force: 'northshire',
    apiKey: notify.apiKey,
    apiUrl: notify.url,
    emailTemplateId: notify.templates.email.id,
    emailWithFileTemplateId: notify.templates.emailWithFile.id,
    smsTemplateId: notify.templates.sms.id,
    emailReplyToId: notify.emailReplyToId,
    ...overrides,
  });
}

const email = { to: 'sam@example.com', subject: 'Northshire Police: we have your report 7KQ-2MX-9P4', text: 'Dear Sam,\n\nYour reference number is 7KQ-2MX-9P4.\n', fromName: 'Northshire Police' };

/** The error a promise fails with; fails the test if it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<NotificationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NotificationError);
  return error as NotificationError;
}

describe('GOV.UK Notify channel', () => {
  it('sends an e-mail through the generic template: subject and body as personalisation, the reply-to id and our reference', async () => {
    const sent = await channel().sendEmail({ ...email, reference: 'report-7KQ2MX9P4-confirmation' });

    const received = notify.notifications.find((notification) => notification.id === sent.id);
    expect(sent).toEqual({ provider: 'notify', id: expect.any(String) });
    expect(received).toMatchObject({
      type: 'email',
      templateId: notify.templates.email.id,
      to: 'sam@example.com',
      personalisation: { subject: email.subject, body: email.text },
      reference: 'report-7KQ2MX9P4-confirmation',
      emailReplyToId: notify.emailReplyToId,
      subject: email.subject,
      body: email.text,
      keyName: 'front_counter_test',
    });
  });

  it('sends a text message through the SMS template, normalising a UK mobile number as Notify does', async () => {
    const sent = await channel().sendSms({ to: '07700 900123', text: 'Northshire Police: your tracking code is 493 201', reference: 'tracking-code' });

    expect(notify.notifications.find((notification) => notification.id === sent.id)).toMatchObject({
      type: 'sms',
      templateId: notify.templates.sms.id,
      to: '447700900123',
      personalisation: { body: 'Northshire Police: your tracking code is 493 201' },
      body: 'Northshire Police: your tracking code is 493 201',
      reference: 'tracking-code',
    });
  });

  it('sends a file as a link to download it (prepareUpload), through the template with ((link_to_file))', async () => {
    const json = Buffer.from(JSON.stringify({ reference: '7KQ2MX9P4', persons: [] }));
    const sent = await channel().sendEmail({ ...email, to: 'crime-desk@northshire.police.example', attachments: [{ filename: 'report-7KQ2MX9P4.json', contentType: 'application/json', content: json }] });

    const received = notify.notifications.find((notification) => notification.id === sent.id)!;
    expect(received.templateId).toBe(notify.templates.emailWithFile.id);
    expect(received.files).toEqual([expect.objectContaining({ placeholder: 'link_to_file', filename: 'report-7KQ2MX9P4.json' })]);
    expect(received.body).toContain(`Download the file (available for 26 weeks): ${received.files[0].url}`);
    const download = await fetch(received.files[0].url);
    expect(download.headers.get('content-type')).toBe('application/json');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(json);
  });

  it('refuses, not retryable, a file without a template for it, two files, or a file over 2 MB', async () => {
    const file = { filename: 'report.json', contentType: 'application/json', content: Buffer.from('{}') };
    const before = notify.requests.length;
    await expect(failureOf(channel({ emailWithFileTemplateId: undefined }).sendEmail({ ...email, attachments: [file] }))).resolves.toMatchObject({
      code: NotificationErrorCode.NotConfigured,
      retryable: false,
      message: expect.stringContaining('emailWithFileTemplateId'),
    });
    await expect(failureOf(channel().sendEmail({ ...email, attachments: [file, file] }))).resolves.toMatchObject({ code: NotificationErrorCode.AttachmentRefused, retryable: false });
    await expect(failureOf(channel().sendEmail({ ...email, attachments: [{ ...file, content: Buffer.alloc(2 * 1024 * 1024 + 1) }] }))).resolves.toMatchObject({
      code: NotificationErrorCode.AttachmentRefused,
      retryable: false,
      message: expect.stringContaining('larger than 2MB'),
    });
    expect(notify.requests.length).toBe(before); // none of them reached Notify
  });

  it('calls a wrong API key an authentication failure that no retry can mend', async () => {
    const unknownKey = `front_counter_test-${notify.serviceId}-${crypto.randomUUID()}`;
    const error = await failureOf(channel({ apiKey: unknownKey }).sendEmail(email));
    expect(error).toMatchObject({ code: NotificationErrorCode.AuthenticationFailed, retryable: false, details: { provider: 'notify', status: 403 } });
    expect(error.details.providerErrors).toEqual([{ error: 'AuthError', message: 'Invalid token: API key not found' }]);
    expect(error.message).not.toContain(unknownKey.slice(-36)); // never the secret

    const otherService = `front_counter_test-${crypto.randomUUID()}-${notify.apiKey.slice(-36)}`;
    await expect(failureOf(channel({ apiKey: otherService }).sendSms({ to: '07700900123', text: 'x' }))).resolves.toMatchObject({ code: NotificationErrorCode.AuthenticationFailed, retryable: false });

    const revoked = notify.addApiKey('revoked_key');
    notify.revokeApiKey(revoked);
    await expect(failureOf(channel({ apiKey: revoked }).sendEmail(email))).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('API key revoked') });
  });

  it('refuses a key that is not in Notify’s format before sending anything', () => {
    expect(() => channel({ apiKey: 'not-a-notify-key' })).toThrow(expect.objectContaining({ code: NotificationErrorCode.NotConfigured, retryable: false }));
  });

  it('calls 429 (rate or daily limit) and 5xx retryable, and the next attempt goes through', async () => {
    notify.failNext(1, 429);
    await expect(failureOf(channel().sendEmail(email))).resolves.toMatchObject({ code: NotificationErrorCode.RateLimited, retryable: true, details: { status: 429 } });

    notify.failNext(1, 429, [{ error: 'TooManyRequestsError', message: 'Exceeded send limits (250000) for today' }]);
    await expect(failureOf(channel().sendSms({ to: '07700900123', text: 'x' }))).resolves.toMatchObject({ code: NotificationErrorCode.RateLimited, retryable: true });

    notify.failNext(1, 500);
    const outage = await failureOf(channel().sendEmail(email));
    expect(outage).toMatchObject({ code: NotificationErrorCode.ProviderUnavailable, retryable: true, details: { status: 500, providerErrors: [{ error: 'Exception', message: 'Internal server error' }] } });

    notify.failNext(1, 502, '<html><body>Bad gateway</body></html>');
    await expect(failureOf(channel().sendEmail(email))).resolves.toMatchObject({ code: NotificationErrorCode.ProviderUnavailable, retryable: true, details: { status: 502 } });

    const sent = await channel().sendEmail(email);
    expect(notify.notifications.some((notification) => notification.id === sent.id)).toBe(true);
  });

  it('calls no answer in time, or no server at all, retryable', async () => {
    notify.stallNext(1);
    await expect(failureOf(channel({ timeoutMs: 300 }).sendEmail(email))).resolves.toMatchObject({ code: NotificationErrorCode.ProviderUnavailable, retryable: true });

    const closed = await startFakeNotify();
    const url = closed.url;
    await closed.close();
    await expect(failureOf(channel({ apiUrl: url }).sendEmail(email))).resolves.toMatchObject({ code: NotificationErrorCode.ProviderUnavailable, retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('calls Notify’s validation errors (400) not retryable, with Notify’s reasons', async () => {
    const badAddress = await failureOf(channel().sendEmail({ ...email, to: 'not an address' }));
    expect(badAddress).toMatchObject({ code: NotificationErrorCode.Rejected, retryable: false, details: { status: 400, providerErrors: [{ error: 'ValidationError', message: 'email_address Not a valid email address' }] } });

    await expect(failureOf(channel().sendSms({ to: '07700 9001', text: 'x' }))).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('phone_number Not enough digits') });
    await expect(failureOf(channel().sendSms({ to: '07700900123', text: 'x'.repeat(919) }))).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('cannot be longer than 918 characters') });
    await expect(failureOf(channel({ emailReplyToId: crypto.randomUUID() }).sendEmail(email))).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('does not exist in database') });
    await expect(failureOf(channel({ emailTemplateId: notify.templates.sms.id }).sendEmail(email))).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('sms template is not suitable for email notification') });

    // A template whose placeholders the generic personalisation does not fill: Notify names them.
    const other = notify.addTemplate({ type: 'email', name: 'Not generic', subject: '((subject))', body: 'Dear ((first_name)), ((body))' });
    await expect(failureOf(channel({ emailTemplateId: other.id }).sendEmail(email))).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('Missing personalisation: first_name') });
  });

  it('has no SMS without a text message template', async () => {
    const emailOnly = channel({ smsTemplateId: undefined });
    expect(emailOnly.canSendSms).toBe(false);
    expect(channel().canSendSms).toBe(true);
    await expect(failureOf(emailOnly.sendSms({ to: '07700900123', text: 'x' }))).resolves.toMatchObject({ code: NotificationErrorCode.NotConfigured, retryable: false });
  });

  it('reads back what it sent (GET /v2/notifications/{id}) through the same client and token', async () => {
    const { NotifyClient } = await import('notifications-node-client');
    const sent = await channel().sendEmail({ ...email, reference: 'read-back' });
    const response = await new NotifyClient(notify.url, notify.apiKey).getNotificationById(sent.id);
    expect(response.data).toMatchObject({ id: sent.id, type: 'email', status: 'delivered', email_address: 'sam@example.com', reference: 'read-back', subject: email.subject });
  });
});

describe('channelFor', () => {
  const mailer = new Mailer({ from: 'Front Counter <no-reply@front-counter.example>', directory: mkdtempSync(path.join(os.tmpdir(), 'channel-for-mail-')) });
  const notifySettings = (): NotificationSettings => ({
    provider: 'notify',
    apiKeyEnv: 'NORTHSHIRE_NOTIFY_API_KEY',
    emailTemplateId: notify.templates.email.id,
    smsTemplateId: notify.templates.sms.id,
    emailReplyToId: notify.emailReplyToId,
  });

  it('sends by SMTP when the force says nothing, or says smtp', () => {
    expect(channelFor({ slug: 'northshire', notifications: null }, { environment: {}, mailer, notifyApiUrl: notify.url }).provider).toBe('smtp');
    expect(channelFor({ slug: 'northshire', notifications: { provider: 'smtp', replyTo: 'contact@northshire.police.example' } }, { environment: {}, mailer, notifyApiUrl: notify.url }).provider).toBe('smtp');
  });

  it('sends through Notify with the key from the environment variable the force names', async () => {
    const chosen = channelFor({ slug: 'northshire', notifications: notifySettings() }, { environment: { NORTHSHIRE_NOTIFY_API_KEY: notify.apiKey }, mailer, notifyApiUrl: notify.url });
    expect(chosen.provider).toBe('notify');
    expect(chosen.canSendSms).toBe(true);
    const sent = await chosen.sendSms({ to: '+44 7700 900456', text: 'Chosen by data' });
    expect(notify.notifications.find((notification) => notification.id === sent.id)?.to).toBe('447700900456');
  });

  it('fails clearly, naming the variable and never retryable, when that variable is missing or empty', () => {
    for (const environment of [{}, { NORTHSHIRE_NOTIFY_API_KEY: '  ' }]) {
      let error: unknown;
      try {
        channelFor({ slug: 'northshire', notifications: notifySettings() }, { environment, mailer, notifyApiUrl: notify.url });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(NotificationError);
      expect(error).toMatchObject({
        code: NotificationErrorCode.NotConfigured,
        retryable: false,
        message: 'northshire sends through GOV.UK Notify with the API key in the environment variable NORTHSHIRE_NOTIFY_API_KEY, which is not set',
      });
    }
  });
});

describe('the fake Notify', () => {
  const secret = () => new TextEncoder().encode(notify.apiKey.slice(-36));
  const post = (authorization: string | undefined, body: unknown = { template_id: notify.templates.email.id, email_address: 'sam@example.com', personalisation: { subject: 's', body: 'b' } }) =>
    fetch(`${notify.url}/v2/notifications/email`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) }).then(async (response) => ({
      status: response.status,
      body: await response.json(),
    }));
  const token = (claims: { iss?: string; iat?: number }, algorithm = 'HS256', key = secret()) => new SignJWT(claims).setProtectedHeader({ alg: algorithm, typ: 'JWT' }).sign(key);
  const now = () => Math.floor(Date.now() / 1000);

  it('checks the Bearer token as Notify does: HS256 with the secret key, iss the service id, iat within 30 seconds', async () => {
    await expect(post(`Bearer ${await token({ iss: notify.serviceId, iat: now() })}`)).resolves.toMatchObject({ status: 201 });
    await expect(post(undefined)).resolves.toEqual({ status: 401, body: { status_code: 401, errors: [{ error: 'AuthError', message: 'Unauthorized: authentication token must be provided' }] } });
    await expect(post(`Basic ${await token({ iss: notify.serviceId, iat: now() })}`)).resolves.toMatchObject({ status: 401, body: { errors: [{ message: 'Unauthorized: authentication bearer scheme must be used' }] } });
    await expect(post(`Bearer ${await token({ iss: notify.serviceId, iat: now() - 31 })}`)).resolves.toMatchObject({ status: 403, body: { errors: [{ message: 'Error: Your system clock must be accurate to within 30 seconds' }] } });
    await expect(post(`Bearer ${await token({ iss: notify.serviceId, iat: now() + 31 })}`)).resolves.toMatchObject({ status: 403, body: { errors: [{ message: 'Error: Your system clock must be accurate to within 30 seconds' }] } });
    await expect(post(`Bearer ${await token({ iat: now() })}`)).resolves.toMatchObject({ status: 403, body: { errors: [{ message: 'Invalid token: iss field not provided' }] } });
    await expect(post(`Bearer ${await token({ iss: crypto.randomUUID(), iat: now() })}`)).resolves.toMatchObject({ status: 403, body: { errors: [{ message: 'Invalid token: service not found' }] } });
    await expect(post(`Bearer ${await token({ iss: notify.serviceId, iat: now() }, 'HS512')}`)).resolves.toMatchObject({ status: 403, body: { errors: [{ message: 'Invalid token: algorithm used is not HS256' }] } });
    await expect(post(`Bearer ${await token({ iss: notify.serviceId, iat: now() }, 'HS256', new TextEncoder().encode(crypto.randomUUID()))}`)).resolves.toMatchObject({
      status: 403,
      body: { errors: [{ error: 'AuthError', message: 'Invalid token: API key not found' }] },
    });
  });

  it('validates the body as Notify’s schema does, listing every problem', async () => {
    const authorization = `Bearer ${await token({ iss: notify.serviceId, iat: now() })}`;
    await expect(post(authorization, { template_id: 'seven', personalisation: 'text', colour: 'red' })).resolves.toEqual({
      status: 400,
      body: {
        status_code: 400,
        errors: [
          { error: 'ValidationError', message: 'email_address is a required property' },
          { error: 'ValidationError', message: 'Additional properties are not allowed (colour was unexpected)' },
          { error: 'ValidationError', message: 'template_id is not a valid UUID' },
          { error: 'ValidationError', message: 'personalisation "text" is not of type object' },
        ],
      },
    });
    await expect(post(authorization, { template_id: crypto.randomUUID(), email_address: 'sam@example.com' })).resolves.toMatchObject({ status: 400, body: { errors: [{ error: 'BadRequestError', message: 'Template not found' }] } });
    await expect(post(authorization, { template_id: notify.templates.email.id, email_address: 'sam@example.com', personalisation: { subject: 's' } })).resolves.toMatchObject({
      status: 400,
      body: { errors: [{ error: 'BadRequestError', message: 'Missing personalisation: body' }] },
    });
  });
});
