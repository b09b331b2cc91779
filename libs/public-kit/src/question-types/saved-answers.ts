import type { Language } from './question.js';
import { QUESTION_TEXTS } from './texts/index.js';
import { ADDRESS_PARTS } from './parsing.js';

// Reading saved answers back: as input values (to change them) and as text (check your answers).

export type AnswerRecord = Record<string, unknown>;
export const isRecord = (value: unknown): value is AnswerRecord => typeof value === 'object' && value !== null && !Array.isArray(value);
export const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);

export function dateValues(prefix: string, iso: unknown): Record<string, string> {
  const match = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!match) return {};
  return { [`${prefix}-day`]: String(Number(match[3])), [`${prefix}-month`]: String(Number(match[2])), [`${prefix}-year`]: match[1] };
}

export function addressValues(prefix: string, answer: AnswerRecord): Record<string, string> {
  return Object.fromEntries(ADDRESS_PARTS.flatMap((part) => (str(answer[part]) ? [[`${prefix}-${part}`, str(answer[part])!]] : [])));
}

/** '2024-02-03' → '3 February 2024' (or '3 Chwefror 2024'); anything else as it is. */
export function formatDate(iso: unknown, language: Language): string {
  const match = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!match) return String(iso ?? '');
  return `${Number(match[3])} ${QUESTION_TEXTS[language].date.months[Number(match[2]) - 1] ?? match[2]} ${match[1]}`;
}

export const fill = (template: string, params: Record<string, string>) => template.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);

/** The non-empty texts among `parts`, one to a line. */
export const lines = (...parts: unknown[]) => parts.filter((part) => typeof part === 'string' && part !== '').join('\n');
