import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Shown as the sender's name, at MAIL_FROM's address; absent: MAIL_FROM as it is. */
  fromName?: string;
  replyTo?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  /** For the development mailbox only: which force sent it. */
  tenant: string;
}

/** The address part of a mailbox like `Front Counter <no-reply@example>`. */
const addressOf = (mailbox: string) => /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();

/**
 * Sends e-mail by SMTP when SMTP_URL is set. Otherwise (development and tests) each message is written
 * to the mail folder, as the .eml nodemailer would send plus a small JSON record the development
 * mailbox page lists.
 */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: { smtpUrl?: string; from: string; directory: string }) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  /** Sends one message; resolves with its Message-ID. */
  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const from = email.fromName ? { name: email.fromName, address: addressOf(this.options.from) } : this.options.from;
    const info = await this.transport.sendMail({ from, to: email.to, replyTo: email.replyTo, subject: email.subject, text: email.text, html: email.html, attachments: email.attachments });
    if (this.options.smtpUrl) return { messageId: info.messageId };
    mkdirSync(this.options.directory, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 24)}`;
    writeFileSync(path.join(this.options.directory, `${name}.eml`), (info as unknown as { message: Buffer }).message);
    const record = {
      to: email.to,
      subject: email.subject,
      text: email.text,
      tenant: email.tenant,
      from: email.fromName ? `${email.fromName} <${addressOf(this.options.from)}>` : this.options.from,
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      ...(email.attachments?.length ? { attachments: email.attachments.map(({ filename, contentType, content }) => ({ filename, contentType, bytes: content.length })) } : {}),
      sentAt: new Date().toISOString(),
    };
    writeFileSync(path.join(this.options.directory, `${name}.json`), JSON.stringify(record, null, 2));
    return { messageId: info.messageId };
  }
}
