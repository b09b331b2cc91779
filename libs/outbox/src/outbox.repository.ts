import { In, IsNull, LessThan, Raw, type EntityManager } from 'typeorm';
import { currentTraceparent } from '@front-counter/logging';
import { OutboxEvent } from './outbox-event.entity.js';
import type { OutboxEventType, OutboxPayloads } from './outbox.js';

// The outbox's writes and reads of outbox_events, through the caller's transaction.

/** Writes an event through the caller's transaction: it exists if and only if the change commits. It keeps the request's trace. */
export async function enqueue<Type extends OutboxEventType>(manager: EntityManager, tenantId: string, type: Type, payload: OutboxPayloads[Type]): Promise<void> {
  await manager.insert(OutboxEvent, { tenantId, type, payload, traceParent: currentTraceparent() ?? null });
}

/** Up to `limit` events of the transaction's force due for delivery, of these types, oldest first. */
export async function dueEvents(manager: EntityManager, types: string[], maxAttempts: number, limit: number): Promise<OutboxEvent[]> {
  return manager.find(OutboxEvent, {
    where: { deliveredAt: IsNull(), availableAt: Raw((column) => `${column} <= now()`), attempts: LessThan(maxAttempts), type: In(types.length ? types : ['']) },
    order: { id: 'ASC' },
    take: limit,
  });
}

/** Locks one event still due; false when another worker has it or it is no longer due. */
export async function lockDueEvent(manager: EntityManager, id: string, maxAttempts: number): Promise<boolean> {
  const locked = await manager.query(`SELECT id FROM outbox_events WHERE id = $1 AND delivered_at IS NULL AND available_at <= now() AND attempts < $2 FOR UPDATE SKIP LOCKED`, [id, maxAttempts]);
  return locked.length > 0;
}

/**
 * Marks an event delivered. A delivered e-mail's payload may hold an address or a link token, and a
 * deletion's names what was deleted: neither is kept once delivered.
 */
export async function markDelivered(manager: EntityManager, id: string): Promise<void> {
  await manager.query(
    `UPDATE outbox_events SET delivered_at = now(), attempts = attempts + 1, last_error = NULL,
       payload = CASE WHEN type LIKE 'email.%' OR type = 'evidence.delete-objects' THEN jsonb_build_object('delivered', true) ELSE payload END
     WHERE id = $1`,
    [id],
  );
}

/** Records a failed attempt; the next waits twice as long as the last (at most an hour). */
export async function markFailed(manager: EntityManager, id: string, error: string): Promise<void> {
  await manager.query(`UPDATE outbox_events SET attempts = attempts + 1, last_error = $2, available_at = now() + make_interval(secs => least(3600, 2 ^ attempts)) WHERE id = $1`, [id, error]);
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
