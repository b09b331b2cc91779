import type { EntityManager } from 'typeorm';
import type { Retention } from '@front-counter/forms';
import { SETTLED_AT } from '@front-counter/reports';

// Retention's reads (its deletes are the owners': reports, drafts and evidence files). Every
// statement runs in a transaction that has set the force (TenantTransactions): row-level
// security confines it to that force's rows whatever it says.

/** The stored-object facts of an evidence file, enough to name every object it may have in the store. */
export interface EvidenceFileObjects {
  id: string;
  tenantId: string;
  submissionId: string;
  storageKey: string;
  displayKey: string | null;
  thumbnailKey: string | null;
}

/** What is known of a report before it is deleted: no personal data, only facts and counts. */
export interface ReportFacts {
  id: string;
  reference: string;
  serviceId: string;
  formVersion: number;
  draftId: string;
  status: string;
  transferred: boolean;
  submittedAt: Date;
  settledAt: Date;
  answeredPages: number;
  timelineEvents: number;
  duplicateLinks: number;
  trackingCodes: number;
  trackingSessions: number;
}

/** Each national service's newest retention bounds, with this force's own period from its newest form version of it. */
export async function retentionPolicies(manager: EntityManager, tenantId: string): Promise<{ serviceId: string; national: Retention | null; forceDays: number | null }[]> {
  return manager.query(
    `SELECT n.id AS "serviceId", n.definition->'retention' AS national, (f.form->'retention'->>'days')::int AS "forceDays"
       FROM (SELECT DISTINCT ON (id) id, definition FROM national_services ORDER BY id, version DESC) n
       LEFT JOIN LATERAL (SELECT form FROM form_versions WHERE tenant_id = $1 AND service_id = n.id ORDER BY version DESC LIMIT 1) f ON true
      ORDER BY n.id`,
    [tenantId],
  );
}

export async function reportFacts(manager: EntityManager, reportId: string): Promise<ReportFacts | null> {
  const [row] = await manager.query(
    `SELECT r.id, r.reference, r.service_id AS "serviceId", f.version AS "formVersion", r.draft_id AS "draftId", r.status,
            r.transferred_from IS NOT NULL AS transferred, r.submitted_at AS "submittedAt", ${SETTLED_AT('r.')} AS "settledAt",
            (SELECT count(*) FROM jsonb_object_keys(CASE WHEN jsonb_typeof(r.answers) = 'object' THEN r.answers ELSE '{}'::jsonb END))::int AS "answeredPages",
            (SELECT count(*) FROM report_events WHERE report_id = r.id)::int AS "timelineEvents",
            (SELECT count(*) FROM report_duplicates WHERE report_id = r.id OR other_report_id = r.id)::int AS "duplicateLinks",
            (SELECT count(*) FROM tracking_codes WHERE report_id = r.id)::int AS "trackingCodes",
            (SELECT count(*) FROM tracking_sessions WHERE report_id = r.id)::int AS "trackingSessions"
       FROM reports r JOIN form_versions f ON f.id = r.form_version_id
      WHERE r.id = $1`,
    [reportId],
  );
  return row ?? null;
}
