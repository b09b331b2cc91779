// Notifications: e-mail to reporters (confirmation with the reference, the link to a saved report),
// from bilingual Handlebars templates a force may override, sent by SMTP or, in development, to files.
export { Mailer, type OutgoingEmail } from './mailer.js';
export { EmailTemplates, type EmailTemplateName, type RenderedEmail } from './email-templates.js';
export { emailHandlers } from './notifications.js';
