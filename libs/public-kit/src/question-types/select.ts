import { optionLabel, parseOneOf } from './choices.js';
import { defineQuestionType } from './question-type.js';
import type { SelectQuestion } from './question.js';

/** One of many options, as a drop-down list that starts with an empty choice. */
export const select = defineQuestionType<SelectQuestion>({
  type: 'select',
  requiredMessage: 'choose',
  choices: (question) => question.options.map((option) => option.value),
  parse: (question, raw) => parseOneOf(question, raw, question.options.map((option) => option.value)),
  view: (question, { id, label, hint, error, errorMessage, value, t, texts }) => ({
    partial: 'govuk/select',
    params: {
      id,
      name: id,
      label,
      hint,
      errorMessage: errorMessage(error),
      value: value(id),
      items: [{ value: '', text: texts.choice.selectOption }, ...question.options.map((option) => ({ value: option.value, text: t(option.label) }))],
    },
  }),
  summary: (question, answer, language) => optionLabel(question.options, answer, language),
});
