import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Forms' anti-forgery tokens, one way for every area: either a random token kept in the session
 * itself (staff), or one derived from the session with the site's secret (the public journey and
 * tracking, whose cookies hold no token). Every cookie is also SameSite=Lax.
 */
export const newCsrfToken = () => randomBytes(32).toString('base64url');

/** A token bound to `binding` (what identifies the session) by an HMAC with the site's secret. */
export function derivedCsrfToken(secret: string, binding: string): string {
  return createHmac('sha256', secret).update(binding).digest('base64url');
}

/** Whether a posted token is the expected one (compared in constant time); false when either is missing. */
export function csrfTokensMatch(expected: string | undefined, given: unknown): boolean {
  if (expected === undefined || typeof given !== 'string') return false;
  const wanted = Buffer.from(expected);
  const actual = Buffer.from(given);
  return wanted.length === actual.length && timingSafeEqual(wanted, actual);
}
