import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ServiceDefinition } from './definition.schema.js';

/** One version of a national service definition, as synced from tenants/_national/services. */
@Entity({ name: 'national_services' })
export class NationalService {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  definition: ServiceDefinition;

  @Column({ type: 'text' })
  hash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
