import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FormAnswers } from '@front-counter/forms';
import { ReportStatus } from './report-status.js';

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

  /** How the reporter asked to hear from us (`text`: text messages where the force sends them); null: e-mail. */
  @Column({ name: 'reporter_contact_by', type: 'text', nullable: true })
  reporterContactBy: string | null;

  @Column({ type: 'text' })
  language: 'en' | 'cy';

  @Column({ name: 'submitted_at', type: 'timestamptz', insert: false, update: false })
  submittedAt: Date;

  @Column({ type: 'text', default: ReportStatus.AWAITING_TRIAGE })
  status: ReportStatus;

  @Column({ type: 'text' })
  queue: string;

  /** 1 is the most urgent. */
  @Column({ type: 'smallint' })
  priority: number;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  /** The routing rule that matched at submission (null: the national default). */
  @Column({ name: 'routing_rule', type: 'text', nullable: true })
  routingRule: string | null;

  @Column({ name: 'routing_rule_set_id', type: 'uuid', nullable: true })
  routingRuleSetId: string | null;

  @Column({ name: 'triage_by', type: 'timestamptz' })
  triageBy: Date;

  @Column({ name: 'reply_by', type: 'timestamptz' })
  replyBy: Date;

  @Column({ name: 'triaged_at', type: 'timestamptz', nullable: true })
  triagedAt: Date | null;

  @Column({ name: 'first_reply_at', type: 'timestamptz', nullable: true })
  firstReplyAt: Date | null;

  @Column({ name: 'triage_breached_at', type: 'timestamptz', nullable: true })
  triageBreachedAt: Date | null;

  @Column({ name: 'reply_breached_at', type: 'timestamptz', nullable: true })
  replyBreachedAt: Date | null;

  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimedBy: string | null;

  @Column({ name: 'claimed_by_name', type: 'text', nullable: true })
  claimedByName: string | null;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  /** Where it happened, when the reporter gave a point (WGS84). */
  @Column({ type: 'jsonb', nullable: true })
  location: GeoPoint | null;

  @Column({ name: 'vehicle_registrations', type: 'text', array: true, default: () => "'{}'" })
  vehicleRegistrations: string[];

  @Column({ type: 'jsonb', nullable: true })
  thrive: ThriveAssessment | null;

  /** The last decision: what was decided, by whom, when. */
  @Column({ type: 'jsonb', nullable: true })
  outcome: ReportOutcome | null;

  @Column({ name: 'transferred_from', type: 'uuid', nullable: true })
  transferredFrom: string | null;

  /** The force's own reference for it from its records system (a crime or incident number), when one came back. */
  @Column({ name: 'external_reference', type: 'text', nullable: true })
  externalReference: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** THRIVE: threat, harm, risk, investigation, vulnerability, engagement; each a level and the handler's note. */
export interface ThriveAssessment {
  threat: ThriveEntry;
  harm: ThriveEntry;
  risk: ThriveEntry;
  investigation: ThriveEntry;
  vulnerability: ThriveEntry;
  engagement: ThriveEntry;
  recordedBy: string;
  recordedByName: string | null;
  recordedAt: string;
}

export interface ThriveEntry {
  level: 'high' | 'medium' | 'low';
  note: string;
}

export interface ReportOutcome {
  decision: string;
  detail: Record<string, string>;
  decidedBy: string;
  decidedByName: string | null;
  decidedAt: string;

}
