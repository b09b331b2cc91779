import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Mailer, NotificationError, NotificationErrorCode, SmtpChannel } from '@front-counter/notifications';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

// The SMTP channel over real SMTP to the test relay on loopback, and to the development mail folder.

let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink({ host: '127.0.0.1', refuseOnce: (recipient) => recipient.startsWith('busy'), rejectAlways: (recipient) => recipient.startsWith('nobody') });
});
afterAll(() => sink?.close());

const FROM = 'Front Counter <no-reply@front-counter.example>';
const mailer = () => new Mailer({ smtpUrl: `smtp://${sink.host}:${sink.port}`, from: FROM, directory: mkdtempSync(path.join(os.tmpdir(), 'smtp-channel-')) });
const email = { subject: 'Report 7KQ-2MX-9P4 for Northshire Police', text: 'A report is attached.\n', fromName: 'Northshire Police' };

async function failureOf(promise: Promise<unknown>): Promise<NotificationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NotificationError);
  return error as NotificationError;
}

describe('SMTP channel', () => {
  it('sends from the force’s name at MAIL_FROM’s address, with the reply-to and the file attached', async () => {
    const channel = new SmtpChannel(mailer(), 'northshire', { replyTo: 'contact@northshire.police.example' });
    const json = JSON.stringify({ reference: '7KQ2MX9P4' });
    const sent = await channel.sendEmail({ ...email, to: 'crime-desk@northshire.police.example', attachments: [{ filename: 'report-7KQ2MX9P4.json', contentType: 'application/json', content: Buffer.from(json) }] });

    expect(sent).toEqual({ provider: 'smtp', id: expect.stringMatching(/^<.+>$/) });
    const received = await sink.waitFor((mail) => mail.to.includes('crime-desk@northshire.police.example'), 5000, 'to the crime desk');
    expect(received.from).toBe('no-reply@front-counter.example');
    expect(received.raw).toMatch(/^From: Northshire Police <no-reply@front-counter\.example>$/m);
    expect(received.raw).toMatch(/^Reply-To: contact@northshire\.police\.example$/m);
    expect(received.raw).toMatch(/^Content-Type: application\/json; name=report-7KQ2MX9P4\.json$/m);
    expect(received.raw).toMatch(/^Content-Disposition: attachment; filename=report-7KQ2MX9P4\.json$/m);
    expect(received.raw).toContain(Buffer.from(json).toString('base64'));
  });

  it('lets a message name its own reply-to over the force’s', async () => {
    await new SmtpChannel(mailer(), 'northshire', { replyTo: 'contact@northshire.police.example' }).sendEmail({ ...email, to: 'reporter@example.com', replyTo: 'desk-7@northshire.police.example' });
    const received = await sink.waitFor((mail) => mail.to.includes('reporter@example.com'), 5000, 'to the reporter');
    expect(received.raw).toMatch(/^Reply-To: desk-7@northshire\.police\.example$/m);
  });

  it('calls a temporary refusal (4xx) or no relay retryable, a permanent one (5xx) not', async () => {
    const channel = new SmtpChannel(mailer(), 'northshire');
    await expect(failureOf(channel.sendEmail({ ...email, to: 'busy@example.com' }))).resolves.toMatchObject({ code: NotificationErrorCode.ProviderUnavailable, retryable: true, details: { provider: 'smtp', status: 451 } });
    await expect(channel.sendEmail({ ...email, to: 'busy@example.com' })).resolves.toMatchObject({ provider: 'smtp' });
    await expect(failureOf(channel.sendEmail({ ...email, to: 'nobody@example.com' }))).resolves.toMatchObject({ code: NotificationErrorCode.Rejected, retryable: false, details: { provider: 'smtp', status: 550 } });

    const closed = await startSmtpSink({ host: '127.0.0.1' });
    await closed.close();
    const unreachable = new SmtpChannel(new Mailer({ smtpUrl: `smtp://127.0.0.1:${closed.port}`, from: FROM, directory: os.tmpdir() }), 'northshire');
    await expect(failureOf(unreachable.sendEmail({ ...email, to: 'sam@example.com' }))).resolves.toMatchObject({ code: NotificationErrorCode.ProviderUnavailable, retryable: true });
  });

  it('has no text messages: a clear error no retry mends', async () => {
    const channel = new SmtpChannel(mailer(), 'northshire');
    expect(channel.canSendSms).toBe(false);
    await expect(failureOf(channel.sendSms({ to: '07700900123', text: 'x' }))).resolves.toMatchObject({
      code: NotificationErrorCode.NotConfigured,
      retryable: false,
      message: expect.stringContaining('northshire sends by SMTP, which has no text messages'),
    });
  });

  it('writes to the development mail folder without a relay, listing attachments by name and size', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'smtp-channel-dev-'));
    const channel = new SmtpChannel(new Mailer({ from: FROM, directory }), 'northshire');
    await channel.sendEmail({ ...email, to: 'sam@example.com', attachments: [{ filename: 'report.json', contentType: 'application/json', content: Buffer.from('{"a":1}') }] });

    const record = JSON.parse(readFileSync(path.join(directory, readdirSync(directory).find((name) => name.endsWith('.json'))!), 'utf8'));
    expect(record).toEqual({
      to: 'sam@example.com',
      subject: email.subject,
      text: email.text,
      tenant: 'northshire',
      from: 'Northshire Police <no-reply@front-counter.example>',
      attachments: [{ filename: 'report.json', contentType: 'application/json', bytes: 7 }],
      sentAt: expect.any(String),
    });
    expect(readFileSync(path.join(directory, readdirSync(directory).find((name) => name.endsWith('.eml'))!), 'utf8')).toContain('filename=report.json');
  });
});
