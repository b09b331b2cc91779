import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FormAnswers } from '@front-counter/forms';

/** A report in progress: answers kept server-side, tied to a session, pinned to the form version that started it. */
@Entity({ name: 'drafts' })
export class Draft {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ name: 'service_id', type: 'text' })
  serviceId: string;

  @Column({ name: 'form_version_id', type: 'uuid' })
  formVersionId: string;

  /** SHA-256 of the session token in the reporter's signed cookie; the token itself is never stored. */
  @Column({ name: 'session_hash', type: 'text' })
  sessionHash: string;

  /** SHA-256 of the "save and come back later" token, once asked for. */
  @Column({ name: 'resume_hash', type: 'text', nullable: true })
  resumeHash: string | null;

  @Column({ type: 'jsonb' })
  answers: FormAnswers;

  @Column({ type: 'text' })
  language: 'en' | 'cy';

  @Column({ name: 'report_id', type: 'uuid', nullable: true })
  reportId: string | null;

  /** Kept for the confirmation page once submitted, wherever the report went. */
  @Column({ name: 'report_reference', type: 'text', nullable: true })
  reportReference: string | null;

  /** The force a report made from this draft was transferred to (the confirmation page names it). */
  @Column({ name: 'transferred_to', type: 'uuid', nullable: true })
  transferredTo: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** How many times the draft has been changed (a trigger counts every update): a save can say "only if still at this one". */
  @Column({ type: 'integer', insert: false, update: false })
  revision: number;
}
