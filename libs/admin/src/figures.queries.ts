import type { EntityManager } from 'typeorm';

// A force's figures as a read-model: counts of its reports, never their contents.

export interface DailyCount {
  day: string;
  serviceId: string;
  reports: number;
}

/** A force's figures over a period: counts only, never a report's contents. */
export interface ForceFigures {
  from: Date;
  to: Date;
  reports: number;
  perServicePerDay: DailyCount[];
  /** Reports whose triage deadline has passed or that were triaged: the base of the triage share. */
  triageDue: number;
  triagedWithinTarget: number;
  /** triagedWithinTarget / triageDue, or null when nothing was due. */
  triagedWithinTargetShare: number | null;
  /** Reports at least 48 hours old or replied to: the base of the reply share. */
  replyDue: number;
  repliedWithin48Hours: number;
  repliedWithin48HoursShare: number | null;
  triageBreaches: number;
  replyBreaches: number;
  /** Reports by channel. Every report made through Front Counter is online; reports from other channels are not known here. */
  channels: { channel: string; reports: number }[];
}

/** The figures of the transaction's force over the last `days` days. */
export async function figures(manager: EntityManager, days: number): Promise<ForceFigures> {
  const window = `submitted_at > now() - make_interval(days => $1)`;
  const [totals] = await manager.query(
    `SELECT
       now() - make_interval(days => $1) AS "from", now() AS "to",
       count(*)::int AS reports,
       count(*) FILTER (WHERE triaged_at IS NOT NULL OR triage_by <= now())::int AS "triageDue",
       count(*) FILTER (WHERE triaged_at IS NOT NULL AND triaged_at <= triage_by)::int AS "triagedWithinTarget",
       count(*) FILTER (WHERE first_reply_at IS NOT NULL OR submitted_at <= now() - interval '48 hours')::int AS "replyDue",
       count(*) FILTER (WHERE first_reply_at IS NOT NULL AND first_reply_at <= submitted_at + interval '48 hours')::int AS "repliedWithin48Hours",
       count(*) FILTER (WHERE triage_breached_at IS NOT NULL)::int AS "triageBreaches",
       count(*) FILTER (WHERE reply_breached_at IS NOT NULL)::int AS "replyBreaches"
     FROM reports WHERE ${window}`,
    [days],
  );
  const perDay: { day: string; serviceId: string; reports: number }[] = await manager.query(
    `SELECT to_char((submitted_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS day, service_id AS "serviceId", count(*)::int AS reports
     FROM reports WHERE ${window} GROUP BY 1, 2 ORDER BY 1, 2`,
    [days],
  );
  const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 1000 : null);
  return {
    from: totals.from,
    to: totals.to,
    reports: totals.reports,
    perServicePerDay: perDay,
    triageDue: totals.triageDue,
    triagedWithinTarget: totals.triagedWithinTarget,
    triagedWithinTargetShare: share(totals.triagedWithinTarget, totals.triageDue),
    replyDue: totals.replyDue,
    repliedWithin48Hours: totals.repliedWithin48Hours,
    repliedWithin48HoursShare: share(totals.repliedWithin48Hours, totals.replyDue),
    triageBreaches: totals.triageBreaches,
    replyBreaches: totals.replyBreaches,
    channels: totals.reports > 0 ? [{ channel: 'online', reports: totals.reports }] : [],
  };
}
