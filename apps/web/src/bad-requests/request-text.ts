import { FORM_LIMITS, WebBadRequest, type BadRequestProblem } from './bad-request.js';

/** NUL, or half of a UTF-16 surrogate pair on its own: text PostgreSQL refuses and no keyboard types. */
const UNACCEPTABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isAcceptableText(text: string): boolean {
  return !UNACCEPTABLE.test(text);
}

/** Every string in a parsed body (keys too), however deep: true when none holds unacceptable text. */
export function isAcceptableValue(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return isAcceptableText(value);
  if (depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => isAcceptableValue(item, depth + 1));
  if (value && typeof value === 'object') return Object.entries(value).every(([key, item]) => isAcceptableText(key) && isAcceptableValue(item, depth + 1));
  return true;
}

/** `%` not followed by two hex digits: the encoding itself is broken, as opposed to what it encodes. */
const BROKEN_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/**
 * One percent-encoded component, decoded strictly: broken escapes are `whenBroken`; bytes that are
 * no UTF-8 (an encoded surrogate, say) or decode to NUL are invalid characters.
 */
export function decodeComponent(raw: string, whenBroken: BadRequestProblem): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new WebBadRequest(BROKEN_ESCAPE.test(raw) ? whenBroken : 'invalid-characters');
  }
  if (!isAcceptableText(decoded)) throw new WebBadRequest('invalid-characters');
  return decoded;
}

/** What is wrong with a request's target (path and query), or null: checked once, before any route. */
export function requestTargetProblem(url: string): BadRequestProblem | null {
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const query = queryStart < 0 ? '' : url.slice(queryStart + 1);
  try {
    decodeComponent(path, 'invalid-address');
    for (const pair of query.split('&')) for (const part of pair.split('=')) decodeComponent(part.replace(/\+/g, ' '), 'invalid-address');
  } catch (error) {
    if (error instanceof WebBadRequest) return error.problem;
    throw error;
  }
  return null;
}

export type FormBody = Record<string, string | string[]>;

/**
 * An application/x-www-form-urlencoded body, strictly: broken escapes and too many fields are
 * refused rather than guessed at, as is text the database could not hold; a repeated field becomes a
 * list, except the form token, which a page sends once.
 */
export function parseUrlEncodedForm(text: string, maxFields: number = FORM_LIMITS.fields): FormBody {
  const form: FormBody = Object.create(null) as FormBody;
  if (text === '') return form;
  const pairs = text.split('&');
  if (pairs.length > maxFields) throw new WebBadRequest('too-many-fields');
  for (const pair of pairs) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeComponent((equals < 0 ? pair : pair.slice(0, equals)).replace(/\+/g, ' '), 'malformed-form');
    const value = decodeComponent(equals < 0 ? '' : pair.slice(equals + 1).replace(/\+/g, ' '), 'malformed-form');
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') throw new WebBadRequest('malformed-form');
    const existing = form[name];
    if (existing !== undefined && name === '_csrf') throw new WebBadRequest('malformed-form');
    form[name] = existing === undefined ? value : [existing, value].flat();
  }
  return form;
}

/** A valid Host header: a DNS name or an IPv6 literal, with an optional port; nothing else. */
const HOST = /^(?:\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}))(?::\d{1,5})?$/;

/**
 * What is wrong with the request's Host, or null. `rawHeaders` as Node gives them (name, value,
 * name, value...), since Node keeps only the first of several Host headers; `trustedForwardedHost`
 * is the X-Forwarded-Host a trusted proxy set (then the two may differ), undefined otherwise.
 */
export function hostProblem(rawHeaders: string[], forwardedHost: string | undefined, forwardedHostTrusted: boolean): BadRequestProblem | null {
  const hosts: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) if (rawHeaders[index].toLowerCase() === 'host') hosts.push(rawHeaders[index + 1]);
  if (hosts.length !== 1) return hosts.length === 0 ? null : 'invalid-address';
  const [host] = hosts;
  if (!HOST.test(host)) return 'invalid-address';
  if (forwardedHost !== undefined && !forwardedHostTrusted) {
    const forwarded = forwardedHost.split(',').map((entry) => entry.trim().toLowerCase());
    if (forwarded.some((entry) => entry.replace(/\.$/, '') !== host.toLowerCase().replace(/\.$/, ''))) return 'invalid-address';
  }
  return null;
}
