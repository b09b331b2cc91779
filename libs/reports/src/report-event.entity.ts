import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
