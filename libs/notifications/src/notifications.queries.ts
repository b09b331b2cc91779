import type { EntityManager } from 'typeorm';

// What a message to a reporter says, read in the transaction that sends it.

export interface ReportRow {
  reference: string;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_phone: string | null;
  reporter_contact_by: string | null;
  language: 'en' | 'cy';
  title: { en: string; cy?: string };
}

/** The report a message is about, with its service's title. */
export async function reportOf(manager: EntityManager, reportId: string): Promise<ReportRow | undefined> {
  const [report] = await manager.query(
    `SELECT r.reference, r.reporter_name, r.reporter_email, r.reporter_phone, r.reporter_contact_by, r.language, f.form->'title' AS title FROM reports r JOIN form_versions f ON f.id = r.form_version_id WHERE r.id = $1`,
    [reportId],
  );
  return report;
}

/** A draft's expiry while it is not yet sent; undefined once sent or gone. */
export async function unsentDraftExpiry(manager: EntityManager, draftId: string): Promise<{ expires_at: Date } | undefined> {
  const [draft] = await manager.query(`SELECT expires_at FROM drafts WHERE id = $1 AND report_id IS NULL`, [draftId]);
  return draft;
}

/** One step of a report's timeline, by id. */
export async function timelineStep(manager: EntityManager, eventId: string, reportId: string): Promise<{ kind: string; message: string | null } | undefined> {
  const [event] = await manager.query(`SELECT kind, message FROM report_events WHERE id = $1 AND report_id = $2`, [eventId, reportId]);
  return event;
}

/** The message of a report's latest transfer. */
export async function latestTransfer(manager: EntityManager, reportId: string): Promise<{ message: string | null } | undefined> {
  const [transfer] = await manager.query(`SELECT message FROM report_events WHERE report_id = $1 AND kind = 'transferred' ORDER BY id DESC LIMIT 1`, [reportId]);
  return transfer;
}
