import type { EntityManager } from 'typeorm';

/** The force's files still waiting for their scan (the tenant is the transaction's), for metrics. */
export async function scanBacklog(manager: EntityManager): Promise<{ waiting: number; oldestWaitingSeconds: number }> {
  const [row]: { waiting: number; oldest: number | null }[] = await manager.query(
    `SELECT count(*)::int AS waiting, extract(epoch FROM now() - min(created_at))::float8 AS oldest FROM evidence_files WHERE scan_status = 'pending'`,
  );
  return { waiting: row.waiting, oldestWaitingSeconds: Math.max(0, row.oldest ?? 0) };
}
