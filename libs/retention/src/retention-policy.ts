import type { Retention } from '@front-counter/forms';

/** The statuses of a settled report: closed, or handed on by a decision. Only these are ever deleted. */
export { SETTLED_STATUSES } from '@front-counter/reports';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a force keeps a service's reports once settled, and whose choice that is. */
export interface RetentionPeriod {
  days: number;
  source: 'national' | 'force';
}

/**
 * The period a force keeps a service's reports: the force's own where it lengthened the national
 * default (held to the national maximum, should a later national version lower it), otherwise the
 * national default. Null when the service's newest national version declares none: its reports are kept.
 */
export function retentionPeriod(national: Retention | null | undefined, forceDays: number | null | undefined): RetentionPeriod | null {
  if (!national) return null;
  if (forceDays === null || forceDays === undefined || forceDays <= national.defaultDays) return { days: national.defaultDays, source: 'national' };
  return { days: Math.min(forceDays, national.maximumDays), source: 'force' };
}

/** A report settled at or before this instant is past a retention period of `days` at `now`. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
