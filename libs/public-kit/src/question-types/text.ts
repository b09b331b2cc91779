import { input } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { TextQuestion } from './question.js';

const DEFAULT_MAX = 500;

/** A line of text: a name, a short description. */
export const text = defineQuestionType<TextQuestion>({
  type: 'text',
  parse(question, raw) {
    const value = single(raw[question.id]);
    const max = question.maxLength ?? DEFAULT_MAX;
    if (value.length > max) throw new InvalidAnswer(questionMessage(question, 'tooLong', question.errors.tooLong, { max: max.toLocaleString('en-GB') }));
    return value || undefined;
  },
  view: (question, context) => input(context, { classes: question.width ? `govuk-input--width-${question.width}` : undefined, autocomplete: question.autocomplete }),
});
