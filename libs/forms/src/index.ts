// Forms: the national service definitions (versioned data), force overlays at declared extension
// points, the compiled effective form of each version, routing on answers and answer validation.
export * from './definition.schema.js';
export { checkServiceStructure, conditionTerms, choiceValues, questionsOf } from './definition-check.js';
export { loadNationalServices, parseServiceDefinition, FormDefinitionError, RETENTION_REQUIRED } from './national-services.js';
export { overlaySchema, type ServiceOverlay } from './overlay.schema.js';
export { compileForm, formHash, OverlayError, type CompiledForm } from './compile.js';
export * from './answers.js';
export { validatePage, validateQuestions, fieldNames, firstField, MAX_VALUE_LENGTH, type FieldError, type RawValues, type PageValidation } from './validate-answers.js';
export { DEFAULT_MESSAGES, fillText } from '@front-counter/public-kit';
export { NationalService } from './national-service.entity.js';
export { FormVersion } from './form-version.entity.js';
export { loadOverlays } from './overlays.js';
export { syncForms, checkForceForms, definitionHash, type ForceForms } from './forms-sync.js';

import { FormVersion } from './form-version.entity.js';
import { NationalService } from './national-service.entity.js';
export const FORMS_ENTITIES = [NationalService, FormVersion];
export { answeredQuestions, raisedFlags, reporterDetails, reportLocation, vehicleRegistrations, type AnsweredQuestion } from './report-facts.js';
export { FormCatalogue } from './form-catalogue.service.js';
export { JSONScalar } from './json.scalar.js';
export { localText, FORM_VERSION_ID } from '@front-counter/public-kit';
export { currentVersionIds, formVersionById, formVersionHistory, formVersionOf, latestFormVersion, insertFormVersion } from './form-versions.repository.js';
export { nationalDefinition, latestNationalServices, latestNationalVersion, nationalServiceIds, publishNationalService } from './national-services.repository.js';
