import { controlParams } from './components.js';
import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { TextareaQuestion } from './question.js';

const DEFAULT_MAX = 10_000;

/** Paragraphs of text; with a `maxLength`, a character count. */
export const textarea = defineQuestionType<TextareaQuestion>({
  type: 'textarea',
  longestAnswer: (question) => question.maxLength ?? DEFAULT_MAX,
  parse(question, raw) {
    const value = single(raw[question.id]);
    const max = question.maxLength ?? DEFAULT_MAX;
    if (value.length > max) throw new InvalidAnswer(questionMessage(question, 'tooLong', question.errors.tooLong, { max: max.toLocaleString('en-GB') }));
    return value || undefined;
  },
  view(question, context) {
    const { language, texts } = context;
    const params = { ...controlParams(context), value: context.value(context.id), rows: question.rows };
    if (!question.maxLength) return { partial: 'govuk/textarea', params };
    // English is the character count's own; Welsh pages pass its messages in Welsh.
    return { partial: 'govuk/character-count', params: { ...params, maxlength: question.maxLength, ...(language === 'cy' ? texts.characterCount : {}) } };
  },
});
