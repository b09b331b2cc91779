import { input } from './components.js';
import { parsePostcode, single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { PostcodeQuestion } from './question.js';

/** A UK postcode, kept in capitals with one space. */
export const postcode = defineQuestionType<PostcodeQuestion>({
  type: 'postcode',
  parse(question, raw) {
    const value = single(raw[question.id]);
    return value ? parsePostcode(question, value, question.id) : undefined;
  },
  view: (_question, context) => input(context, { classes: 'govuk-input--width-10', autocomplete: 'postal-code', spellcheck: false }),
});
