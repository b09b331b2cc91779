import { dateInput } from './components.js';
import { dateFields, parseDate } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { DateQuestion } from './question.js';
import { dateValues, formatDate } from './saved-answers.js';

/** A calendar date in three inputs, kept as `YYYY-MM-DD`; `notInFuture`/`notInPast` bound it by today. */
export const date = defineQuestionType<DateQuestion>({
  type: 'date',
  fieldNames: (question) => dateFields(question.id),
  firstField: (question) => `${question.id}-day`,
  parse: (question, raw) => parseDate(question, raw, question.id, question),
  view: (_question, context) => ({ partial: 'govuk/date-input', params: dateInput(context, context.id, context.error, context.legend, context.hint ?? { text: context.texts.date.hint }) }),
  values: (question, answer) => dateValues(question.id, answer),
  summary: (_question, answer, language) => formatDate(answer, language),
});
