import type { EntityManager } from 'typeorm';
import { ReportStatus } from '@front-counter/reports';

// The call handlers' screens as read-models: the queue, the supervisors' breaches, one report's row,
// timeline, duplicate links and audit trail. Reads only, in the force set on the transaction.

export interface QueueRow {
  id: string;
  reference: string;
  service_id: string;
  service_title: { en: string; cy?: string };
  queue: string;
  priority: number;
  status: ReportStatus;
  tags: string[];
  flags: string[];
  submitted_at: Date;
  triage_by: Date;
  reply_by: Date;
  triaged_at: Date | null;
  first_reply_at: Date | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
  transferred_from: string | null;
  duplicates: number;
}

export interface QueueFilter {
  statuses: ReportStatus[];
  queue: string | null;
  serviceId: string | null;
  tag: string | null;
}

const QUEUE_COLUMNS = `
  r.id, r.reference, r.service_id, f.form->'title' AS service_title, r.queue, r.priority, r.status, r.tags, r.flags,
  r.submitted_at, r.triage_by, r.reply_by, r.triaged_at, r.first_reply_at, r.claimed_by, r.claimed_by_name,
  source.slug AS transferred_from,
  (SELECT count(*)::int FROM report_duplicates d WHERE d.report_id = r.id AND d.status = 'possible') AS duplicates`;
const QUEUE_FROM = `reports r JOIN form_versions f ON f.id = r.form_version_id LEFT JOIN tenants source ON source.id = r.transferred_from`;

/** One page of the queue (most urgent first) and how many match in all. */
export async function queuePage(manager: EntityManager, filter: QueueFilter, page: { first: number; offset: number }): Promise<{ rows: QueueRow[]; total: number }> {
  const filters = `r.status = ANY ($1) AND ($2::text IS NULL OR r.queue = $2) AND ($3::text IS NULL OR r.service_id = $3) AND ($4::text IS NULL OR $4 = ANY (r.tags))`;
  const parameters = [filter.statuses, filter.queue, filter.serviceId, filter.tag];
  const rows: QueueRow[] = await manager.query(
    `SELECT ${QUEUE_COLUMNS} FROM ${QUEUE_FROM} WHERE ${filters} ORDER BY r.priority, r.triage_by, r.submitted_at, r.id LIMIT $5 OFFSET $6`,
    [...parameters, page.first, page.offset],
  );
  const [{ total }] = await manager.query(`SELECT count(*)::int AS total FROM reports r WHERE ${filters}`, parameters);
  return { rows, total };
}

/** Reports awaiting triage per queue, and how many of them are past their triage deadline. */
export async function queueCounts(manager: EntityManager): Promise<{ queue: string; awaitingTriage: number; triageBreached: number }[]> {
  return manager.query(
    `SELECT queue, count(*)::int AS "awaitingTriage", count(*) FILTER (WHERE triage_by < now())::int AS "triageBreached"
       FROM reports WHERE status = '${ReportStatus.AWAITING_TRIAGE}' GROUP BY queue ORDER BY queue`,
  );
}

/** Open reports past a deadline, or within `minutes` of one, most overdue first. */
export async function breachRows(manager: EntityManager, minutes: number): Promise<QueueRow[]> {
  return manager.query(
    `SELECT ${QUEUE_COLUMNS} FROM ${QUEUE_FROM}
      WHERE r.status <> '${ReportStatus.CLOSED}' AND ((r.triaged_at IS NULL AND r.triage_by < now() + make_interval(mins => $1))
         OR (r.first_reply_at IS NULL AND r.reply_by < now() + make_interval(mins => $1)))
      ORDER BY least(CASE WHEN r.triaged_at IS NULL THEN r.triage_by END, CASE WHEN r.first_reply_at IS NULL THEN r.reply_by END), r.priority
      LIMIT 200`,
    [minutes],
  );
}

/** One report's queue row. */
export async function queueRow(manager: EntityManager, reportId: string): Promise<QueueRow> {
  const [row]: QueueRow[] = await manager.query(`SELECT ${QUEUE_COLUMNS} FROM ${QUEUE_FROM} WHERE r.id = $1`, [reportId]);
  return row;
}

/** A report's whole timeline, as staff see it. */
export async function staffTimeline(manager: EntityManager, reportId: string) {
  return manager.query(
    `SELECT id::text, occurred_at AS "occurredAt", kind, actor_type AS "actorType", actor_name AS "actorName", message, details FROM report_events e WHERE report_id = $1 ORDER BY e.id`,
    [reportId],
  );
}

/** A report's possible-duplicate links, oldest first. */
export async function duplicateLinks(manager: EntityManager, reportId: string) {
  return manager.query(
    `SELECT d.id, d.other_report_id AS "otherReportId", o.reference AS "otherReference", d.reason, d.status
       FROM report_duplicates d JOIN reports o ON o.id = d.other_report_id WHERE d.report_id = $1 ORDER BY d.created_at`,
    [reportId],
  );
}

/** One audit event about a report, as its supervisors see it. */
export interface AuditEntry {
  id: string;
  occurredAt: Date;
  actorType: 'public' | 'staff' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
}

/** The force's audit trail of one report, oldest first. */
export async function reportAuditTrail(manager: EntityManager, tenantId: string, reportId: string): Promise<AuditEntry[]> {
  return manager.query(
    `SELECT id::text, occurred_at AS "occurredAt", actor_type AS "actorType", actor_id AS "actorId", details->>'actorName' AS "actorName",
            action, reason, details - 'actorName' AS details
       FROM audit_events a WHERE tenant_id = $1 AND subject_type = 'report' AND subject_id = $2 ORDER BY a.id`,
    [tenantId, reportId],
  );
}
