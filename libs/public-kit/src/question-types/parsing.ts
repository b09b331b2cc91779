import { InvalidAnswer, questionMessage } from './messages.js';
import type { Question, RawValues } from './question.js';

// Parts of answers that several types take: a date, a time, a postcode, an address, a map point.

/** One posted value, trimmed (the last, where a field came several times). */
export const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '';

/** Every non-empty value posted under one name (checkboxes, file ids). */
export const many = (value: string | string[] | undefined) => [value].flat().filter((item): item is string => typeof item === 'string' && item !== '');

export const DATE_PARTS = ['day', 'month', 'year'] as const;
export const ADDRESS_PARTS = ['line1', 'line2', 'town', 'postcode'] as const;

export const dateFields = (prefix: string) => DATE_PARTS.map((part) => `${prefix}-${part}`);
export const addressFields = (prefix: string) => ADDRESS_PARTS.map((part) => `${prefix}-${part}`);

export function parseDate(question: Question, raw: RawValues, prefix: string, bounds: { notInFuture?: boolean; notInPast?: boolean }): string | undefined {
  const [day, month, year] = DATE_PARTS.map((part) => single(raw[`${prefix}-${part}`]));
  if (!day && !month && !year) return undefined;
  if (!day || !month || !year) throw new InvalidAnswer(questionMessage(question, 'dateIncomplete', question.errors.invalid), `${prefix}-${!day ? 'day' : !month ? 'month' : 'year'}`);
  if (![day, month, year].every((part) => /^\d+$/.test(part)) || year.length !== 4) throw new InvalidAnswer(questionMessage(question, 'date', question.errors.invalid), `${prefix}-day`);
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(year) < 1900) {
    throw new InvalidAnswer(questionMessage(question, 'date', question.errors.invalid), `${prefix}-day`);
  }
  const iso = date.toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  if (bounds.notInFuture && iso > today) throw new InvalidAnswer(questionMessage(question, 'tooLate', question.errors.tooLate), `${prefix}-day`);
  if (bounds.notInPast && iso < today) throw new InvalidAnswer(questionMessage(question, 'tooEarly', question.errors.tooEarly), `${prefix}-day`);
  return iso;
}

export function parseTime(question: Question, value: string, field: string): string | undefined {
  if (!value) return undefined;
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/i.exec(value.replace(/\s+/g, ' '));
  let hours = match ? Number(match[1]) : NaN;
  const minutes = match?.[2] ? Number(match[2]) : 0;
  const meridiem = match?.[3]?.toLowerCase();
  if (meridiem) {
    if (hours < 1 || hours > 12) hours = NaN;
    else hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (!match?.[2]) hours = NaN; // "14" alone is ambiguous
  if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) throw new InvalidAnswer(questionMessage(question, 'time', question.errors.invalid), field);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;
export function parsePostcode(question: Question, value: string, field: string): string {
  const match = POSTCODE.exec(value.toUpperCase().replace(/\s+/g, ' ').trim());
  if (!match) throw new InvalidAnswer(questionMessage(question, 'postcode'), field);
  return `${match[1]} ${match[2]}`;
}

export function parseAddress(question: Question, raw: RawValues, prefix: string) {
  const [line1, line2, town, postcode] = ADDRESS_PARTS.map((part) => single(raw[`${prefix}-${part}`]));
  if (!line1 && !line2 && !town && !postcode) return undefined;
  for (const [part, value] of [['line1', line1], ['line2', line2], ['town', town]] as const) {
    if (value.length > 200) throw new InvalidAnswer(questionMessage(question, 'tooLong', undefined, { max: 200 }), `${prefix}-${part}`);
  }
  if (!line1) throw new InvalidAnswer(questionMessage(question, 'addressLine1'), `${prefix}-line1`);
  if (!town) throw new InvalidAnswer(questionMessage(question, 'addressTown'), `${prefix}-town`);
  return { line1, line2: line2 || undefined, town, postcode: postcode ? parsePostcode(question, postcode, `${prefix}-postcode`) : undefined };
}

/** A point given with a location: both coordinates or neither, in degrees (WGS84), kept to about a metre. */
export function parsePoint(question: Question, raw: RawValues, id: string): { latitude: number; longitude: number } | Record<string, never> {
  const latitude = single(raw[`${id}-latitude`]);
  const longitude = single(raw[`${id}-longitude`]);
  if (!latitude && !longitude) return {};
  const [lat, lng] = [Number(latitude), Number(longitude)];
  if (!latitude || !longitude || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    throw new InvalidAnswer(questionMessage(question, 'locationPoint'), `${id}-kind`);
  }
  return { latitude: Math.round(lat * 1e5) / 1e5, longitude: Math.round(lng * 1e5) / 1e5 };
}
