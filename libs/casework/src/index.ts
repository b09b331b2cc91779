// Casework: call handlers' and supervisors' triage of their force's reports (queue, claims, THRIVE,
// decisions, duplicates, SLA breaches, live changes) and the reporter's tracking of their report.
export { CaseworkModule } from './casework.module.js';
export { CaseworkService, slaClock, type SlaClock } from './casework.service.js';
export { CaseworkException, CaseworkErrorCode } from './casework.exception.js';
export { Decision, ThriveLevel, CLOSE_REASONS } from './casework.models.js';
export { SlaMonitor } from './sla-monitor.js';
export { queueHealth, DUE_SOON_MINUTES, type QueueHealth } from './queue-health.queries.js';
export { TrackingService, trackedReport, CODE_MINUTES, CODE_ATTEMPTS, CODE_ATTEMPTS_IN_ALL, CODES_PER_HOUR, TRACKING_SESSION_MINUTES, REPORTER_VISIBLE_KINDS } from './tracking.service.js';
export { ReportChangesService } from './report-changes.service.js';
export { CaseworkResolver } from './casework.resolver.js';
export { TrackingResolver } from './tracking.resolver.js';
export { BackOfficeResolver } from './back-office.resolver.js';
export { EvidenceReportsModule, EvidenceReportsAdapter } from './evidence-reports.adapter.js';
export { DeliveryDocumentsAdapter, DeliveryDocumentsModule } from './delivery-documents.adapter.js';
