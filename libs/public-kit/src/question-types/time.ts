import { input } from './components.js';
import { parseTime, single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { TimeQuestion } from './question.js';

/** A time of day, as typed ("14:30", "2:30pm"), kept as `HH:MM`. */
export const time = defineQuestionType<TimeQuestion>({
  type: 'time',
  parse: (question, raw) => parseTime(question, single(raw[question.id]), question.id),
  view: (_question, context) => input(context, { classes: 'govuk-input--width-5', spellcheck: false, hint: context.hint ?? { text: context.texts.time.hint } }),
});
