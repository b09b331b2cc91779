import { IsNull, Raw, type EntityManager } from 'typeorm';
import type { TenantTransactions } from '@front-counter/database';
import { Draft } from './draft.entity.js';

// The reports library's drafts (drafts), through the caller's transaction. Like every repository:
// TypeORM's entity API (find, insert, update) for plain rows, parameterised SQL for what it cannot say
// (locks that skip, ON CONFLICT, RETURNING, counts, joins); no query builder.

/** Not yet expired, by the database's clock. */
const STILL_LIVE = Raw((column) => `${column} > now()`);

/** The session's newest draft of a service that has not expired (sent or not), locked when asked. */
export async function liveDraft(manager: EntityManager, serviceId: string, sessionHash: string, options: { lock?: boolean } = {}): Promise<Draft | null> {
  return manager.findOne(Draft, {
    where: { serviceId, sessionHash, expiresAt: STILL_LIVE },
    order: { createdAt: 'DESC' },
    ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

/**
 * The same as `liveDraft` unlocked, in one round trip outside any transaction: the force is set and
 * the draft read by one function (live_draft_of_force), for a page that only shows it.
 */
export async function liveDraftAlone(transactions: TenantTransactions, tenantId: string, serviceId: string, sessionHash: string): Promise<Draft | null> {
  const [row] = await transactions.rowsOf<Record<string, unknown>>('live_draft_of_force', tenantId, [serviceId, sessionHash]);
  return row ? transactions.entityFromRow(Draft, row) : null;
}

/**
 * Saves a draft's answers in one round trip outside any transaction, only if it is still unsent, live
 * and at `revision` (as read by `liveDraftAlone`): false when it changed meanwhile, and nothing saved.
 */
export async function saveDraftAnswersIfUnchanged(transactions: TenantTransactions, tenantId: string, draft: Pick<Draft, 'id' | 'revision'>, fields: Pick<Draft, 'answers' | 'updatedAt' | 'expiresAt'>): Promise<boolean> {
  const [row] = await transactions.rowsOf<{ save_draft_answers_of_force: boolean }>('save_draft_answers_of_force', tenantId, [draft.id, draft.revision, JSON.stringify(fields.answers), fields.updatedAt, fields.expiresAt]);
  return row.save_draft_answers_of_force;
}

/** The unsent draft a resume link opens, locked; null when the link is spent or the draft expired. */
export async function draftByResumeLink(manager: EntityManager, resumeHash: string): Promise<Draft | null> {
  return manager.findOne(Draft, { where: { resumeHash, expiresAt: STILL_LIVE, reportId: IsNull() }, lock: { mode: 'pessimistic_write' } });
}

/** Clears the session's expired, unsent draft of a service, so that a new one may take its place. */
export async function deleteExpiredDraftOf(manager: EntityManager, serviceId: string, sessionHash: string): Promise<void> {
  await manager.query(`DELETE FROM drafts WHERE service_id = $1 AND session_hash = $2 AND report_id IS NULL AND expires_at <= now()`, [serviceId, sessionHash]);
}

/**
 * Inserts a new draft unless the session already has an unsent one of the service (a unique index:
 * a second tab starting at once finds the first). Returns the new draft's id, or null when it lost.
 */
export async function insertDraftOnce(manager: EntityManager, draft: Pick<Draft, 'tenantId' | 'serviceId' | 'formVersionId' | 'sessionHash' | 'answers' | 'language' | 'updatedAt' | 'expiresAt'>): Promise<string | null> {
  const [inserted]: { id: string }[] = await manager.query(
    `INSERT INTO drafts (tenant_id, service_id, form_version_id, session_hash, answers, language, updated_at, expires_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id::text`,
    [draft.tenantId, draft.serviceId, draft.formVersionId, draft.sessionHash, JSON.stringify(draft.answers), draft.language, draft.updatedAt, draft.expiresAt],
  );
  return inserted?.id ?? null;
}

export async function saveDraftAnswers(manager: EntityManager, draftId: string, fields: Pick<Draft, 'answers' | 'updatedAt' | 'expiresAt'>): Promise<void> {
  await manager.update(Draft, { id: draftId }, fields);
}

/** A sent draft keeps only the link to its report (for the confirmation page) until `keptUntil`. */
export async function markDraftSent(manager: EntityManager, draftId: string, report: { id: string; reference: string }, keptUntil: Date): Promise<void> {
  await manager.update(Draft, { id: draftId }, { reportId: report.id, reportReference: report.reference, answers: {}, resumeHash: null, updatedAt: new Date(), expiresAt: keptUntil });
}

export async function setResumeLink(manager: EntityManager, draftId: string, resumeHash: string, expiresAt: Date): Promise<void> {
  await manager.update(Draft, { id: draftId }, { resumeHash, expiresAt });
}

/**
 * A session takes a saved draft over from its resume link (which works once): this session's own
 * unsent draft of the same service gives way to it.
 */
export async function takeOverDraft(manager: EntityManager, draft: Draft, sessionHash: string): Promise<void> {
  await manager.query(`DELETE FROM drafts WHERE service_id = $1 AND session_hash = $2 AND report_id IS NULL AND id <> $3`, [draft.serviceId, sessionHash, draft.id]);
  await manager.update(Draft, { id: draft.id }, { sessionHash, resumeHash: null, updatedAt: new Date() });
}

/** Deletes the transaction's force's drafts past their expiry; returns how many. */
export async function deleteExpiredDrafts(manager: EntityManager): Promise<number> {
  return (await manager.query(`DELETE FROM drafts WHERE expires_at <= now()`))[1] ?? 0;
}

/** Up to `limit` drafts past their expiry at `now`, locked for deletion. */
export async function draftsPastExpiry(manager: EntityManager, now: Date, limit: number): Promise<{ id: string; sent: boolean }[]> {
  return manager.query(`SELECT id, report_id IS NOT NULL AS sent FROM drafts WHERE expires_at <= $1 ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, [now, limit]);
}

/** Deletes these drafts; returns how many. */
export async function deleteDrafts(manager: EntityManager, draftIds: string[]): Promise<number> {
  const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM drafts WHERE id = ANY ($1::uuid[])`, [draftIds]);
  return deleted;
}

/** Deletes a report's drafts (the one it was made from, and any that links to it); returns how many. */
export async function deleteDraftsOfReport(manager: EntityManager, reportId: string, draftId: string): Promise<number> {
  const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM drafts WHERE report_id = $1 OR id = $2`, [reportId, draftId]);
  return deleted;
}
