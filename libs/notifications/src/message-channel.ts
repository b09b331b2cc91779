/** A file sent with an e-mail: attached by SMTP; on GOV.UK Notify, a link to download it. */
export interface EmailAttachment {
  /** With its extension (report.json): Notify decides the file type from it. */
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface EmailMessage {
  to: string;
  subject: string;
  /** Plain text; Notify sends only this (its template decides the layout). */
  text: string;
  /** SMTP only, as an alternative to `text`. */
  html?: string;
  /** The sender's display name, the force's in the message's language (SMTP; Notify shows its service's sender name). */
  fromName: string;
  /** SMTP only (otherwise the force's `replyTo`); on Notify, replies go to the force's `emailReplyToId`. */
  replyTo?: string;
  /** At most one on Notify, under 2 MB, of a type Notify accepts (PDF, CSV, JSON, TXT, RTF, ODT, XLSX, DOCX). */
  attachments?: EmailAttachment[];
  /** Ours, to find the message again at the provider (Notify keeps it); never personal data. */
  reference?: string;
}

export interface SmsMessage {
  /** A UK mobile number or an international one with its +country code. */
  to: string;
  /** At most 918 characters (Notify's limit for one text message). */
  text: string;
  reference?: string;
}

/** What the provider said about a message it took. */
export interface SentMessage {
  provider: 'notify' | 'smtp';
  /** The provider's id for it: Notify's notification id, or the SMTP Message-ID. */
  id: string;
}

/**
 * A force's way of sending messages. Every failure is a NotificationError that says whether a retry
 * can help. Which channel a force uses is data (its tenant file's `notifications`): see channelFor.
 */
export interface MessageChannel {
  readonly provider: 'notify' | 'smtp';
  /** Whether sendSms can work (a force on SMTP, or on Notify without a text message template, has no SMS). */
  readonly canSendSms: boolean;
  sendEmail(message: EmailMessage): Promise<SentMessage>;
  sendSms(message: SmsMessage): Promise<SentMessage>;
}
