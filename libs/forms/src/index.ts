// Forms: the national service definitions (versioned data), force overlays at declared extension
// points, the compiled effective form of each version, routing on answers and answer validation.
export * from './definition.schema.js';
export { checkServiceStructure, conditionTerms, choiceValues, questionsOf } from './definition-check.js';
export { loadNationalServices, parseServiceDefinition, FormDefinitionError } from './national-services.js';
