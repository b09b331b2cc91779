import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Language, LocalizedText, NotificationSettings } from './tenant-file.schema.js';
import { TenantDomain } from './tenant-domain.entity.js';

export interface TenantBranding {
  brandColour: string;
  secondaryColour: string;
  logo: { text: LocalizedText; svg?: string };
  /** The SVG logo's content, checked at load (see svg-logo.ts); served only as an image. */
  logoSvg: string | null;
  /** Or a PNG logo, base64, re-encoded without metadata when a force administrator uploaded it. */
  logoPng?: string | null;
}

export interface TenantContact {
  nonEmergency: string;
  textRelayEmergency: string;
  textRelayNonEmergency?: string;
  email?: string;
}

export interface TenantPromises {
  triageWithinMinutes: number;
  replyWithinHours: number;
  whatHappensNext?: LocalizedText;
}

export interface TenantIdentity {
  realm: string;
  issuer?: string;
  audience: string;
  clientId: string;
  clientSecretEnv?: string;
  rolesClaim: string;
}

export type TenantStatus = 'active' | 'suspended';

/** A police force. The registry row is public-readable; only tenant sync (the owner role) writes it. */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'jsonb' })
  name: LocalizedText;

  @Column({ type: 'text', array: true })
  languages: Language[];

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ type: 'jsonb' })
  branding: TenantBranding;

  @Column({ type: 'jsonb' })
  contact: TenantContact;

  @Column({ type: 'jsonb' })
  promises: TenantPromises;

  @Column({ type: 'jsonb' })
  identity: TenantIdentity;

  /** How its e-mail and text messages go out (GOV.UK Notify or SMTP); null: the platform's SMTP. */
  @Column({ type: 'jsonb', nullable: true })
  notifications: NotificationSettings | null;

  @Column({ type: 'text', default: 'active' })
  status: TenantStatus;

  /** Why the national programme team suspended it (shown to nobody but staff). */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', nullable: true })
  statusChangedAt: Date | null;

  /** National services this force has switched on. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  services: string[];

  /** The hash of the tenant file tenant sync last applied: an unchanged file leaves changes made in the product alone. */
  @Column({ name: 'synced_hash', type: 'text', nullable: true })
  syncedHash: string | null;

  @OneToMany(() => TenantDomain, (domain) => domain.tenant)
  domains?: TenantDomain[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
