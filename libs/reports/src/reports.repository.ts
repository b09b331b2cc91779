import type { EntityManager } from 'typeorm';
import { newReference } from '@front-counter/public-kit';
import { ReportEvent, type NewReportEvent } from './report-event.entity.js';
import { ReportStatus, SETTLED_STATUSES } from './report-status.js';
import { Report } from './report.entity.js';

// The reports library's writes and reads by id of reports, report_events and report_duplicates,
// each through the caller's transaction. Screen read-models live in *.queries.ts files.

/** Appends a step to a report's timeline through the caller's transaction; returns its id. */
export async function recordReportEvent(manager: EntityManager, event: NewReportEvent): Promise<string> {
  const inserted = await manager.insert(ReportEvent, {
    tenantId: event.tenantId,
    reportId: event.reportId,
    kind: event.kind,
    actorType: event.actorType,
    actorId: event.actorId ?? null,
    actorName: event.actorName ?? null,
    message: event.message ?? null,
    details: (event.details ?? {}) as ReportEvent['details'] & object,
  });
  return String(inserted.identifiers[0].id);
}

/**
 * Inserts a new report under a fresh reference (`build` makes the row for it): a clash of random
 * references is vanishingly rare, and a savepoint lets the insert be tried again. Returns the report
 * as stored, with the time it was submitted.
 */
export async function insertReport(manager: EntityManager, build: (reference: string) => Report): Promise<Report> {
  for (let attempt = 0; ; attempt++) {
    const report = build(newReference());
    await manager.query('SAVEPOINT reference_attempt');
    try {
      await manager.insert(Report, report);
      [{ submitted_at: report.submittedAt }] = await manager.query(`SELECT submitted_at FROM reports WHERE id = $1`, [report.id]);
      return report;
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT reference_attempt');
      if ((error as { code?: string }).code !== '23505' || attempt >= 5) throw error;
    }
  }
}

/** The reference and reporter's e-mail of a report by id, for its confirmation page. */
export async function reportConfirmation(manager: EntityManager, reportId: string): Promise<Pick<Report, 'reference' | 'tenantId' | 'reporterEmail' | 'reporterPhone' | 'reporterContactBy'> | null> {
  return manager.findOne(Report, { where: { id: reportId }, select: { reference: true, tenantId: true, reporterEmail: true, reporterPhone: true, reporterContactBy: true } });
}

/** Changes a report's columns (the caller holds its row lock where that matters). */
export async function updateReport(manager: EntityManager, reportId: string, fields: Partial<Report>): Promise<void> {
  await manager.update(Report, { id: reportId }, fields);
}

/** Takes the report's row lock for the rest of the transaction. */
export async function lockReport(manager: EntityManager, reportId: string): Promise<void> {
  await manager.query(`SELECT id FROM reports WHERE id = $1 FOR UPDATE`, [reportId]);
}

/** A report by id, locked for change when asked; null when the transaction's force has none. */
export async function findReport(manager: EntityManager, where: { id: string } | { reference: string }, options: { lock?: boolean } = {}): Promise<Report | null> {
  return manager.findOne(Report, { where, ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
}

/** The status, claim and contact of a report by reference, for the reporter's side. */
export async function findReportForReporter<K extends keyof Report>(manager: EntityManager, reference: string, columns: K[]): Promise<Pick<Report, K> | null> {
  return manager.findOne(Report, { where: { reference }, select: Object.fromEntries(columns.map((column) => [column, true])) });
}

/** Back to the queue, unclaimed: status awaiting triage. */
export async function setAwaitingTriage(manager: EntityManager, reportId: string): Promise<void> {
  await manager.query(`UPDATE reports SET status = $2, claimed_by = NULL, claimed_by_name = NULL, claimed_at = NULL, updated_at = now() WHERE id = $1`, [reportId, ReportStatus.AWAITING_TRIAGE]);
}

/** Marks every open report past a deadline not yet marked; returns the ids, per deadline. */
export async function markMissedDeadlines(manager: EntityManager): Promise<{ triage: string[]; reply: string[] }> {
  // An UPDATE through TypeORM's query() answers [rows, affected].
  const [triage]: [{ id: string }[], number] = await manager.query(
    `UPDATE reports SET triage_breached_at = now() WHERE triaged_at IS NULL AND triage_breached_at IS NULL AND triage_by < now() AND status <> '${ReportStatus.CLOSED}' RETURNING id`,
  );
  const [reply]: [{ id: string }[], number] = await manager.query(
    `UPDATE reports SET reply_breached_at = now() WHERE first_reply_at IS NULL AND reply_breached_at IS NULL AND reply_by < now() AND status <> '${ReportStatus.CLOSED}' RETURNING id`,
  );
  return { triage: triage.map((row) => row.id), reply: reply.map((row) => row.id) };
}

/** Hands a report to another force (the transfer_report function moves its rows across forces). */
export async function moveReportToForce(manager: EntityManager, reportId: string, toTenantId: string): Promise<void> {
  await manager.query(`SELECT transfer_report($1, $2)`, [reportId, toTenantId]);
}

/** Earlier reports of the force naming one of these vehicle registrations in the last 90 days, with the ones they share. */
export async function reportsNamingVehicles(manager: EntityManager, reportId: string, registrations: string[]): Promise<{ id: string; shared: string[] }[]> {
  return manager.query(
    `SELECT id, ARRAY(SELECT unnest(vehicle_registrations) INTERSECT SELECT unnest($2::text[])) AS shared
       FROM reports WHERE vehicle_registrations && $2::text[] AND id <> $1 AND submitted_at > now() - interval '90 days'
       ORDER BY submitted_at DESC LIMIT 20`,
    [reportId, registrations],
  );
}

/** Reports of the force of one service within `metres` of a point and `hours` of a time, nearest first. */
export async function reportsNearby(
  manager: EntityManager,
  report: { id: string; serviceId: string; latitude: number; longitude: number; submittedAt: Date },
  within: { hours: number; metres: number },
): Promise<{ id: string; metres: number }[]> {
  return manager.query(
    `SELECT id, round(metres)::int AS metres FROM (
       SELECT id, 6371000 * 2 * asin(sqrt(
           power(sin(radians(((location->>'latitude')::float8 - $3) / 2)), 2)
         + cos(radians($3)) * cos(radians((location->>'latitude')::float8))
           * power(sin(radians(((location->>'longitude')::float8 - $4) / 2)), 2))) AS metres
       FROM reports
       WHERE service_id = $2 AND id <> $1 AND location IS NOT NULL
         AND submitted_at BETWEEN $5::timestamptz - make_interval(hours => $6) AND $5::timestamptz + make_interval(hours => $6)
     ) nearby WHERE metres <= $7 ORDER BY metres LIMIT 20`,
    [report.id, report.serviceId, report.latitude, report.longitude, report.submittedAt, within.hours, within.metres],
  );
}

/** Links a possible duplicate (once). */
export async function linkDuplicate(manager: EntityManager, tenantId: string, reportId: string, otherReportId: string, reason: string): Promise<void> {
  await manager.query(`INSERT INTO report_duplicates (tenant_id, report_id, other_report_id, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [tenantId, reportId, otherReportId, reason]);
}

/** A possible-duplicate link, locked for its decision; undefined when the force has none by that id. */
export async function lockDuplicateLink(manager: EntityManager, linkId: string): Promise<{ id: string; report_id: string; other_report_id: string; status: string } | undefined> {
  const [link] = await manager.query(`SELECT id, report_id, other_report_id, status FROM report_duplicates WHERE id = $1 FOR UPDATE`, [linkId]);
  return link;
}

/** Records a handler's decision on a possible-duplicate link. */
export async function decideDuplicateLink(manager: EntityManager, linkId: string, status: 'confirmed' | 'dismissed', decidedBy: string): Promise<void> {
  await manager.query(`UPDATE report_duplicates SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, [linkId, status, decidedBy]);
}

/** A report's reference by id. */
export async function referenceOf(manager: EntityManager, reportId: string): Promise<string | undefined> {
  const [report] = await manager.query(`SELECT reference FROM reports WHERE id = $1`, [reportId]);
  return report?.reference;
}

/** The channel open staff pages listen on: a report of a force changed (sent when the transaction commits). */
export const REPORT_CHANGES_CHANNEL = 'report_changes';

export interface ReportChange {
  tenantId: string;
  reportId: string;
  kind: string;
}

/** Tells listeners, when and only when the caller's transaction commits, that a report changed. No personal data in the payload. */
export async function notifyReportChange(manager: EntityManager, change: ReportChange): Promise<void> {
  await manager.query(`SELECT pg_notify($1, $2)`, [REPORT_CHANGES_CHANNEL, JSON.stringify(change)]);
}

/** A draft not yet sent and not expired, locked for the rest of the transaction; undefined otherwise. */
export async function lockLiveDraft(manager: EntityManager, draftId: string): Promise<{ id: string } | undefined> {
  const [draft] = await manager.query(`SELECT id FROM drafts WHERE id = $1 AND report_id IS NULL AND expires_at > now() FOR UPDATE`, [draftId]);
  return draft;
}

/** Of these drafts, those that will never be sent: gone, expired or sent already. */
export async function deadDrafts(manager: EntityManager, draftIds: string[]): Promise<string[]> {
  if (draftIds.length === 0) return [];
  const rows: { id: string }[] = await manager.query(
    `SELECT candidate.id::text AS id FROM unnest($1::uuid[]) AS candidate(id)
      WHERE NOT EXISTS (SELECT 1 FROM drafts d WHERE d.id = candidate.id AND d.report_id IS NULL AND d.expires_at > now())`,
    [draftIds],
  );
  return rows.map((row) => row.id);
}

/** When a settled report was settled: its last decision, or (for a report settled without one on record) its last change. */
export const SETTLED_AT = (alias = '') => `coalesce((${alias}outcome->>'decidedAt')::timestamptz, ${alias}updated_at)`;

/**
 * Up to `limit` settled reports of a service settled at or before `cutoff`, oldest first, locked for
 * deletion (a report someone is changing now is skipped this time). Submission comes before
 * settlement, so `submitted_at <= cutoff` narrows the search through the service's index first.
 */
export async function settledReportsBefore(manager: EntityManager, serviceId: string, cutoff: Date, limit: number, skip: string[]): Promise<string[]> {
  const rows: { id: string }[] = await manager.query(
    `SELECT id FROM reports
      WHERE service_id = $1 AND submitted_at <= $2 AND status = ANY ($3) AND ${SETTLED_AT()} <= $2 AND NOT (id = ANY ($5::uuid[]))
      ORDER BY submitted_at, id LIMIT $4 FOR UPDATE SKIP LOCKED`,
    [serviceId, cutoff, SETTLED_STATUSES, limit, skip],
  );
  return rows.map((row) => row.id);
}

/** Deletes a report, which takes its timeline, duplicate links and tracking codes and sessions with it (ON DELETE CASCADE). */
export async function deleteReport(manager: EntityManager, reportId: string): Promise<void> {
  const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM reports WHERE id = $1`, [reportId]);
  if (deleted !== 1) throw new Error(`report ${reportId} was not deleted`);
}

/** How many reports the transaction's force received in the last 30 days. */
export async function reportsInLast30Days(manager: EntityManager): Promise<number> {
  const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM reports WHERE submitted_at > now() - interval '30 days'`);
  return count;
}
