import type { FastifyRequest } from 'fastify';
import { looksLikeToken } from './scrubbing.js';

/** A parameter value shown in a logged path: a plain lower-case word or slug (a service or page id). */
const PLAIN_WORD = /^[a-z][a-z0-9-]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Parameters that carry a secret whatever they look like. */
const SECRET_PARAMETERS = new Set(['token', 'code', 'state', 'session', 'link']);
const MAX_LOGGED_PATH = 200;

/**
 * The path a request line shows. For a matched route, its template (`/resume/:token`) with only the
 * parameters that are plain words filled in (`/contact-us/declaration` from `/:serviceId/:pageId`):
 * tokens, references and ids stay placeholders. For a request that matched no route, the raw path
 * with every segment that looks like a token or an address masked. Never the query string.
 */
export function loggedPath(route: string | undefined, rawUrl: string, parameters: unknown = {}): string {
  if (route) return fillPlainParameters(route, (parameters ?? {}) as Record<string, unknown>);
  return maskPath(rawUrl.split('?')[0]);
}

/** The request's logged path and its route template (undefined when no route matched). */
export function requestPath(request: FastifyRequest): { path: string; route: string | undefined } {
  const route = request.routeOptions?.url;
  return { path: loggedPath(route, request.url, request.params), route };
}

function fillPlainParameters(route: string, parameters: Record<string, unknown>): string {
  return route.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (placeholder, name: string) => {
    const value = parameters[name];
    return typeof value === 'string' && !SECRET_PARAMETERS.has(name) && PLAIN_WORD.test(value) && !UUID.test(value) && !looksLikeToken(value) ? value : placeholder;
  });
}

/** A raw path with token-like, address-like and overlong segments masked, and cut short. */
export function maskPath(path: string): string {
  const masked = path
    .split('/')
    .map((segment) => (segmentIsSecret(segment) ? '[token]' : segment))
    .join('/');
  return masked.length > MAX_LOGGED_PATH ? `${masked.slice(0, MAX_LOGGED_PATH)}[...]` : masked;
}

function segmentIsSecret(segment: string): boolean {
  if (segment === '') return false;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A malformed escape: judge the segment as it came.
  }
  if (decoded.length > 64 || decoded.includes('@')) return true;
  return (decoded.match(/[A-Za-z0-9_+=/-]{16,}/g) ?? []).some(looksLikeToken) || /[0-9a-f]{32,}/i.test(decoded);
}
