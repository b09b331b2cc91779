import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An event written in the same transaction as the change it announces, delivered at least once afterwards. */
@Entity({ name: 'outbox_events' })
export class OutboxEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'jsonb' })
  payload: object;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false })
  createdAt: Date;

  @Column({ type: 'integer', insert: false })
  attempts: number;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true, insert: false })
  deliveredAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true, insert: false })
  lastError: string | null;

  /** A job was enqueued for it (every event since jobs moved to pg-boss; older ones are enqueued by the worker once). */
  @Column({ type: 'boolean', default: true })
  queued: boolean;

  /** The W3C traceparent of the request that caused the event: its delivery logs under the same trace. */
  @Column({ name: 'trace_parent', type: 'text', nullable: true })
  traceParent: string | null;
}
