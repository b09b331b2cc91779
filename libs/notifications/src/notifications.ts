import type { EntityManager } from 'typeorm';
import { localText } from '@front-counter/forms';
import { forgetTrackingCodes, type OutboxHandler } from '@front-counter/outbox';
import { formatReference, textableNumber } from '@front-counter/reports';
import { forceLetterhead, primaryHostname, type ForceLetterhead, type NotificationSettings } from '@front-counter/tenancy';
import { EmailTemplates, type EmailTemplateName } from './email-templates.js';
import type { MessageChannel } from './message-channel.js';
import { latestTransfer, reportOf, timelineStep, unsentDraftExpiry, type ReportRow } from './notifications.queries.js';

/** GOV.UK Notify's limit for one text message; a longer force message is cut to fit, with the link to read it all. */
export const SMS_MAX_CHARACTERS = 918;

type EmailEvents = 'email.report-confirmation' | 'email.resume-link' | 'email.tracking-code' | 'email.report-message' | 'email.report-transferred';

export interface EmailHandlerOptions {
  templates: EmailTemplates;
  /** The force's channel (GOV.UK Notify or SMTP) as its tenant file's `notifications` says: see channelFor. */
  channelFor: (force: { slug: string; notifications: NotificationSettings | null }) => MessageChannel;
  /** Where a force's site is, for links in messages: its primary domain in production. */
  siteUrl: (tenant: { slug: string; primaryDomain: string | null }) => string;
}

/**
 * Messages to reporters, each from its force (its name, its reply-to, its channel) in the report's
 * language: confirmation, saved-draft links, tracking codes, the force's messages and transfers. A
 * reporter who asked for text messages and gave a mobile number gets them by SMS where the force's
 * channel sends texts (GOV.UK Notify with a text message template); everyone else, and a force that
 * sends no texts, by e-mail. The outbox event types keep their `email.` names: they are stored.
 */
export function emailHandlers(options: EmailHandlerOptions): { [Type in EmailEvents]: OutboxHandler<Type> } {
  const forceOf = async (manager: EntityManager, tenantId: string) => {
    const tenant = await forceLetterhead(manager, tenantId);
    if (!tenant) throw new Error(`no force ${tenantId}`);
    return { tenant, channel: options.channelFor(tenant) };
  };
  const trackUrlOf = async (manager: EntityManager, tenantId: string, slug: string) =>
    `${options.siteUrl({ slug, primaryDomain: await primaryHostname(manager, tenantId) })}/track`;

  /**
   * Sends one message about a report the way its reporter asked: by text (the `.sms` template), or by
   * e-mail. Both are filled with what every message about a report says (the force, the reporter's
   * name, the service, the reference, the tracking link, the non-emergency number) and `data`; for a
   * text, `shorten` (when given) names the field to cut if the text is too long. Resolves with how it
   * went, or null when the report gives us no way to reach its reporter.
   */
  const toReporter = async (
    manager: EntityManager,
    tenantId: string,
    report: ReportRow,
    name: EmailTemplateName,
    data: (force: ForceLetterhead, language: 'en' | 'cy') => Record<string, unknown>,
    reference: string,
    shorten?: string,
  ): Promise<'sms' | 'email' | null> => {
    const { tenant, channel } = await forceOf(manager, tenantId);
    const language = report.language;
    const filled = {
      force: localText(tenant.name, language),
      name: report.reporter_name ?? '',
      service: localText(report.title, language),
      reference: formatReference(report.reference),
      trackUrl: await trackUrlOf(manager, tenantId, tenant.slug),
      nonEmergency: tenant.contact.nonEmergency,
      ...data(tenant, language),
    };
    const phone = report.reporter_contact_by === 'text' ? textableNumber(report.reporter_phone) : null;
    if (phone && channel.canSendSms) {
      const text = options.templates.renderText(tenant.slug, name, language, filled, { field: shorten, maxCharacters: SMS_MAX_CHARACTERS });
      await channel.sendSms({ to: phone, text, reference });
      return 'sms';
    }
    if (!report.reporter_email) return null;
    const email = options.templates.render(tenant.slug, name, language, filled);
    await channel.sendEmail({ to: report.reporter_email, ...email, fromName: localText(tenant.name, language), reference });
    return 'email';
  };

  return {
    'email.report-confirmation': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      if (!report) return; // removed since
      await toReporter(
        manager,
        tenantId,
        report,
        'report-confirmation',
        (tenant, language) => ({
          minutes: tenant.promises.triageWithinMinutes,
          hours: tenant.promises.replyWithinHours,
          whatHappensNext: localText(tenant.promises.whatHappensNext, language),
          textRelayEmergency: tenant.contact.textRelayEmergency,
        }),
        `report-${report.reference}-confirmation`,
      );
    },
    'email.resume-link': async ({ tenantId, payload, manager }) => {
      const draft = await unsentDraftExpiry(manager, payload.draftId);
      if (!draft) return; // sent or expired since: the link would not work
      const { tenant, channel } = await forceOf(manager, tenantId);
      const force = localText(tenant.name, payload.language);
      const expires = new Date(draft.expires_at).toLocaleDateString(payload.language === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
      const email = options.templates.render(tenant.slug, 'resume-link', payload.language, { force, resumeUrl: payload.resumeUrl, expires });
      await channel.sendEmail({ to: payload.email, ...email, fromName: force, reference: `draft-${payload.draftId}-resume-link` });
    },
    'email.tracking-code': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      if (!report || !payload.code) return;
      await toReporter(manager, tenantId, report, 'tracking-code', () => ({ code: payload.code, minutes: 10 }), `report-${report.reference}-tracking-code`);
      // The code is needed only to send it: none outlives the message (only its hash stays, in tracking_codes).
      await forgetTrackingCodes(manager, payload.reportId);
    },
    'email.report-message': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      const event = await timelineStep(manager, payload.eventId, payload.reportId);
      if (!report || !event?.message) return;
      await toReporter(
        manager,
        tenantId,
        report,
        'report-message',
        () => ({ message: event.message, askingForInformation: event.kind === 'decision:request-information' }),
        `report-${report.reference}-message`,
        'message',
      );
    },
    'email.report-transferred': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      if (!report) return; // moved on again, or removed: the receiving force's own message will say
      const transfer = await latestTransfer(manager, payload.reportId);
      await toReporter(
        manager,
        tenantId,
        report,
        'report-transferred',
        (_tenant, language) => ({ fromForce: localText(payload.fromForce, language), message: transfer?.message ?? '' }),
        `report-${report.reference}-transferred`,
        'message',
      );
    },
  };
}
