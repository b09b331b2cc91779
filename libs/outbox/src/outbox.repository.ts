import { In, IsNull, type EntityManager } from 'typeorm';
import { sendJob } from '@front-counter/jobs';
import { currentTraceparent } from '@front-counter/logging';
import { OutboxEvent } from './outbox-event.entity.js';
import type { OutboxEventType, OutboxPayloads } from './outbox.js';

// The outbox's writes and reads of outbox_events, through the caller's transaction.

/**
 * Writes an event, and the job that delivers it, through the caller's transaction: both exist if and
 * only if the change commits. It keeps the request's trace.
 */
export async function enqueue<Type extends OutboxEventType>(manager: EntityManager, tenantId: string, type: Type, payload: OutboxPayloads[Type]): Promise<void> {
  const inserted = await manager.insert(OutboxEvent, { tenantId, type, payload, traceParent: currentTraceparent() ?? null, queued: true });
  await sendJob(manager, 'outbox', { tenantId, eventId: String(inserted.identifiers[0].id) });
}

/**
 * The transaction's force's undelivered events of these types that have no job (written before jobs
 * moved to pg-boss, or whose job found no consumer for its type), oldest first.
 */
export async function unqueuedEvents(manager: EntityManager, types: string[], limit: number): Promise<OutboxEvent[]> {
  return manager.find(OutboxEvent, { where: { queued: false, deliveredAt: IsNull(), type: In(types.length ? types : ['']) }, order: { id: 'ASC' }, take: limit });
}

/** An event whose job found no consumer for its type waits, without a job, for a worker that has one. */
export async function markUnqueued(manager: EntityManager, id: string): Promise<void> {
  await manager.query(`UPDATE outbox_events SET queued = false WHERE id = $1`, [id]);
}

/** Enqueues the job of an event written before jobs moved to pg-boss, once. */
export async function queueEvent(manager: EntityManager, event: Pick<OutboxEvent, 'id' | 'tenantId'>): Promise<void> {
  const [, updated]: [unknown, number] = await manager.query(`UPDATE outbox_events SET queued = true WHERE id = $1 AND NOT queued`, [event.id]);
  if (updated === 1) await sendJob(manager, 'outbox', { tenantId: event.tenantId, eventId: String(event.id) });
}

/** Locks one undelivered event; 'busy' when another transaction holds it, null when it was delivered or deleted (retention). */
export async function lockUndeliveredEvent(manager: EntityManager, id: string): Promise<OutboxEvent | 'busy' | null> {
  const [row]: { id: string }[] = await manager.query(`SELECT id FROM outbox_events WHERE id = $1 AND delivered_at IS NULL FOR UPDATE SKIP LOCKED`, [id]);
  if (row) return manager.findOneBy(OutboxEvent, { id });
  return (await manager.exists(OutboxEvent, { where: { id, deliveredAt: IsNull() } })) ? 'busy' : null;
}

/**
 * Marks an event delivered. A delivered e-mail's payload may hold an address or a link token, a
 * deletion's names what was deleted, and an update's holds the reporter's words: none is kept once delivered.
 */
export async function markDelivered(manager: EntityManager, id: string): Promise<void> {
  await manager.query(
    `UPDATE outbox_events SET delivered_at = now(), attempts = attempts + 1, last_error = NULL,
       payload = CASE WHEN type LIKE 'email.%' OR type = 'evidence.delete-objects' THEN jsonb_build_object('delivered', true)
                      WHEN type = 'report.updated' THEN payload - 'message' ELSE payload END
     WHERE id = $1`,
    [id],
  );
}

/**
 * Locks the undelivered events of these types about the same report written before this one, oldest
 * first, waiting for any another worker is delivering (which then drop out, delivered).
 */
export async function lockEarlierUndeliveredAbout(manager: EntityManager, id: string, types: readonly string[], reportId: string): Promise<OutboxEvent[]> {
  const rows: { id: string }[] = await manager.query(
    `SELECT id FROM outbox_events WHERE id < $1 AND delivered_at IS NULL AND type = ANY($2) AND payload->>'reportId' = $3 ORDER BY id FOR UPDATE`,
    [id, [...types], reportId],
  );
  return rows.length ? manager.find(OutboxEvent, { where: { id: In(rows.map((row) => row.id)) }, order: { id: 'ASC' } }) : [];
}

/** Records a failed attempt (the job queue decides when the next is). */
export async function markFailed(manager: EntityManager, id: string, error: string): Promise<void> {
  await manager.query(`UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error]);
}

/**
 * Deletes up to `limit` events of the transaction's force delivered before `deliveredBefore`; returns
 * how many. Undelivered events are never touched (waiting, retrying or dead letters: the metrics
 * count them and the alerts fire on them), and the database refuses to delete them anyway.
 */
export async function pruneDelivered(manager: EntityManager, deliveredBefore: Date, limit: number): Promise<number> {
  const [, deleted]: [unknown, number] = await manager.query(
    `DELETE FROM outbox_events WHERE id IN (
       SELECT id FROM outbox_events WHERE delivered_at IS NOT NULL AND delivered_at < $1 ORDER BY delivered_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [deliveredBefore, limit],
  );
  return deleted;
}

/**
 * Deletes every event of the transaction's force about these reports or drafts, delivered or not,
 * once the reports or drafts themselves are gone (an event about something that no longer exists
 * cannot be delivered, and its payload names it). Returns how many of each.
 */
export async function deleteEventsAbout(manager: EntityManager, about: { reportIds?: string[]; draftIds?: string[] }): Promise<{ delivered: number; undelivered: number }> {
  const [rows]: [{ delivered: boolean }[], number] = await manager.query(
    `DELETE FROM outbox_events
      WHERE (payload ? 'reportId' AND payload->>'reportId' = ANY ($1::text[])) OR (payload ? 'draftId' AND payload->>'draftId' = ANY ($2::text[]))
      RETURNING delivered_at IS NOT NULL AS delivered`,
    [about.reportIds ?? [], about.draftIds ?? []],
  );
  const delivered = rows.filter((row) => row.delivered).length;
  return { delivered, undelivered: rows.length - delivered };
}

/** Drops the one-time codes from a report's tracking-code e-mails once sent (only their hash is kept, by casework). */
export async function forgetTrackingCodes(manager: EntityManager, reportId: string): Promise<void> {
  await manager.query(`UPDATE outbox_events SET payload = payload - 'code' WHERE type = 'email.tracking-code' AND payload->>'reportId' = $1 AND payload ? 'code'`, [reportId]);
}

/** How many events of a type about one subject (a payload field's value) were written in the last hour, sent or not. */
export async function eventsInLastHour(manager: EntityManager, type: OutboxEventType, about: { field: string; value: string }): Promise<number> {
  const [{ recent }] = await manager.query(`SELECT count(*)::int AS recent FROM outbox_events WHERE type = $1 AND payload->>$2 = $3 AND created_at > now() - interval '1 hour'`, [type, about.field, about.value]);
  return recent;
}
