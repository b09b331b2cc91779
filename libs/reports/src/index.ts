// Reports: drafts kept server-side per session, the public journey through a service, submission
// (one idempotent transaction) and human-friendly references with a check character.
export { Draft } from './draft.entity.js';
export { Report } from './report.entity.js';
export { JourneysService, type Journey, type AnswerOutcome, type PublicTenantRef } from './journeys.service.js';
export { ReportsException, ReportsErrorCode } from './reports.exception.js';
export { newReference, parseReference, formatReference, checkCharacter, REFERENCE_MESSAGES, REFERENCE_ALPHABET } from './reference.js';

import { Draft } from './draft.entity.js';
import { Report } from './report.entity.js';
export const REPORTS_ENTITIES = [Draft, Report];
export { ReportsModule } from './reports.module.js';
export { JourneysResolver } from './journeys.resolver.js';
