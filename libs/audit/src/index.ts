// Audit: the append-only trail of who did what to which record, and why. Written inside the same
// tenant transaction as the change it records.
export { AuditEvent } from './audit-event.entity.js';
export { AuditService, type AuditRecord } from './audit.service.js';
export { AuditModule } from './audit.module.js';

import { AuditEvent } from './audit-event.entity.js';
export const AUDIT_ENTITIES = [AuditEvent];
