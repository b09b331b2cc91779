// Reports: drafts kept server-side per session, the public journey through a service, submission
// (one idempotent transaction) and human-friendly references with a check character.
export { Draft } from './draft.entity.js';
export { Report, type ReportStatus, type GeoPoint, type ThriveAssessment, type ThriveEntry, type ReportOutcome } from './report.entity.js';
export { ReportEvent, recordReportEvent, notifyReportChange, recordFileNotProcessed, FILE_NOT_PROCESSED, REPORT_CHANGES_CHANNEL, type ReportChange, type NewReportEvent } from './report-event.entity.js';
export { ReportIntake, DUPLICATE_DISTANCE_METRES, DUPLICATE_WINDOW_HOURS, type ForceRef } from './report-intake.js';
export { JourneysService, type Journey, type AnswerOutcome, type PublicTenantRef } from './journeys.service.js';
export { ReportsException, ReportsErrorCode } from './reports.exception.js';
export { newReference, parseReference, formatReference, checkCharacter, REFERENCE_MESSAGES, REFERENCE_ALPHABET } from '@front-counter/public-kit';

import { Draft } from './draft.entity.js';
import { Report } from './report.entity.js';
import { ReportEvent } from './report-event.entity.js';
export const REPORTS_ENTITIES = [Draft, Report, ReportEvent];
export { ReportsModule } from './reports.module.js';
export { JourneysResolver } from './journeys.resolver.js';
