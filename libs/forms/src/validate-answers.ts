import { DEFAULT_MESSAGES, fieldNames, fillText, firstField, InvalidAnswer, parseAnswer, questionMessage, questionTypeOf, type FieldError, type Question, type RawValues } from '@front-counter/public-kit';
import type { PageDefinition, QuestionDefinition } from './definition.schema.js';
import type { AnswerValue, PageAnswers } from './answers.js';

// Each question type parses and checks its own answer (libs/public-kit/src/question-types); here are
// the rules of a whole page: no field it does not ask for, no value over the platform's limit.

export type { FieldError, RawValues };
export type PageValidation = { ok: true; answers: PageAnswers } | { ok: false; errors: FieldError[] };

/** No single value may exceed this, whatever its question allows: a 1 MB answer is refused, not stored. */
export const MAX_VALUE_LENGTH = 20_000;

// The form definitions fit the shapes the question types read (a compile-time check, nothing at run time).
const definitionsFit = (question: QuestionDefinition): Question => question;
void definitionsFit;

export { fieldNames, firstField };

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '';
const unknownField = (field: string): FieldError => ({ field, questionId: '', message: fillText(DEFAULT_MESSAGES.unknownField, { field: field.slice(0, 60) }) });

/** Validates and normalises the answers to a set of questions; every error names its field. */
export function validateQuestions(questions: QuestionDefinition[], raw: RawValues): { ok: true; answers: Record<string, AnswerValue> } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const allowed = new Set(questions.flatMap(fieldNames));
  for (const [field, value] of Object.entries(raw)) {
    if (!allowed.has(field)) {
      errors.push(unknownField(field));
      continue;
    }
    const longest = Math.max(0, ...[value].flat().map((item) => String(item ?? '').length));
    if (longest > MAX_VALUE_LENGTH) {
      const question = questions.find((candidate) => fieldNames(candidate).includes(field))!;
      const max = questionTypeOf(question).longestAnswer?.(question) ?? MAX_VALUE_LENGTH;
      errors.push({ field, questionId: question.id, message: questionMessage(question, 'tooLong', question.errors.tooLong, { max: max.toLocaleString('en-GB') }) });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const answers: Record<string, AnswerValue> = {};
  for (const question of questions) {
    try {
      const value = parseAnswer(question, raw);
      if (value === undefined) {
        if (question.required) errors.push({ field: firstField(question), questionId: question.id, message: questionMessage(question, questionTypeOf(question).requiredMessage, question.errors.required) });
        continue;
      }
      answers[question.id] = value;
    } catch (error) {
      if (!(error instanceof InvalidAnswer)) throw error;
      errors.push({ field: error.field ?? firstField(question), questionId: question.id, message: error.message });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
}

/** A question page's answers; a declaration's confirmation. Repeat items are validated one at a time with `validateQuestions`. */
export function validatePage(page: PageDefinition, raw: RawValues): PageValidation {
  if (page.type === 'question') return validateQuestions(page.questions, raw);
  if (page.type === 'declaration') {
    const unknown = Object.keys(raw).filter((field) => field !== 'confirm');
    if (unknown.length > 0) return { ok: false, errors: unknown.map(unknownField) };
    if (single(raw.confirm) !== 'yes') return { ok: false, errors: [{ field: 'confirm', questionId: 'confirm', message: page.errors.required }] };
    return { ok: true, answers: { confirm: 'yes' } };
  }
  if (Object.keys(raw).length > 0) return { ok: false, errors: Object.keys(raw).map(unknownField) };
  return { ok: true, answers: {} };
}
