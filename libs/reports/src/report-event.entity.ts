import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EntityManager } from 'typeorm';

export type ReportEventActor = 'public' | 'staff' | 'system';

/** One step in a report's timeline. Those with a message are the ones the reporter sees. */
@Entity({ name: 'report_events' })
export class ReportEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'report_id', type: 'uuid' })
  reportId: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', insert: false, update: false })
  occurredAt: Date;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'actor_type', type: 'text' })
  actorType: ReportEventActor;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName: string | null;

  /** Written for the reporter: shown when they track the report, and e-mailed. */
  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}

export interface NewReportEvent {
  tenantId: string;
  reportId: string;
  kind: string;
  actorType: ReportEventActor;
  actorId?: string | null;
  actorName?: string | null;
  message?: string | null;
  details?: Record<string, unknown>;
}

/** Appends a step to a report's timeline through the caller's transaction; returns its id. */
export async function recordReportEvent(manager: EntityManager, event: NewReportEvent): Promise<string> {
  const inserted = await manager.insert(ReportEvent, {
    tenantId: event.tenantId,
    reportId: event.reportId,
    kind: event.kind,
    actorType: event.actorType,
    actorId: event.actorId ?? null,
    actorName: event.actorName ?? null,
    message: event.message ?? null,
    details: (event.details ?? {}) as ReportEvent['details'] & object,
  });
  return String(inserted.identifiers[0].id);
}

/** A step in a report's timeline: a file sent with it could not be processed (damaged, or not the image its first bytes claim). */
export const FILE_NOT_PROCESSED = 'evidence-unprocessable';

/**
 * Tells the reporter, in their timeline, that a file they sent with the report could not be processed,
 * and open staff pages that the report changed. Written once per file, by whichever comes second: the
 * worker giving up on a file already sent with the report, or the report being sent with a file the
 * worker had already given up on (the row lock on the file orders the two).
 */
export async function recordFileNotProcessed(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }): Promise<void> {
  await recordReportEvent(manager, { tenantId: file.tenantId, reportId: file.reportId, kind: FILE_NOT_PROCESSED, actorType: 'system', details: { fileId: file.fileId, name: file.name } });
  await notifyReportChange(manager, { tenantId: file.tenantId, reportId: file.reportId, kind: FILE_NOT_PROCESSED });
}

/** The channel open staff pages listen on: a report of a force changed (sent when the transaction commits). */
export const REPORT_CHANGES_CHANNEL = 'report_changes';

export interface ReportChange {
  tenantId: string;
  reportId: string;
  kind: string;
}

/** Tells listeners, when and only when the caller's transaction commits, that a report changed. No personal data in the payload. */
export async function notifyReportChange(manager: EntityManager, change: ReportChange): Promise<void> {
  await manager.query(`SELECT pg_notify($1, $2)`, [REPORT_CHANGES_CHANNEL, JSON.stringify(change)]);
}
