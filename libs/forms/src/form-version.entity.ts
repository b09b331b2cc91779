import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CompiledForm } from './compile.js';
import type { ServiceOverlay } from './overlay.schema.js';

/** An immutable published effective form of one force's service: drafts and reports point at the one that made them. */
@Entity({ name: 'form_versions' })
export class FormVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'service_id', type: 'text' })
  serviceId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'national_version', type: 'integer' })
  nationalVersion: number;

  @Column({ type: 'jsonb' })
  form: CompiledForm;

  @Column({ type: 'jsonb', nullable: true })
  overlay: ServiceOverlay | null;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'published_at', type: 'timestamptz', insert: false })
  publishedAt: Date;

  /** Who published it: a staff member's subject, or tenant-sync for versions made from tenants/ files. */
  @Column({ name: 'published_by', type: 'text' })
  publishedBy: string;

  @Column({ name: 'published_by_name', type: 'text', nullable: true })
  publishedByName: string | null;

  /** Why, in the publisher's words, or what the product did (e.g. "Rolled back to version 2"). */
  @Column({ type: 'text', nullable: true })
  note: string | null;
}
