import { In, IsNull, type EntityManager } from 'typeorm';
import { Delivery, DeliveryAttempt, Destination } from './delivery.entities.js';

// The deliveries library's reads and writes of destinations, deliveries and delivery_attempts,
// through the caller's transaction (the force's, under row-level security).

/** The force's destinations that take this event and are not retired. */
export async function destinationsFor(manager: EntityManager, eventType: string): Promise<Destination[]> {
  const all = await manager.find(Destination, { where: { retiredAt: IsNull() }, order: { name: 'ASC' } });
  return all.filter((destination) => destination.events.includes(eventType));
}

export async function destinationById(manager: EntityManager, id: string): Promise<Destination | null> {
  return manager.findOneBy(Destination, { id });
}

export async function insertDelivery(manager: EntityManager, delivery: Pick<Delivery, 'tenantId' | 'destinationId' | 'reportId' | 'messageId' | 'eventType' | 'occurredAt' | 'body'>): Promise<Delivery> {
  const inserted = await manager.insert(Delivery, delivery);
  return (await manager.findOneBy(Delivery, { id: inserted.identifiers[0].id as string }))!;
}

/** The report document (envelope `data`) last made for this destination about this report, if any. */
export async function lastDocumentFor(manager: EntityManager, destinationId: string, reportId: string): Promise<Record<string, unknown> | null> {
  const [row]: { body: string }[] = await manager.query(`SELECT body FROM deliveries WHERE destination_id = $1 AND report_id = $2 ORDER BY sequence DESC LIMIT 1`, [destinationId, reportId]);
  return row ? ((JSON.parse(row.body) as { data: Record<string, unknown> }).data ?? null) : null;
}

/** Locks one delivery; 'busy' when another transaction holds it, null when there is none. */
export async function lockDelivery(manager: EntityManager, id: string): Promise<Delivery | 'busy' | null> {
  const [row]: { id: string }[] = await manager.query(`SELECT id FROM deliveries WHERE id = $1 FOR UPDATE SKIP LOCKED`, [id]);
  if (row) return manager.findOneBy(Delivery, { id });
  return (await manager.existsBy(Delivery, { id })) ? 'busy' : null;
}

/** A delivery locked for the rest of the transaction, waiting for another transaction's lock; null when it is gone. */
export async function lockDeliveryWaiting(manager: EntityManager, id: string): Promise<Delivery | null> {
  const [row]: { id: string }[] = await manager.query(`SELECT id FROM deliveries WHERE id = $1 FOR UPDATE`, [id]);
  return row ? manager.findOneBy(Delivery, { id }) : null;
}

/** An earlier delivery of the same report to the same destination not yet delivered (pending or dead): this one waits behind it. */
export async function earlierUndelivered(manager: EntityManager, delivery: Delivery): Promise<boolean> {
  if (!delivery.reportId) return false;
  const [row] = await manager.query(
    `SELECT 1 FROM deliveries WHERE destination_id = $1 AND report_id = $2 AND sequence < $3 AND status <> 'delivered' LIMIT 1`,
    [delivery.destinationId, delivery.reportId, delivery.sequence],
  );
  return Boolean(row);
}

/** The next pending delivery of the same report to the same destination, after this one. */
export async function nextInChain(manager: EntityManager, delivery: Delivery): Promise<Delivery | null> {
  if (!delivery.reportId) return null;
  const [row]: { id: string }[] = await manager.query(
    `SELECT id FROM deliveries WHERE destination_id = $1 AND report_id = $2 AND sequence > $3 AND status = 'pending' ORDER BY sequence LIMIT 1`,
    [delivery.destinationId, delivery.reportId, delivery.sequence],
  );
  return row ? manager.findOneBy(Delivery, { id: row.id }) : null;
}

/** The first pending delivery of each report's chain to a destination (what a resumed destination sends first). */
export async function chainHeads(manager: EntityManager, destinationId: string): Promise<Delivery[]> {
  const rows: { id: string }[] = await manager.query(
    `SELECT DISTINCT ON (report_id) id, status FROM deliveries
      WHERE destination_id = $1 AND status <> 'delivered'
      ORDER BY report_id, sequence`,
    [destinationId],
  );
  const heads = await manager.findBy(Delivery, { id: In(rows.map((row) => row.id).concat('00000000-0000-0000-0000-000000000000')) });
  return heads.filter((delivery) => delivery.status === 'pending');
}

export async function recordAttempt(manager: EntityManager, attempt: Pick<DeliveryAttempt, 'tenantId' | 'deliveryId' | 'statusCode' | 'ok' | 'error' | 'durationMs'>): Promise<void> {
  await manager.insert(DeliveryAttempt, attempt);
}

export async function updateDelivery(manager: EntityManager, id: string, fields: Partial<Pick<Delivery, 'status' | 'attempts' | 'firstAttemptAt' | 'nextAttemptAt' | 'deliveredAt' | 'lastError' | 'externalReference' | 'replayedBy' | 'sendingUntil'>>): Promise<void> {
  await manager.update(Delivery, { id }, fields);
}

export async function deliveryById(manager: EntityManager, id: string): Promise<Delivery | null> {
  return manager.findOneBy(Delivery, { id });
}

export async function attemptsOf(manager: EntityManager, deliveryId: string): Promise<DeliveryAttempt[]> {
  return manager.find(DeliveryAttempt, { where: { deliveryId }, order: { id: 'ASC' } });
}

export async function setSuspended(manager: EntityManager, destinationId: string, by: string | null): Promise<void> {
  await manager.update(Destination, { id: destinationId }, by ? { suspendedAt: new Date(), suspendedBy: by } : { suspendedAt: null, suspendedBy: null });
}

/** The destinations table exists (tenant sync can run before the migration that makes it, in a dry run). */
export async function deliveriesMigrated(manager: EntityManager): Promise<boolean> {
  const [{ migrated }] = await manager.query(`SELECT to_regclass('destinations') IS NOT NULL AS migrated`);
  return migrated;
}

/** Every destination of the transaction's force, retired ones too. */
export async function forceDestinations(manager: EntityManager, tenantId: string): Promise<Destination[]> {
  return manager.find(Destination, { where: { tenantId } });
}

export async function insertDestination(manager: EntityManager, destination: Partial<Destination>): Promise<void> {
  await manager.insert(Destination, destination);
}

export async function updateDestination(manager: EntityManager, id: string, fields: Partial<Destination>): Promise<void> {
  await manager.update(Destination, { id }, fields);
}

/** Retires a destination still in use: kept for its deliveries' history, given no new ones. */
export async function retireDestination(manager: EntityManager, id: string): Promise<void> {
  await manager.update(Destination, { id, retiredAt: IsNull() }, { retiredAt: new Date() });
}
