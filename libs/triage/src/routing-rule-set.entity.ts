import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
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
