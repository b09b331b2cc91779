import { address } from './address.js';
import { approximateDatetime } from './approximate-datetime.js';
import { checkboxes } from './checkboxes.js';
import { date } from './date.js';
import { email } from './email.js';
import { file } from './file.js';
import { location } from './location.js';
import { number } from './number.js';
import { phone } from './phone.js';
import { postcode } from './postcode.js';
import type { FieldError, Language, ParsedAnswer, Question, RawValues, Text } from './question.js';
import type { QuestionType, QuestionView, RenderPartial, ViewContext } from './question-type.js';
import { radios } from './radios.js';
import { select } from './select.js';
import { text } from './text.js';
import { textarea } from './textarea.js';
import { QUESTION_TEXTS } from './texts/index.js';
import { time } from './time.js';
import { vehicleRegistration } from './vehicle-registration.js';
import { yesNo } from './yes-no.js';

// The question types: one module each (its inputs, parsing and checks, component, redisplay and
// summary), and the registry every caller looks a question's type up in.

/** Every question type, by the name a form definition gives it. A new type is one module and one line here. */
export const QUESTION_TYPES: { readonly [Type in Question['type']]: QuestionType<Extract<Question, { type: Type }>> } = {
  text,
  textarea,
  number,
  radios,
  checkboxes,
  select,
  'yes-no': yesNo,
  date,
  time,
  'approximate-datetime': approximateDatetime,
  email,
  phone,
  postcode,
  address,
  location,
  'vehicle-registration': vehicleRegistration,
  file,
};

/** The module for this question's type. */
export function questionTypeOf(question: Question): QuestionType {
  const type = Object.hasOwn(QUESTION_TYPES, question.type) ? (QUESTION_TYPES[question.type] as QuestionType) : undefined;
  if (!type) throw new Error(`Unknown question type "${String(question.type)}"`);
  return type;
}

/** The input names a question posts, so anything else on the page is refused (no mass assignment). */
export const fieldNames = (question: Question): string[] => questionTypeOf(question).fieldNames(question);

/** The field an error on this question links to: its first input. */
export const firstField = (question: Question): string => questionTypeOf(question).firstField(question);

export interface QuestionViewOptions {
  language: Language;
  /** Raw posted values by input name (re-displayed exactly as typed after an error), or `valuesFromAnswer`. */
  values: RawValues;
  /** The errors on this page: only this question's are shown. */
  errors: FieldError[];
  /** The page has one question and no title: the label or legend is the page's h1. */
  isPageHeading: boolean;
  /**
   * Not used: a repeating group's item is edited on its own page and validated on its own, so its
   * inputs keep the names (and ids) `fieldNames` gives, and the error summary's links still work.
   */
  idPrefix?: string;
  /** Needed by approximate-datetime, address and location, whose nested inputs are rendered to HTML. */
  render?: RenderPartial;
}

/** One question as a govuk-frontend component (see `QuestionView`). */
export function questionView(question: Question, options: QuestionViewOptions): QuestionView {
  const type = questionTypeOf(question);
  const { language, values, isPageHeading } = options;
  const texts = QUESTION_TEXTS[language];
  const t = (text: Text) => text[language];
  const fields = type.fieldNames(question);
  const context: ViewContext = {
    id: question.id,
    language,
    texts,
    t,
    values,
    value: (name) => {
      const value = values[name];
      return Array.isArray(value) ? value[value.length - 1] : value;
    },
    error: options.errors.find((error) => error.questionId === question.id) ?? options.errors.find((error) => fields.includes(error.field)),
    errorMessage: (shown) => (shown ? { text: t(shown.message), visuallyHiddenText: texts.error } : undefined),
    hint: question.hint ? { text: t(question.hint) } : undefined,
    label: isPageHeading ? { text: t(question.label), isPageHeading: true, classes: 'govuk-label--l' } : { text: t(question.label) },
    legend: isPageHeading ? { text: t(question.label), isPageHeading: true, classes: 'govuk-fieldset__legend--l' } : { text: t(question.label), classes: 'govuk-fieldset__legend--s' },
    render: (partial, params) => {
      if (!options.render) throw new Error(`Question "${question.id}" (${question.type}) needs options.render to render its nested inputs`);
      return options.render(partial, params);
    },
  };
  return type.view(question, context);
}

/** The raw input values that redisplay a saved normalised answer (the inverse of validation). */
export function valuesFromAnswer(question: Question, answer: unknown): Record<string, string | string[]> {
  if (answer === undefined || answer === null) return {};
  return questionTypeOf(question).values(question, answer);
}

/** How a saved answer reads on "Check your answers": plain text, lines joined by `\n` (escape it when rendering). */
export function answerSummary(question: Question, answer: unknown, language: Language): string {
  if (answer === undefined || answer === null || answer === '' || (Array.isArray(answer) && answer.length === 0)) return QUESTION_TEXTS[language].notProvided;
  return questionTypeOf(question).summary(question, answer, language);
}

/** One question's answer from the posted values, normalised; undefined when not answered. Throws `InvalidAnswer`. */
export const parseAnswer = (question: Question, raw: RawValues): ParsedAnswer | undefined => questionTypeOf(question).parse(question, raw);

export type { ChoiceOption, FieldError, Language, ParsedAnswer, Question, QuestionErrors, RawValues, Text } from './question.js';
export type { QuestionType, QuestionView, RenderPartial, ViewContext } from './question-type.js';
export { DEFAULT_MESSAGES, fillText, questionMessage, InvalidAnswer, type MessageKey } from './messages.js';
export { QUESTION_TEXTS, WELSH_CHARACTER_COUNT, type QuestionTexts } from './texts/index.js';
