import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DraftKind = 'site' | 'service' | 'routing';

/** A force's unpublished change: its site's settings, or one service's overlay. Tenant data. */
@Entity({ name: 'admin_drafts' })
export class AdminDraft {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @PrimaryColumn({ type: 'text' })
  kind: DraftKind;

  /** The service id for a service's draft; empty otherwise. */
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'jsonb' })
  content: Record<string, unknown>;

  @Column({ name: 'updated_by', type: 'text' })
  updatedBy: string;

  @Column({ name: 'updated_by_name', type: 'text', nullable: true })
  updatedByName: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
