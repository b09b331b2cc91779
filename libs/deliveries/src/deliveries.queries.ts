import type { EntityManager } from 'typeorm';

export interface DeliveryRow {
  id: string;
  messageId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  externalReference: string | null;
  replayedBy: string | null;
  createdAt: Date;
  destination: string;
  reportReference: string | null;
  /** Waiting behind an earlier undelivered delivery of the same report to the same destination. */
  blocked: boolean;
}

/** The transaction's force's deliveries, newest first, optionally of one status or one report (by reference). */
export async function forceDeliveries(manager: EntityManager, filter: { status?: string | null; reference?: string | null; limit: number }): Promise<DeliveryRow[]> {
  return manager.query(
    `SELECT d.id, d.message_id AS "messageId", d.event_type AS "eventType", d.status, d.attempts, d.last_error AS "lastError",
            d.next_attempt_at AS "nextAttemptAt", d.delivered_at AS "deliveredAt", d.external_reference AS "externalReference",
            d.replayed_by AS "replayedBy", d.created_at AS "createdAt", s.name AS destination, r.reference AS "reportReference",
            EXISTS (SELECT 1 FROM deliveries e WHERE e.destination_id = d.destination_id AND e.report_id = d.report_id AND e.sequence < d.sequence AND e.status <> 'delivered') AS blocked
       FROM deliveries d
       JOIN destinations s ON s.id = d.destination_id
       LEFT JOIN reports r ON r.id = d.report_id
      WHERE ($1::text IS NULL OR d.status = $1) AND ($2::text IS NULL OR r.reference = $2)
      ORDER BY d.sequence DESC
      LIMIT $3`,
    [filter.status ?? null, filter.reference ?? null, filter.limit],
  );
}

export interface AttemptRow {
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
}

/** The attempts of these deliveries, oldest first. */
export async function attemptsOfDeliveries(manager: EntityManager, deliveryIds: string[]): Promise<AttemptRow[]> {
  return manager.query(
    `SELECT delivery_id AS "deliveryId", attempted_at AS "attemptedAt", status_code AS "statusCode", ok, error, duration_ms AS "durationMs"
       FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY id`,
    [deliveryIds],
  );
}

export interface DestinationRow {
  id: string;
  name: string;
  type: 'webhook' | 'email';
  address: string;
  events: string[];
  suspendedAt: Date | null;
  suspendedBy: string | null;
  retired: boolean;
  pending: number;
  dead: number;
}

/** The transaction's force's destinations with how many deliveries wait and how many are dead letters. */
export async function forceDestinationsWithCounts(manager: EntityManager): Promise<DestinationRow[]> {
  return manager.query(
    `SELECT s.id, s.name, s.type,
            COALESCE(s.url, CASE WHEN s.url_env IS NOT NULL THEN 'the address in ' || s.url_env END, s.address) AS address,
            s.events, s.suspended_at AS "suspendedAt", s.suspended_by AS "suspendedBy", s.retired_at IS NOT NULL AS retired,
            count(d.id) FILTER (WHERE d.status = 'pending')::int AS pending,
            count(d.id) FILTER (WHERE d.status = 'dead')::int AS dead
       FROM destinations s LEFT JOIN deliveries d ON d.destination_id = s.id
      GROUP BY s.id ORDER BY s.name`,
  );
}

export interface DestinationBacklog {
  destination: string;
  /** Pending deliveries: waiting for their first attempt, a retry, an earlier one of the same report, or a suspended destination. */
  waiting: number;
  /** Age of the oldest pending delivery (since it was made); 0 when none waits. */
  oldestWaitingSeconds: number;
  /** Dead letters: given up on after every attempt, waiting for a replay. */
  dead: number;
  suspended: boolean;
}

/**
 * The transaction's force's undelivered deliveries per destination, for the worker's metrics: every
 * destination in use (a retired one only while it still has some). Reads only undelivered rows,
 * through the partial index deliveries_chain, however many have been delivered.
 */
export async function deliveryBacklog(manager: EntityManager): Promise<DestinationBacklog[]> {
  const rows: { destination: string; waiting: number; oldest: number | null; dead: number; suspended: boolean }[] = await manager.query(
    `SELECT s.name AS destination,
            count(d.id) FILTER (WHERE d.status = 'pending')::int AS waiting,
            extract(epoch FROM now() - min(d.created_at) FILTER (WHERE d.status = 'pending'))::float8 AS oldest,
            count(d.id) FILTER (WHERE d.status = 'dead')::int AS dead,
            s.suspended_at IS NOT NULL AS suspended
       FROM destinations s
       LEFT JOIN deliveries d ON d.destination_id = s.id AND d.status <> 'delivered'
      WHERE s.retired_at IS NULL OR d.id IS NOT NULL
      GROUP BY s.id ORDER BY s.name`,
  );
  return rows.map((row) => ({ destination: row.destination, waiting: row.waiting, oldestWaitingSeconds: Math.max(0, row.oldest ?? 0), dead: row.dead, suspended: row.suspended }));
}
