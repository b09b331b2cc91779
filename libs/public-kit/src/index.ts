// Public kit: pure helpers both the api and the web need (references, bilingual text, host names, the
// shapes of forms and answers, the question types, value differences, forces made from a template). It imports no other
// library of ours, no Nest and no database, so the web can use it without loading the api's code.
export { newReference, parseReference, formatReference, checkCharacter, REFERENCE_MESSAGES, REFERENCE_ALPHABET, type ReferenceProblem } from './reference.js';
export { localText } from './local-text.js';
export { normaliseHost, localhostSlug } from './hostnames.js';
export { leafDifferences, type LeafDifference } from './differences.js';
export { questionsOf, isRepeatAnswers, FORM_VERSION_ID } from './form-shapes.js';
export { escapeHtml } from './escape-html.js';
export {
  QUESTION_TYPES,
  questionTypeOf,
  fieldNames,
  firstField,
  parseAnswer,
  questionView,
  valuesFromAnswer,
  answerSummary,
  DEFAULT_MESSAGES,
  fillText,
  questionMessage,
  InvalidAnswer,
  QUESTION_TEXTS,
  WELSH_CHARACTER_COUNT,
  type QuestionViewOptions,
  type ChoiceOption,
  type FieldError,
  type Language,
  type ParsedAnswer,
  type Question,
  type QuestionErrors,
  type RawValues,
  type Text,
  type QuestionType,
  type QuestionView,
  type RenderPartial,
  type ViewContext,
  type MessageKey,
  type QuestionTexts,
} from './question-types/index.js';
export { forceFromTemplate, TemplateError, TEMPLATE_NAME, TEMPLATE_SLUG, type ForceFromTemplate, type TemplateChoices } from './tenant-template.js';
export { JOURNEY_WIRE_PATH, type JourneyWireCall, type JourneyWireCalls, type WireJourney } from './journey-wire.js';
