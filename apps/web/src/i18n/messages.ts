import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Language } from '@front-counter/tenancy';
import { WEB_ROOT } from '../web-paths.js';

type Catalogue = { [key: string]: string | string[] | Catalogue | Catalogue[] };
export type MessageParams = Record<string, string | number | undefined>;

const catalogues: Record<Language, Catalogue> = {
  en: JSON.parse(readFileSync(path.join(WEB_ROOT, 'src/i18n/en.json'), 'utf8')) as Catalogue,
  cy: JSON.parse(readFileSync(path.join(WEB_ROOT, 'src/i18n/cy.json'), 'utf8')) as Catalogue,
};

function lookup(language: Language, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), catalogues[language]);
}

function fill(template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

function fillDeep(value: unknown, params: MessageParams): unknown {
  if (typeof value === 'string') return fill(value, params);
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, params));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fillDeep(child, params)]));
  return value;
}

/** A message, a list of paragraphs or a whole section, in `language` with `{placeholders}` filled. A missing key is a bug: it throws. */
export function translate(language: Language, key: string, params: MessageParams = {}): unknown {
  const value = lookup(language, key) ?? lookup('en', key);
  if (value === undefined) throw new Error(`Missing message "${key}"`);
  return fillDeep(value, params);
}
