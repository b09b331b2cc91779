import { input } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { EmailQuestion } from './question.js';

/** An email address, its domain kept in lower case. */
export const email = defineQuestionType<EmailQuestion>({
  type: 'email',
  parse(question, raw) {
    const value = single(raw[question.id]);
    if (!value) return undefined;
    if (value.length > 254 || !/^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/.test(value)) throw new InvalidAnswer(questionMessage(question, 'email', question.errors.invalid));
    const [local, domain] = [value.slice(0, value.lastIndexOf('@')), value.slice(value.lastIndexOf('@') + 1)];
    return `${local}@${domain.toLowerCase()}`;
  },
  view: (_question, context) => input(context, { type: 'email', autocomplete: 'email', spellcheck: false }),
});
