/** Where a report is in its life; the one list every library uses (the api publishes it as the ReportStatus enum). */
export enum ReportStatus {
  AWAITING_TRIAGE = 'awaiting-triage',
  AWAITING_REPORTER = 'awaiting-reporter',
  ALLOCATED = 'allocated',
  DISPATCHED = 'dispatched',
  REFERRED = 'referred',
  CLOSED = 'closed',
}

/** Statuses in which the force has settled what happens to a report. */
export const SETTLED_STATUSES = [ReportStatus.ALLOCATED, ReportStatus.DISPATCHED, ReportStatus.REFERRED, ReportStatus.CLOSED] as const;
