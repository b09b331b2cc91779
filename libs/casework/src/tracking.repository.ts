import type { EntityManager } from 'typeorm';

// Casework owns the reporter's tracking: one-time codes (tracking_codes) and the sessions they open
// (tracking_sessions). Other libraries ask here for a session's report, never query these tables.

/** Codes for a report in the last hour that others' tries have not used up. */
export async function recentCodes(manager: EntityManager, reportId: string, attemptsInAll: number): Promise<number> {
  const [{ recent }] = await manager.query(
    `SELECT count(*)::int AS recent FROM tracking_codes WHERE report_id = $1 AND created_at > now() - interval '1 hour' AND attempts < $2`,
    [reportId, attemptsInAll],
  );
  return recent;
}

export async function insertCode(manager: EntityManager, code: { tenantId: string; reportId: string; codeHash: string; minutes: number }): Promise<void> {
  await manager.query(`INSERT INTO tracking_codes (tenant_id, report_id, code_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4))`, [
    code.tenantId,
    code.reportId,
    code.codeHash,
    code.minutes,
  ]);
}

/** The report's newest live code, locked, with the tries of one client (`clientHash`) and of all. */
export async function latestCode(manager: EntityManager, reportId: string, clientHash: string): Promise<{ id: string; code_hash: string; attempts: number; mine: number } | undefined> {
  const [latest] = await manager.query(
    `SELECT id, code_hash, attempts, COALESCE((client_attempts ->> $2)::int, 0) AS mine
       FROM tracking_codes WHERE report_id = $1 AND used_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [reportId, clientHash],
  );
  return latest;
}

export async function countTry(manager: EntityManager, codeId: string, clientHash: string, clientTries: number): Promise<void> {
  await manager.query(`UPDATE tracking_codes SET attempts = attempts + 1, client_attempts = client_attempts || jsonb_build_object($2::text, $3::int) WHERE id = $1`, [codeId, clientHash, clientTries]);
}

export async function markCodeUsed(manager: EntityManager, codeId: string): Promise<void> {
  await manager.query(`UPDATE tracking_codes SET used_at = now() WHERE id = $1`, [codeId]);
}

/** Opens a session (dropping the report's expired ones). */
export async function openSession(manager: EntityManager, session: { tokenHash: string; tenantId: string; reportId: string; expiresAt: Date }): Promise<void> {
  await manager.query(`DELETE FROM tracking_sessions WHERE report_id = $1 AND expires_at <= now()`, [session.reportId]);
  await manager.query(`INSERT INTO tracking_sessions (token_hash, tenant_id, report_id, expires_at) VALUES ($1, $2, $3, $4)`, [session.tokenHash, session.tenantId, session.reportId, session.expiresAt]);
}

/** The report of an unexpired session, by the hash of its token; undefined when there is none. */
export async function sessionReportId(manager: EntityManager, tokenHash: string): Promise<string | undefined> {
  const [session] = await manager.query(`SELECT report_id FROM tracking_sessions WHERE token_hash = $1 AND expires_at > now()`, [tokenHash]);
  return session?.report_id;
}
