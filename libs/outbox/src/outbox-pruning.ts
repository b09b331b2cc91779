import type { EntityManager } from 'typeorm';

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
