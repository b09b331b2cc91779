import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FormAnswers } from '@front-counter/forms';

/** A submitted report: its answers as validated, pinned to the exact form version that produced them. */
@Entity({ name: 'reports' })
export class Report {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'service_id', type: 'text' })
  serviceId: string;

  @Column({ name: 'form_version_id', type: 'uuid' })
  formVersionId: string;

  @Column({ name: 'draft_id', type: 'uuid' })
  draftId: string;

  @Column({ type: 'jsonb' })
  answers: FormAnswers;

  @Column({ type: 'text', array: true })
  flags: string[];

  @Column({ name: 'reporter_name', type: 'text', nullable: true })
  reporterName: string | null;

  @Column({ name: 'reporter_email', type: 'text', nullable: true })
  reporterEmail: string | null;

  @Column({ name: 'reporter_phone', type: 'text', nullable: true })
  reporterPhone: string | null;

  @Column({ type: 'text' })
  language: 'en' | 'cy';

  @Column({ name: 'submitted_at', type: 'timestamptz', insert: false, update: false })
  submittedAt: Date;
}
