import { optionItems, optionLabel, parseOneOf, radiosParams } from './choices.js';
import { defineQuestionType } from './question-type.js';
import type { RadiosQuestion } from './question.js';

/** One of several options, as radio buttons. */
export const radios = defineQuestionType<RadiosQuestion>({
  type: 'radios',
  requiredMessage: 'choose',
  choices: (question) => question.options.map((option) => option.value),
  parse: (question, raw) => parseOneOf(question, raw, question.options.map((option) => option.value)),
  view: (question, context) => ({ partial: 'govuk/radios', params: radiosParams(context, optionItems(question.options, context.t), question.inline) }),
  summary: (question, answer, language) => optionLabel(question.options, answer, language),
});
