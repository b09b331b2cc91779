import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ForceArea } from './force-area.js';
import type { RoutingRules } from './routing-rules.schema.js';

/** One published version of a force's routing rules; never changed once published. */
@Entity({ name: 'routing_rule_sets' })
export class RoutingRuleSet {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  rules: RoutingRules;

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'published_at', type: 'timestamptz', insert: false, update: false })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy: string;

  @Column({ name: 'published_by_name', type: 'text', nullable: true })
  publishedByName: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}

/** A force's area, in the public registry: routing must find which force's area holds a place. */
@Entity({ name: 'tenant_areas' })
export class TenantArea {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @Column({ type: 'jsonb' })
  boundary: ForceArea;

  @Column({ type: 'double precision', array: true })
  bbox: number[];

  @Column({ type: 'text' })
  hash: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
