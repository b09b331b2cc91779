// Reports: drafts kept server-side per session, the public journey through a service, submission
// (one idempotent transaction) and human-friendly references with a check character.
export { Draft } from './draft.entity.js';
export { draftsPastExpiry, deleteDrafts, deleteDraftsOfReport } from './drafts.repository.js';
export { ReportStatus, SETTLED_STATUSES } from './report-status.js';
export { Report, type GeoPoint, type ThriveAssessment, type ThriveEntry, type ReportOutcome } from './report.entity.js';
export { ReportEvent, type NewReportEvent } from './report-event.entity.js';
export { REPORT_CHANGES_CHANNEL, type ReportChange, SETTLED_AT, settledReportsBefore, deleteReport, deadDrafts, findReport, findReportForReporter, lockDuplicateLink, lockLiveDraft, referenceOf, reportsInLast30Days } from './reports.repository.js';
export { ReportLife, FILE_NOT_PROCESSED, DUPLICATE_DISTANCE_METRES, DUPLICATE_WINDOW_HOURS, type ForceRef, type StaffActor, type ReportDecision, type AddedFile, type Routed } from './report-life.js';
export { ReportIntake } from './report-intake.js';
export { textableNumber, wantsTexts, reporterReachable, type ReporterContact } from './reporter-contact.js';
export { JourneysService, type Journey, type AnswerOutcome, type PublicTenantRef } from './journeys.service.js';
export { ReportsException, ReportsErrorCode } from './reports.exception.js';
export { rawValues } from './raw-values.js';
export { newReference, parseReference, formatReference, checkCharacter, REFERENCE_MESSAGES, REFERENCE_ALPHABET } from '@front-counter/public-kit';

import { Draft } from './draft.entity.js';
import { Report } from './report.entity.js';
import { ReportEvent } from './report-event.entity.js';
export const REPORTS_ENTITIES = [Draft, Report, ReportEvent];
export { ReportsModule } from './reports.module.js';
export { JourneysResolver } from './journeys.resolver.js';
