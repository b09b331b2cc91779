import type { EntityManager } from 'typeorm';

// The reporter's tracking page as a read-model: their report's timeline and its service's title.

export interface TimelineRow {
  kind: string;
  occurredAt: Date;
  message: string | null;
  details: Record<string, unknown>;
}

/** Every step of a report's timeline, oldest first (the caller keeps those the reporter may see). */
export async function reportTimeline(manager: EntityManager, reportId: string): Promise<TimelineRow[]> {
  return manager.query(`SELECT kind, occurred_at AS "occurredAt", message, details FROM report_events WHERE report_id = $1 ORDER BY id`, [reportId]);
}

/** The title of the service a report was made with, as its form version says. */
export async function serviceTitle(manager: EntityManager, formVersionId: string): Promise<{ en: string; cy?: string } | undefined> {
  const [service] = await manager.query(`SELECT form->'title' AS title FROM form_versions WHERE id = $1`, [formVersionId]);
  return service?.title;
}
