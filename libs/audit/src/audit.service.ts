import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditEvent, type AuditActorType } from './audit-event.entity.js';

export interface AuditRecord {
  tenantId: string;
  actorType: AuditActorType;
  actorId?: string;
  action: string;
  subjectType?: string;
  subjectId?: string;
  reason?: string;
  details?: Record<string, unknown>;
  requestId?: string;
}

@Injectable()
export class AuditService {
  /** Records an event through the caller's transaction, so it commits or rolls back with the change. */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.insert(
      AuditEvent,
      manager.create(AuditEvent, {
      tenantId: record.tenantId,
      actorType: record.actorType,
      actorId: record.actorId ?? null,
      action: record.action,
      subjectType: record.subjectType ?? null,
      subjectId: record.subjectId ?? null,
      reason: record.reason ?? null,
      details: record.details ?? {},
      requestId: record.requestId ?? null,
      }),
    );
  }
}
