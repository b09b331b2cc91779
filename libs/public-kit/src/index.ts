// Public kit: pure helpers both the api and the web need (references, bilingual text, host names, the
// shapes of forms and answers, value differences, forces made from a template). It imports no other
// library of ours, no Nest and no database, so the web can use it without loading the api's code.
export { newReference, parseReference, formatReference, checkCharacter, REFERENCE_MESSAGES, REFERENCE_ALPHABET, type ReferenceProblem } from './reference.js';
export { localText } from './local-text.js';
export { normaliseHost, localhostSlug } from './hostnames.js';
export { leafDifferences, type LeafDifference } from './differences.js';
export { questionsOf, isRepeatAnswers, fieldNames } from './form-shapes.js';
export { forceFromTemplate, TemplateError, TEMPLATE_NAME, TEMPLATE_SLUG, type ForceFromTemplate, type TemplateChoices } from './tenant-template.js';
