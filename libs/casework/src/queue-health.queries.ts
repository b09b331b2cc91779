import type { EntityManager } from 'typeorm';
import { ReportStatus } from '@front-counter/reports';

/** Within this many minutes of its triage deadline an untriaged report is "due soon" (the at-risk alert). */
export const DUE_SOON_MINUTES = 15;

export interface QueueHealth {
  awaitingTriage: number;
  oldestAwaitingMinutes: number;
  /** Untriaged, deadline in the next DUE_SOON_MINUTES. */
  triageDueSoon: number;
  /** Untriaged, deadline passed. */
  triageOverdue: number;
  /** Deadlines that passed today (Europe/London), triaged since or not. */
  missedToday: { triage: number; reply: number };
}

/**
 * A force's triage queue at a glance (the tenant is the transaction's), for the metrics operators
 * alert on: one statement, each part on an index of its own.
 */
export async function queueHealth(manager: EntityManager): Promise<QueueHealth> {
  const [row]: { awaiting: number; oldest: number | null; due_soon: number; overdue: number; triage_missed: number; reply_missed: number }[] = await manager.query(
    `WITH today AS (SELECT date_trunc('day', now() AT TIME ZONE 'Europe/London') AT TIME ZONE 'Europe/London' AS start)
     SELECT
       (SELECT count(*)::int FROM reports WHERE status = '${ReportStatus.AWAITING_TRIAGE}') AS awaiting,
       (SELECT extract(epoch FROM now() - min(submitted_at))::float8 / 60 FROM reports WHERE status = '${ReportStatus.AWAITING_TRIAGE}') AS oldest,
       (SELECT count(*)::int FROM reports WHERE triaged_at IS NULL AND status <> '${ReportStatus.CLOSED}' AND triage_by >= now() AND triage_by < now() + make_interval(mins => $1)) AS due_soon,
       (SELECT count(*)::int FROM reports WHERE triaged_at IS NULL AND status <> '${ReportStatus.CLOSED}' AND triage_by < now()) AS overdue,
       (SELECT count(*)::int FROM reports, today WHERE triage_breached_at >= today.start) AS triage_missed,
       (SELECT count(*)::int FROM reports, today WHERE reply_breached_at >= today.start) AS reply_missed`,
    [DUE_SOON_MINUTES],
  );
  return {
    awaitingTriage: row.awaiting,
    oldestAwaitingMinutes: Math.max(0, row.oldest ?? 0),
    triageDueSoon: row.due_soon,
    triageOverdue: row.overdue,
    missedToday: { triage: row.triage_missed, reply: row.reply_missed },
  };
}
