import type { Mailer } from './mailer.js';
import type { EmailMessage, MessageChannel, SentMessage, SmsMessage } from './message-channel.js';
import { NotificationError, NotificationErrorCode } from './notification-error.js';

/** What nodemailer puts on its errors: its own code, and the SMTP server's reply code when there was one. */
type SmtpFailure = Error & { code?: string; responseCode?: number };

/** SMTP reply codes: 4xx is "try again later", 5xx "never"; no reply at all is a connection that failed. */
function smtpError(error: unknown): NotificationError {
  const failure = error as SmtpFailure;
  const status = typeof failure.responseCode === 'number' ? failure.responseCode : undefined;
  const details = { provider: 'smtp' as const, status };
  const message = `SMTP: ${failure.message ?? String(error)}`;
  const permanent = status !== undefined && status >= 500;
  if (failure.code === 'EAUTH') return new NotificationError(NotificationErrorCode.AuthenticationFailed, message, status !== undefined && status < 500, details);
  if (permanent) return new NotificationError(NotificationErrorCode.Rejected, message, false, details);
  return new NotificationError(NotificationErrorCode.ProviderUnavailable, message, true, details);
}

/**
 * E-mail through the platform's Mailer (an SMTP relay, or the development mail folder). SMTP has no
 * text messages: canSendSms is false, and sendSms fails, not retryable, so that a force wanting SMS
 * is moved to GOV.UK Notify (the way UK public services send texts) rather than failing silently.
 */
export class SmtpChannel implements MessageChannel {
  readonly provider = 'smtp';
  readonly canSendSms = false;

  constructor(
    private readonly mailer: Mailer,
    /** The force's slug, for the development mailbox. */
    private readonly force: string,
    private readonly defaults: { replyTo?: string } = {},
  ) {}

  async sendEmail(message: EmailMessage): Promise<SentMessage> {
    try {
      const { messageId } = await this.mailer.send({
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        fromName: message.fromName,
        replyTo: message.replyTo ?? this.defaults.replyTo,
        attachments: message.attachments,
        tenant: this.force,
      });
      return { provider: 'smtp', id: messageId };
    } catch (error) {
      throw smtpError(error);
    }
  }

  async sendSms(_message: SmsMessage): Promise<SentMessage> {
    throw new NotificationError(
      NotificationErrorCode.NotConfigured,
      `${this.force} sends by SMTP, which has no text messages: give it a GOV.UK Notify notifications block with an smsTemplateId to send them`,
      false,
      { provider: 'smtp' },
    );
  }
}
