import type { EntityManager } from 'typeorm';
import { localText } from '@front-counter/forms';
import { forgetTrackingCodes, type OutboxHandler } from '@front-counter/outbox';
import { formatReference } from '@front-counter/reports';
import { forceLetterhead, primaryHostname } from '@front-counter/tenancy';
import { EmailTemplates } from './email-templates.js';
import { Mailer } from './mailer.js';
import { latestTransfer, reportOf, timelineStep, unsentDraftExpiry } from './notifications.queries.js';

interface TenantRow {
  slug: string;
  name: { en: string; cy?: string };
  contact: { nonEmergency: string; textRelayEmergency: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number; whatHappensNext?: { en: string; cy?: string } };
}


async function tenantOf(manager: EntityManager, tenantId: string): Promise<TenantRow> {
  return forceLetterhead(manager, tenantId);
}

type EmailEvents = 'email.report-confirmation' | 'email.resume-link' | 'email.tracking-code' | 'email.report-message' | 'email.report-transferred';

export interface EmailHandlerOptions {
  mailer: Mailer;
  templates: EmailTemplates;
  /** Where a force's site is, for links in e-mail: its primary domain in production. */
  siteUrl: (tenant: { slug: string; primaryDomain: string | null }) => string;
}

async function trackUrlOf(manager: EntityManager, options: EmailHandlerOptions, tenantId: string, slug: string): Promise<string> {
  return `${options.siteUrl({ slug, primaryDomain: await primaryHostname(manager, tenantId) })}/track`;
}

/** The outbox handlers that send e-mail to reporters: confirmation, saved-draft links, tracking codes, the force's messages and transfers. */
export function emailHandlers(options: EmailHandlerOptions): { [Type in EmailEvents]: OutboxHandler<Type> } {
  return {
    'email.report-confirmation': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      if (!report?.reporter_email) return; // nothing to send: the report has no address (or was removed)
      const tenant = await tenantOf(manager, tenantId);
      const language = report.language as 'en' | 'cy';
      const email = options.templates.render(tenant.slug, 'report-confirmation', language, {
        force: localText(tenant.name, language),
        name: report.reporter_name ?? '',
        service: localText(report.title, language),
        reference: formatReference(report.reference),
        minutes: tenant.promises.triageWithinMinutes,
        hours: tenant.promises.replyWithinHours,
        whatHappensNext: localText(tenant.promises.whatHappensNext, language),
        nonEmergency: tenant.contact.nonEmergency,
        textRelayEmergency: tenant.contact.textRelayEmergency,
      });
      await options.mailer.send({ to: report.reporter_email, ...email, tenant: tenant.slug });
    },
    'email.resume-link': async ({ tenantId, payload, manager }) => {
      const draft = await unsentDraftExpiry(manager, payload.draftId);
      if (!draft) return; // sent or expired since: the link would not work
      const tenant = await tenantOf(manager, tenantId);
      const expires = new Date(draft.expires_at).toLocaleDateString(payload.language === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
      const email = options.templates.render(tenant.slug, 'resume-link', payload.language, { force: localText(tenant.name, payload.language), resumeUrl: payload.resumeUrl, expires });
      await options.mailer.send({ to: payload.email, ...email, tenant: tenant.slug });
    },
    'email.tracking-code': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      if (!report?.reporter_email || !payload.code) return;
      const tenant = await tenantOf(manager, tenantId);
      const email = options.templates.render(tenant.slug, 'tracking-code', report.language, {
        force: localText(tenant.name, report.language),
        reference: formatReference(report.reference),
        code: payload.code,
        minutes: 10,
      });
      await options.mailer.send({ to: report.reporter_email, ...email, tenant: tenant.slug });
      // The code is needed only to send it: none outlives the e-mail (only its hash stays, in tracking_codes).
      await forgetTrackingCodes(manager, payload.reportId);
    },
    'email.report-message': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      const event = await timelineStep(manager, payload.eventId, payload.reportId);
      if (!report?.reporter_email || !event?.message) return;
      const tenant = await tenantOf(manager, tenantId);
      const email = options.templates.render(tenant.slug, 'report-message', report.language, {
        force: localText(tenant.name, report.language),
        name: report.reporter_name ?? '',
        service: localText(report.title, report.language),
        reference: formatReference(report.reference),
        message: event.message,
        askingForInformation: event.kind === 'decision:request-information',
        trackUrl: await trackUrlOf(manager, options, tenantId, tenant.slug),
        nonEmergency: tenant.contact.nonEmergency,
      });
      await options.mailer.send({ to: report.reporter_email, ...email, tenant: tenant.slug });
    },
    'email.report-transferred': async ({ tenantId, payload, manager }) => {
      const report = await reportOf(manager, payload.reportId);
      if (!report?.reporter_email) return; // moved on again, or removed: the receiving force's own message will say
      const transfer = await latestTransfer(manager, payload.reportId);
      const tenant = await tenantOf(manager, tenantId);
      const email = options.templates.render(tenant.slug, 'report-transferred', report.language, {
        force: localText(tenant.name, report.language),
        fromForce: localText(payload.fromForce, report.language),
        name: report.reporter_name ?? '',
        service: localText(report.title, report.language),
        reference: formatReference(report.reference),
        message: transfer?.message ?? '',
        trackUrl: await trackUrlOf(manager, options, tenantId, tenant.slug),
        nonEmergency: tenant.contact.nonEmergency,
      });
      await options.mailer.send({ to: report.reporter_email, ...email, tenant: tenant.slug });
    },
  };
}
