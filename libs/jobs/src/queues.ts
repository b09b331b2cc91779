import type PgBoss from 'pg-boss';

/**
 * Every queue of work the workers do, with its retry policy. A queue's partition is created by a
 * migration (the application's role may not create tables), so a new queue here needs a migration
 * that creates it (the worker refuses to start while one is missing). A dead-letter queue comes
 * before the queues that name it.
 */
export const JOB_QUEUES = {
  /** Outbox deliveries that failed every attempt: kept for an operator (the outbox row says why). */
  'outbox-dead': { retryLimit: 0 },
  /** Deliver one outbox event (an e-mail, deleting stored objects): enqueued with the event, in its transaction. */
  outbox: { retryLimit: 9, retryDelay: 2, retryBackoff: true, expireInSeconds: 300, deadLetter: 'outbox-dead' },
  /** Scan a force's newly uploaded evidence files and make their copies: enqueued with the upload. */
  'evidence-scan': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 900 },
  /** Send one delivery to a force's back office (its own back-off decides the next attempt; these retries cover crashes). */
  delivery: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  /** A report's deadline passes: mark the force's missed deadlines (enqueued when the report is routed, due at the deadline). */
  deadline: { retryLimit: 3, retryDelay: 10, expireInSeconds: 300 },
  /** Every minute: mark passed deadlines (those changed since their job was enqueued too), scan files whose retry is due, note that the worker is alive. */
  'worker-minutely': { retryLimit: 0, expireInSeconds: 300 },
  /** Every hour (RETENTION_EVERY_MINUTES): delete what is past its time, sweep abandoned evidence. */
  'retention-run': { retryLimit: 2, retryDelay: 60, expireInSeconds: 3600 },
} as const satisfies Record<string, Omit<PgBoss.Queue, 'name'>>;

export type JobQueueName = keyof typeof JOB_QUEUES;

/** What each queue's job carries. */
export interface JobPayloads {
  outbox: { tenantId: string; eventId: string };
  'outbox-dead': { tenantId: string; eventId: string };
  'evidence-scan': { tenantId: string };
  deadline: { tenantId: string };
  delivery: { tenantId: string; deliveryId: string };
  'worker-minutely': Record<string, never>;
  'retention-run': Record<string, never>;
}

/** pg-boss's own queue for scheduled (cron) work, created with ours so the application never runs DDL. */
export const SCHEDULER_QUEUE = '__pgboss__send-it';

/** The schema pg-boss's tables live in. */
export const JOB_SCHEMA = 'pgboss';
