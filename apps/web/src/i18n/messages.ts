import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Language } from '@front-counter/tenancy';
import { WEB_ROOT } from '../web-paths.js';

type Catalogue = { [key: string]: string | string[] | Catalogue | Catalogue[] };
export type MessageParams = Record<string, string | number | undefined>;

const placeholders = (text: string) => [...new Set(Array.from(text.matchAll(/\{(\w+)\}/g), (match) => match[1]))].sort().join(', ');
const kindOf = (value: unknown) => (Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a section' : typeof value === 'string' ? 'a text' : typeof value);

/**
 * What `translation` lacks, or holds in another shape, of `reference` (the English): a missing or
 * extra key, a section where a text should be, a list of another length, an empty text, or other
 * `{placeholders}`. Each problem names the key.
 */
export function catalogueProblems(reference: unknown, translation: unknown, key = ''): string[] {
  const at = key || '(the whole catalogue)';
  if (kindOf(reference) !== kindOf(translation)) return [translation === undefined ? `${at}: missing` : `${at}: ${kindOf(translation)} where English has ${kindOf(reference)}`];
  if (typeof reference === 'string') {
    const text = translation as string;
    if (reference !== '' && text.trim() === '') return [`${at}: empty`];
    return placeholders(reference) === placeholders(text) ? [] : [`${at}: placeholders {${placeholders(text)}} where English has {${placeholders(reference)}}`];
  }
  if (Array.isArray(reference)) {
    const list = translation as unknown[];
    if (list.length !== reference.length) return [`${at}: ${list.length} items where English has ${reference.length}`];
    return reference.flatMap((item, index) => catalogueProblems(item, list[index], `${key}[${index}]`));
  }
  if (reference && typeof reference === 'object') {
    const section = translation as Record<string, unknown>;
    const extra = Object.keys(section).filter((name) => !Object.hasOwn(reference, name)).map((name) => `${key ? `${key}.` : ''}${name}: not in English`);
    return [...Object.entries(reference).flatMap(([name, child]) => catalogueProblems(child, Object.hasOwn(section, name) ? section[name] : undefined, key ? `${key}.${name}` : name)), ...extra];
  }
  return [];
}

/**
 * The messages of every language. The Welsh must have every key the English has: a force's Welsh
 * pages never quietly show English. Checked when the catalogues are read, so a gap stops the site at
 * start-up (and fails the catalogue's test) rather than reaching a page.
 */
export function loadCatalogues(catalogues: Record<Language, Catalogue>): Record<Language, Catalogue> {
  const problems = catalogueProblems(catalogues.en, catalogues.cy);
  if (problems.length) throw new Error(`The Welsh messages (i18n/cy.json) do not match the English (i18n/en.json): ${problems.join('; ')}`);
  return catalogues;
}

const catalogues = loadCatalogues({
  en: JSON.parse(readFileSync(path.join(WEB_ROOT, 'src/i18n/en.json'), 'utf8')) as Catalogue,
  cy: JSON.parse(readFileSync(path.join(WEB_ROOT, 'src/i18n/cy.json'), 'utf8')) as Catalogue,
});

/** The catalogues as read (for their test). */
export const MESSAGE_CATALOGUES: Readonly<Record<Language, Catalogue>> = catalogues;

function lookup(language: Language, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined), catalogues[language]);
}

/** Whether `key` names one text (not a section), e.g. a status's name looked up from the api's value. */
export function hasMessage(key: string): boolean {
  return typeof lookup('en', key) === 'string';
}

/** Fills `{name}` placeholders; an unknown placeholder is left as it is, so a missing value shows. */
export function fill(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

function fillDeep(value: unknown, params: MessageParams): unknown {
  if (typeof value === 'string') return fill(value, params);
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, params));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fillDeep(child, params)]));
  return value;
}

/**
 * A message, a list of paragraphs or a whole section, in `language` with `{placeholders}` filled. A
 * missing key is a bug: it throws, in Welsh as in English (there is no falling back to English).
 */
export function translate(language: Language, key: string, params: MessageParams = {}): unknown {
  const value = lookup(language, key);
  if (value === undefined) throw new Error(`Missing message "${key}"${language === 'en' ? '' : ` (${language})`}`);
  return fillDeep(value, params);
}
