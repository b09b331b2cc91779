import { input } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { NumberQuestion } from './question.js';

/** A number (whole unless `integer: false`), optionally with bounds and a unit. */
export const number = defineQuestionType<NumberQuestion>({
  type: 'number',
  parse(question, raw) {
    const value = single(raw[question.id]);
    if (!value) return undefined;
    const cleaned = value.replace(/[£,\s]/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(cleaned)) throw new InvalidAnswer(questionMessage(question, 'number', question.errors.invalid));
    const parsed = Number(cleaned);
    if (question.integer && !Number.isInteger(parsed)) throw new InvalidAnswer(questionMessage(question, 'wholeNumber', question.errors.invalid));
    if (question.min !== undefined && parsed < question.min) throw new InvalidAnswer(questionMessage(question, 'tooSmall', question.errors.tooSmall, { min: question.min }));
    if (question.max !== undefined && parsed > question.max) throw new InvalidAnswer(questionMessage(question, 'tooLarge', question.errors.tooLarge, { max: question.max }));
    return parsed;
  },
  view: (question, context) =>
    input(context, {
      classes: 'govuk-input--width-10',
      // A decimal point is missing from some numeric keyboards.
      inputmode: question.integer ? 'numeric' : 'decimal',
      spellcheck: false,
      suffix: question.unit ? { text: context.t(question.unit) } : undefined,
    }),
  summary(question, answer, language) {
    const value = typeof answer === 'number' ? answer : Number(answer);
    const text = Number.isFinite(value) ? new Intl.NumberFormat('en-GB', { maximumFractionDigits: 20 }).format(value) : String(answer);
    return question.unit ? `${text} ${question.unit[language]}` : text;
  },
});
