import { fieldNames } from '@front-counter/public-kit';
import type { PageDefinition, QuestionDefinition, Text } from './definition.schema.js';
import type { AnswerValue, PageAnswers } from './answers.js';
import { DEFAULT_MESSAGES, fillText, type MessageKey } from './default-messages.js';

/** What a form posts: field name to value (several values for checkboxes). */
export type RawValues = Record<string, string | string[] | undefined>;

export interface FieldError {
  /** The input the error summary links to (`#field`). */
  field: string;
  questionId: string;
  message: Text;
}

export type PageValidation = { ok: true; answers: PageAnswers } | { ok: false; errors: FieldError[] };

/** No single value may exceed this, whatever its question allows: a 1 MB answer is refused, not stored. */
export const MAX_VALUE_LENGTH = 20_000;
const DEFAULT_TEXT_MAX = 500;
const DEFAULT_TEXTAREA_MAX = 10_000;

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text);
function nameOf(question: QuestionDefinition): Text {
  const text = question.shortLabel ?? question.label;
  return { en: lowerFirst(text.en.replace(/\?$/, '')), cy: lowerFirst(text.cy.replace(/\?$/, '')) };
}

export { fieldNames };

/** The field an error on this question links to: its first input. */
export const firstField = (question: QuestionDefinition) => (question.type === 'date' ? `${question.id}-day` : fieldNames(question)[0]);

class Invalid {
  constructor(
    readonly message: Text,
    readonly field?: string,
  ) {}
}

function message(question: QuestionDefinition, key: MessageKey, override?: Text, params: Record<string, string | number> = {}): Text {
  const name = nameOf(question);
  // The name is lower-cased mid-sentence; a message that starts with it starts with a capital.
  const fill = (language: 'en' | 'cy') => upperFirst(fillText(override ?? DEFAULT_MESSAGES[key], { ...params, name: name[language] })[language]);
  return { en: fill('en'), cy: fill('cy') };
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '';

function parseDate(question: QuestionDefinition, raw: RawValues, prefix: string, bounds: { notInFuture?: boolean; notInPast?: boolean }): string | undefined {
  const [day, month, year] = ['day', 'month', 'year'].map((part) => single(raw[`${prefix}-${part}`]));
  if (!day && !month && !year) return undefined;
  if (!day || !month || !year) throw new Invalid(message(question, 'dateIncomplete', question.errors.invalid), `${prefix}-${!day ? 'day' : !month ? 'month' : 'year'}`);
  if (![day, month, year].every((part) => /^\d+$/.test(part)) || year.length !== 4) throw new Invalid(message(question, 'date', question.errors.invalid), `${prefix}-day`);
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(year) < 1900) {
    throw new Invalid(message(question, 'date', question.errors.invalid), `${prefix}-day`);
  }
  const iso = date.toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  if (bounds.notInFuture && iso > today) throw new Invalid(message(question, 'tooLate', question.errors.tooLate), `${prefix}-day`);
  if (bounds.notInPast && iso < today) throw new Invalid(message(question, 'tooEarly', question.errors.tooEarly), `${prefix}-day`);
  return iso;
}

function parseTime(question: QuestionDefinition, value: string, field: string): string | undefined {
  if (!value) return undefined;
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/i.exec(value.replace(/\s+/g, ' '));
  let hours = match ? Number(match[1]) : NaN;
  const minutes = match?.[2] ? Number(match[2]) : 0;
  const meridiem = match?.[3]?.toLowerCase();
  if (meridiem) {
    if (hours < 1 || hours > 12) hours = NaN;
    else hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (!match?.[2]) hours = NaN; // "14" alone is ambiguous
  if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) throw new Invalid(message(question, 'time', question.errors.invalid), field);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;
function parsePostcode(question: QuestionDefinition, value: string, field: string): string {
  const match = POSTCODE.exec(value.toUpperCase().replace(/\s+/g, ' ').trim());
  if (!match) throw new Invalid(message(question, 'postcode'), field);
  return `${match[1]} ${match[2]}`;
}

function parseAddress(question: QuestionDefinition, raw: RawValues, prefix: string) {
  const [line1, line2, town, postcode] = ['line1', 'line2', 'town', 'postcode'].map((part) => single(raw[`${prefix}-${part}`]));
  if (!line1 && !line2 && !town && !postcode) return undefined;
  for (const [part, value] of [['line1', line1], ['line2', line2], ['town', town]] as const) {
    if (value.length > 200) throw new Invalid(message(question, 'tooLong', undefined, { max: 200 }), `${prefix}-${part}`);
  }
  if (!line1) throw new Invalid(message(question, 'addressLine1'), `${prefix}-line1`);
  if (!town) throw new Invalid(message(question, 'addressTown'), `${prefix}-town`);
  return { line1, line2: line2 || undefined, town, postcode: postcode ? parsePostcode(question, postcode, `${prefix}-postcode`) : undefined };
}

/** One question's answer from the posted values, normalised; undefined when not answered. */
function parseQuestion(question: QuestionDefinition, raw: RawValues): AnswerValue | undefined {
  const id = question.id;
  const value = single(raw[id]);
  switch (question.type) {
    case 'text':
    case 'textarea': {
      const max = question.maxLength ?? (question.type === 'text' ? DEFAULT_TEXT_MAX : DEFAULT_TEXTAREA_MAX);
      if (value.length > max) throw new Invalid(message(question, 'tooLong', question.errors.tooLong, { max: max.toLocaleString('en-GB') }));
      return value || undefined;
    }
    case 'number': {
      if (!value) return undefined;
      const cleaned = value.replace(/[£,\s]/g, '');
      if (!/^-?\d+(\.\d+)?$/.test(cleaned)) throw new Invalid(message(question, 'number', question.errors.invalid));
      const number = Number(cleaned);
      if (question.integer && !Number.isInteger(number)) throw new Invalid(message(question, 'wholeNumber', question.errors.invalid));
      if (question.min !== undefined && number < question.min) throw new Invalid(message(question, 'tooSmall', question.errors.tooSmall, { min: question.min }));
      if (question.max !== undefined && number > question.max) throw new Invalid(message(question, 'tooLarge', question.errors.tooLarge, { max: question.max }));
      return number;
    }
    case 'radios':
    case 'select':
    case 'yes-no': {
      if (!value) return undefined;
      const allowed = question.type === 'yes-no' ? ['yes', 'no'] : question.options.map((option) => option.value);
      if (!allowed.includes(value)) throw new Invalid(message(question, 'option'));
      return value;
    }
    case 'checkboxes': {
      const values = [raw[id]].flat().filter((item): item is string => typeof item === 'string' && item !== '');
      if (values.length === 0) return undefined;
      const allowed = new Map(question.options.map((option) => [option.value, option]));
      if (values.some((item) => !allowed.has(item)) || new Set(values).size !== values.length) throw new Invalid(message(question, 'option'));
      const exclusive = values.map((item) => allowed.get(item)!).find((option) => option.exclusive);
      if (exclusive && values.length > 1) {
        const text = (language: 'en' | 'cy') => fillText(DEFAULT_MESSAGES.exclusive, { option: exclusive.label[language] })[language];
        throw new Invalid({ en: text('en'), cy: text('cy') });
      }
      return values;
    }
    case 'date':
      return parseDate(question, raw, id, question);
    case 'time':
      return parseTime(question, value, id);
    case 'approximate-datetime': {
      const kind = single(raw[`${id}-kind`]);
      if (!kind) return undefined;
      if (kind === 'exact') {
        const date = parseDate(question, raw, id, { notInFuture: true });
        if (!date) throw new Invalid(message(question, 'dateIncomplete'), `${id}-day`);
        return { kind, date, time: parseTime(question, single(raw[`${id}-time`]), `${id}-time`) };
      }
      if (kind === 'approximate') {
        const from = parseDate(question, raw, `${id}-from`, { notInFuture: true });
        const to = parseDate(question, raw, `${id}-to`, { notInFuture: true });
        if (!from) throw new Invalid(message(question, 'dateIncomplete'), `${id}-from-day`);
        if (!to) throw new Invalid(message(question, 'dateIncomplete'), `${id}-to-day`);
        if (to < from) throw new Invalid(message(question, 'range'), `${id}-to-day`);
        const description = single(raw[`${id}-description`]);
        if (description.length > 500) throw new Invalid(message(question, 'tooLong', undefined, { max: 500 }), `${id}-description`);
        return { kind, from, to, description: description || undefined };
      }
      throw new Invalid(message(question, 'approximateKind'), `${id}-kind`);
    }
    case 'email': {
      if (!value) return undefined;
      if (value.length > 254 || !/^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/.test(value)) throw new Invalid(message(question, 'email', question.errors.invalid));
      const [local, domain] = [value.slice(0, value.lastIndexOf('@')), value.slice(value.lastIndexOf('@') + 1)];
      return `${local}@${domain.toLowerCase()}`;
    }
    case 'phone': {
      if (!value) return undefined;
      const digits = value.replace(/[\s()-]/g, '').replace(/^\+44/, '0').replace(/^0044/, '0');
      if (!/^0\d{9,10}$/.test(digits)) throw new Invalid(message(question, 'phone', question.errors.invalid));
      return digits;
    }
    case 'postcode':
      return value ? parsePostcode(question, value, id) : undefined;
    case 'address':
      return parseAddress(question, raw, id);
    case 'location': {
      const kind = single(raw[`${id}-kind`]);
      if (!kind) return undefined;
      const point = parsePoint(question, raw, id);
      if (kind === 'address') {
        const address = parseAddress(question, raw, id);
        if (!address) throw new Invalid(message(question, 'addressLine1'), `${id}-line1`);
        return { kind, ...address, ...point };
      }
      if (kind === 'description') {
        const description = single(raw[`${id}-description`]);
        if (!description) throw new Invalid(message(question, 'locationDescription'), `${id}-description`);
        if (description.length > 1000) throw new Invalid(message(question, 'tooLong', undefined, { max: 1000 }), `${id}-description`);
        return { kind, description, ...point };
      }
      throw new Invalid(message(question, 'locationKind'), `${id}-kind`);
    }
    case 'vehicle-registration': {
      if (!value) return undefined;
      const registration = value.toUpperCase().replace(/[\s-]/g, '');
      if (!/^(?=.*[A-Z])(?=.*\d)[A-Z0-9]{2,8}$/.test(registration)) throw new Invalid(message(question, 'vehicleRegistration', question.errors.invalid));
      return registration;
    }
    case 'file': {
      // The api puts here the ids of the files stored for this question, never what a browser sent;
      // the journey then records the files themselves as the answer.
      const ids = [raw[id]].flat().filter((item): item is string => typeof item === 'string' && item !== '');
      if (ids.length > question.maxFiles) throw new Invalid(message(question, 'tooManyFiles', undefined, { max: question.maxFiles }));
      return ids.length > 0 ? ids : undefined;
    }
  }
}

/** A point given with a location: both coordinates or neither, in degrees (WGS84), kept to about a metre. */
function parsePoint(question: QuestionDefinition, raw: RawValues, id: string): { latitude: number; longitude: number } | Record<string, never> {
  const latitude = single(raw[`${id}-latitude`]);
  const longitude = single(raw[`${id}-longitude`]);
  if (!latitude && !longitude) return {};
  const [lat, lng] = [Number(latitude), Number(longitude)];
  if (!latitude || !longitude || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    throw new Invalid(message(question, 'locationPoint'), `${id}-kind`);
  }
  return { latitude: Math.round(lat * 1e5) / 1e5, longitude: Math.round(lng * 1e5) / 1e5 };
}

const choiceTypes = new Set(['radios', 'select', 'yes-no', 'checkboxes']);

/** Validates and normalises the answers to a set of questions; every error names its field. */
export function validateQuestions(questions: QuestionDefinition[], raw: RawValues): { ok: true; answers: Record<string, AnswerValue> } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const allowed = new Set(questions.flatMap(fieldNames));
  for (const [field, value] of Object.entries(raw)) {
    if (!allowed.has(field)) {
      errors.push({ field, questionId: '', message: fillText(DEFAULT_MESSAGES.unknownField, { field: field.slice(0, 60) }) });
      continue;
    }
    const longest = Math.max(0, ...[value].flat().map((item) => String(item ?? '').length));
    if (longest > MAX_VALUE_LENGTH) {
      const question = questions.find((candidate) => fieldNames(candidate).includes(field))!;
      errors.push({ field, questionId: question.id, message: message(question, 'tooLong', question.errors.tooLong, { max: (question.type === 'textarea' ? (question.maxLength ?? DEFAULT_TEXTAREA_MAX) : MAX_VALUE_LENGTH).toLocaleString('en-GB') }) });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const answers: Record<string, AnswerValue> = {};
  for (const question of questions) {
    try {
      const value = parseQuestion(question, raw);
      if (value === undefined) {
        if (question.required) {
          const fallback = question.type === 'file' ? 'file' : choiceTypes.has(question.type) ? 'choose' : 'required';
          errors.push({ field: firstField(question), questionId: question.id, message: message(question, fallback, question.errors.required) });
        }
        continue;
      }
      answers[question.id] = value;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
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
    if (unknown.length > 0) return { ok: false, errors: unknown.map((field) => ({ field, questionId: '', message: fillText(DEFAULT_MESSAGES.unknownField, { field: field.slice(0, 60) }) })) };
    if (single(raw.confirm) !== 'yes') return { ok: false, errors: [{ field: 'confirm', questionId: 'confirm', message: page.errors.required }] };
    return { ok: true, answers: { confirm: 'yes' } };
  }
  if (Object.keys(raw).length > 0) {
    return { ok: false, errors: Object.keys(raw).map((field) => ({ field, questionId: '', message: fillText(DEFAULT_MESSAGES.unknownField, { field: field.slice(0, 60) }) })) };
  }
  return { ok: true, answers: {} };
}
