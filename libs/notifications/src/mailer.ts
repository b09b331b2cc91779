import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** For the development mailbox only: which force sent it. */
  tenant: string;
}

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

  async send(email: OutgoingEmail): Promise<void> {
    const info = await this.transport.sendMail({ from: this.options.from, to: email.to, subject: email.subject, text: email.text });
    if (this.options.smtpUrl) return;
    mkdirSync(this.options.directory, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 24)}`;
    writeFileSync(path.join(this.options.directory, `${name}.eml`), (info as unknown as { message: Buffer }).message);
    writeFileSync(path.join(this.options.directory, `${name}.json`), JSON.stringify({ ...email, from: this.options.from, sentAt: new Date().toISOString() }, null, 2));
  }
}
