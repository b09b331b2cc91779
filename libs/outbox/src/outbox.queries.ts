import type { EntityManager } from 'typeorm';
import { OUTBOX_MAX_ATTEMPTS } from './outbox-dispatcher.js';

export interface OutboxBacklog {
  type: string;
  /** Waiting to be delivered, including those waiting to be retried. */
  waiting: number;
  oldestWaitingSeconds: number;
  /** Given up on after OUTBOX_MAX_ATTEMPTS: they need an operator. */
  deadLetters: number;
}

/** The force's undelivered events of the given types (the tenant is the transaction's), for metrics. */
export async function outboxBacklog(manager: EntityManager, types: string[]): Promise<OutboxBacklog[]> {
  const rows: { type: string; waiting: string; oldest: number | null; dead: string }[] = await manager.query(
    `SELECT type,
            count(*) FILTER (WHERE attempts < $2) AS waiting,
            extract(epoch FROM now() - min(created_at) FILTER (WHERE attempts < $2))::float8 AS oldest,
            count(*) FILTER (WHERE attempts >= $2) AS dead
       FROM outbox_events
      WHERE delivered_at IS NULL AND type = ANY($1)
      GROUP BY type`,
    [types, OUTBOX_MAX_ATTEMPTS],
  );
  return rows.map((row) => ({ type: row.type, waiting: Number(row.waiting), oldestWaitingSeconds: Math.max(0, row.oldest ?? 0), deadLetters: Number(row.dead) }));
}
