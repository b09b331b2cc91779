import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appendAuditEvent, type AuditRecord } from './audit.repository.js';

export type { AuditRecord };

@Injectable()
export class AuditService {
  /** Records an event through the caller's transaction, so it commits or rolls back with the change. */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await appendAuditEvent(manager, record);
  }
}
