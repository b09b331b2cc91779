import { input } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { PhoneQuestion } from './question.js';

/** A UK telephone number, kept as its digits from 0. */
export const phone = defineQuestionType<PhoneQuestion>({
  type: 'phone',
  parse(question, raw) {
    const value = single(raw[question.id]);
    if (!value) return undefined;
    const digits = value.replace(/[\s()-]/g, '').replace(/^\+44/, '0').replace(/^0044/, '0');
    if (!/^0\d{9,10}$/.test(digits)) throw new InvalidAnswer(questionMessage(question, 'phone', question.errors.invalid));
    return digits;
  },
  view: (_question, context) => input(context, { type: 'tel', autocomplete: 'tel' }),
});
