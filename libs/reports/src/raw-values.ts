import type { RawValues } from '@front-counter/forms';
import { ReportsException } from './reports.exception.js';

const MAX_FIELDS = 200;

/** Posted values: an object of strings (or lists of strings). Anything else is refused before any service sees it. */
export function rawValues(values: unknown): RawValues {
  if (!values || typeof values !== 'object' || Array.isArray(values)) throw ReportsException.invalidAnswer('values must be an object of field names to strings.');
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length > MAX_FIELDS) throw ReportsException.invalidAnswer(`values has more than ${MAX_FIELDS} fields.`);
  for (const [field, value] of entries) {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.length <= 100 && value.every((item) => typeof item === 'string'));
    if (!ok) throw ReportsException.invalidAnswer(`values.${field.slice(0, 60)} must be a string or a list of strings.`);
  }
  return values as RawValues;
}
