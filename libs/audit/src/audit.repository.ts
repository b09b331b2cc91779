import type { EntityManager } from 'typeorm';
import { AuditEvent, type AuditActorType } from './audit-event.entity.js';

// The audit library's one write: audit_events are append-only (the database refuses change and deletion).

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

/** Appends an event through the caller's transaction. */
export async function appendAuditEvent(manager: EntityManager, record: AuditRecord): Promise<void> {
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
