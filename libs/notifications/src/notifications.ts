import type { EntityManager } from 'typeorm';
import { localText } from '@front-counter/forms';
import type { OutboxHandler } from '@front-counter/outbox';
import { formatReference } from '@front-counter/reports';
import { EmailTemplates } from './email-templates.js';
import { Mailer } from './mailer.js';

interface TenantRow {
  slug: string;
  name: { en: string; cy?: string };
  contact: { nonEmergency: string; textRelayEmergency: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number; whatHappensNext?: { en: string; cy?: string } };
}


async function tenantOf(manager: EntityManager, tenantId: string): Promise<TenantRow> {
  const [tenant] = await manager.query(`SELECT slug, name, contact, promises FROM tenants WHERE id = $1`, [tenantId]);
  return tenant;
}

/** The outbox handlers that send e-mail: confirmation of a report, and the link to a saved draft. */
export function emailHandlers(options: { mailer: Mailer; templates: EmailTemplates }): { 'email.report-confirmation': OutboxHandler<'email.report-confirmation'>; 'email.resume-link': OutboxHandler<'email.resume-link'> } {
  return {
    'email.report-confirmation': async ({ tenantId, payload, manager }) => {
      const [report] = await manager.query(
        `SELECT r.reference, r.reporter_name, r.reporter_email, r.language, f.form->'title' AS title FROM reports r JOIN form_versions f ON f.id = r.form_version_id WHERE r.id = $1`,
        [payload.reportId],
      );
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
      const [draft] = await manager.query(`SELECT expires_at FROM drafts WHERE id = $1 AND report_id IS NULL`, [payload.draftId]);
      if (!draft) return; // sent or expired since: the link would not work
      const tenant = await tenantOf(manager, tenantId);
      const expires = new Date(draft.expires_at).toLocaleDateString(payload.language === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
      const email = options.templates.render(tenant.slug, 'resume-link', payload.language, { force: localText(tenant.name, payload.language), resumeUrl: payload.resumeUrl, expires });
      await options.mailer.send({ to: payload.email, ...email, tenant: tenant.slug });
    },
  };
}
