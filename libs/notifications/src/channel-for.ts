import type { NotificationSettings } from '@front-counter/tenancy';
import type { Mailer } from './mailer.js';
import type { MessageChannel } from './message-channel.js';
import { NotificationError, NotificationErrorCode } from './notification-error.js';
import { NotifyChannel } from './notify-channel.js';
import { SmtpChannel } from './smtp-channel.js';

export interface ChannelContext {
  /** Where API keys are read, by the variable names tenant files give: process.env in the worker. */
  environment: Record<string, string | undefined>;
  /** The platform's SMTP relay (or, in development, the mail folder), for forces on SMTP. */
  mailer: Mailer;
  /** GOV.UK Notify's API (NOTIFY_API_URL); a local fake in tests. */
  notifyApiUrl: string;
  notifyTimeoutMs?: number;
}

/**
 * The channel a force's messages go through, as its tenant file's `notifications` says: SMTP when it
 * says nothing. Fails, not retryable, when the force's Notify API key variable is unset or holds
 * something that is not a Notify key (the message names the variable, never its value).
 */
export function channelFor(force: { slug: string; notifications: NotificationSettings | null | undefined }, context: ChannelContext): MessageChannel {
  const settings = force.notifications;
  if (!settings || settings.provider === 'smtp') return new SmtpChannel(context.mailer, force.slug, { replyTo: settings?.replyTo });
  const apiKey = context.environment[settings.apiKeyEnv]?.trim();
  if (!apiKey) {
    throw new NotificationError(
      NotificationErrorCode.NotConfigured,
      `${force.slug} sends through GOV.UK Notify with the API key in the environment variable ${settings.apiKeyEnv}, which is not set`,
      false,
      { provider: 'notify' },
    );
  }
  return new NotifyChannel({
    force: force.slug,
    apiKey,
    apiUrl: context.notifyApiUrl,
    emailTemplateId: settings.emailTemplateId,
    emailWithFileTemplateId: settings.emailWithFileTemplateId,
    smsTemplateId: settings.smsTemplateId,
    emailReplyToId: settings.emailReplyToId,
    smsSenderId: settings.smsSenderId,
    timeoutMs: context.notifyTimeoutMs,
  });
}
