import type { EntityManager } from 'typeorm';
import type { Retention } from '@front-counter/forms';
import { SETTLED_STATUSES } from './retention-policy.js';

// Every statement runs in a transaction that has set the force (TenantTransactions): row-level
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

const FILE_OBJECTS = `id, tenant_id AS "tenantId", submission_id AS "submissionId", storage_key AS "storageKey", display_key AS "displayKey", thumbnail_key AS "thumbnailKey"`;

/** When a settled report was settled: its last decision, or (for a report settled without one on record) its last change. */
const settledAt = (alias = '') => `coalesce((${alias}outcome->>'decidedAt')::timestamptz, ${alias}updated_at)`;

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

/**
 * Up to `limit` settled reports of a service settled at or before `cutoff`, oldest first, locked for
 * deletion (a report someone is changing now is skipped this time). Submission comes before
 * settlement, so `submitted_at <= cutoff` narrows the search through the service's index first.
 */
export async function reportsPastRetention(manager: EntityManager, serviceId: string, cutoff: Date, limit: number, skip: string[]): Promise<string[]> {
  const rows: { id: string }[] = await manager.query(
    `SELECT id FROM reports
      WHERE service_id = $1 AND submitted_at <= $2 AND status = ANY ($3) AND ${settledAt()} <= $2 AND NOT (id = ANY ($5::uuid[]))
      ORDER BY submitted_at, id LIMIT $4 FOR UPDATE SKIP LOCKED`,
    [serviceId, cutoff, SETTLED_STATUSES, limit, skip],
  );
  return rows.map((row) => row.id);
}

export async function reportFacts(manager: EntityManager, reportId: string): Promise<ReportFacts | null> {
  const [row] = await manager.query(
    `SELECT r.id, r.reference, r.service_id AS "serviceId", f.version AS "formVersion", r.draft_id AS "draftId", r.status,
            r.transferred_from IS NOT NULL AS transferred, r.submitted_at AS "submittedAt", ${settledAt('r.')} AS "settledAt",
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

/**
 * Deletes a report and everything of it: its evidence files' rows (returned, so their stored objects
 * can be deleted after), its drafts, then the report itself, which takes its timeline, duplicate links
 * and tracking codes and sessions with it (ON DELETE CASCADE).
 */
export async function deleteReport(manager: EntityManager, report: Pick<ReportFacts, 'id' | 'draftId'>): Promise<{ files: EvidenceFileObjects[]; drafts: number }> {
  const [files]: [EvidenceFileObjects[], number] = await manager.query(
    `DELETE FROM evidence_files WHERE report_id = $1 OR (submission_id = $2 AND report_id IS NULL) RETURNING ${FILE_OBJECTS}`,
    [report.id, report.draftId],
  );
  const [, drafts]: [unknown, number] = await manager.query(`DELETE FROM drafts WHERE report_id = $1 OR id = $2`, [report.id, report.draftId]);
  const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM reports WHERE id = $1`, [report.id]);
  if (deleted !== 1) throw new Error(`report ${report.id} was not deleted`);
  return { files, drafts };
}

/** Up to `limit` drafts past their expiry at `now`, locked for deletion. */
export async function draftsPastExpiry(manager: EntityManager, now: Date, limit: number): Promise<{ id: string; sent: boolean }[]> {
  return manager.query(`SELECT id, report_id IS NOT NULL AS sent FROM drafts WHERE expires_at <= $1 ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, [now, limit]);
}

/** Deletes these drafts and the files stored for them that no report holds (returned, for their stored objects). */
export async function deleteDrafts(manager: EntityManager, draftIds: string[]): Promise<{ files: EvidenceFileObjects[]; drafts: number }> {
  const [files]: [EvidenceFileObjects[], number] = await manager.query(
    `DELETE FROM evidence_files WHERE submission_id = ANY ($1::uuid[]) AND report_id IS NULL RETURNING ${FILE_OBJECTS}`,
    [draftIds],
  );
  const [, drafts]: [unknown, number] = await manager.query(`DELETE FROM drafts WHERE id = ANY ($1::uuid[])`, [draftIds]);
  return { files, drafts };
}
