// Notifications: e-mail and text messages to reporters and forces, through a channel each force
// chooses in its tenant file (GOV.UK Notify, or SMTP by default), from bilingual templates it may override.
export { Mailer, type OutgoingEmail } from './mailer.js';
export { EmailTemplates, type EmailTemplateName, type RenderedEmail } from './email-templates.js';
export { emailHandlers } from './notifications.js';
export type { MessageChannel, EmailMessage, EmailAttachment, SmsMessage, SentMessage } from './message-channel.js';
export { NotificationError, NotificationErrorCode } from './notification-error.js';
export { SmtpChannel } from './smtp-channel.js';
export { NotifyChannel, isNotifyApiKey, NOTIFY_PRODUCTION_API, type NotifyChannelOptions } from './notify-channel.js';
export { channelFor, type ChannelContext } from './channel-for.js';
