// Retention: each service's reports are kept for the period its national definition sets (a force may
// lengthen it within the national bounds), then deleted with everything of them, leaving an audit
// record without personal data; drafts past their expiry go too, and delivered outbox events are pruned.
export { RetentionService, type RetentionRun } from './retention.service.js';
export { RetentionModule } from './retention.module.js';
export { retentionPeriod, retentionCutoff, SETTLED_STATUSES, type RetentionPeriod } from './retention-policy.js';
export { storedObjectKeys } from './evidence-objects.js';
export { RETENTION_CLOCK, systemClock, type Clock } from './clock.js';
