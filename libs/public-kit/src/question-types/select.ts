import { optionLabel, parseOneOf } from './choices.js';
import { controlParams } from './components.js';
import { defineQuestionType } from './question-type.js';
import type { SelectQuestion } from './question.js';

/** One of many options, as a drop-down list that starts with an empty choice. */
export const select = defineQuestionType<SelectQuestion>({
  type: 'select',
  requiredMessage: 'choose',
  choices: (question) => question.options.map((option) => option.value),
  parse: (question, raw) => parseOneOf(question, raw, question.options.map((option) => option.value)),
  view: (question, context) => ({
    partial: 'govuk/select',
    params: {
      ...controlParams(context),
      value: context.value(context.id),
      items: [{ value: '', text: context.texts.choice.selectOption }, ...question.options.map((option) => ({ value: option.value, text: context.t(option.label) }))],
    },
  }),
  summary: (question, answer, language) => optionLabel(question.options, answer, language),
});
