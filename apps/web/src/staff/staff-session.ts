import { isLocalPath } from '../pages/redirects.js';
import { CookieSealer } from '../sessions/cookie-sealer.js';
import { csrfTokensMatch } from '../sessions/csrf.js';

export { newCsrfToken } from '../sessions/csrf.js';

/**
 * A signed-in staff member, as kept in their browser: the web holds no database, so the session is
 * an AES-256-GCM encrypted, http-only cookie scoped to /staff. Encryption keeps the tokens unreadable
 * by anything but this web; authentication (GCM's tag, with the force in the associated data) means a
 * changed cookie, or one made on another force's site, is refused rather than believed.
 */
export interface StaffSession {
  accessToken: string;
  /** Milliseconds since the epoch; the token is refreshed a little before. */
  accessExpiresAt: number;
  refreshToken?: string;
  /** Kept only when the cookie stays small enough; sign-out then names the client instead. */
  idToken?: string;
  subject: string;
  name: string;
  roles: string[];
  createdAt: number;
  lastSeenAt: number;
  csrf: string;
  /** A success message for the next page shown (Post/Redirect/Get). */
  flash?: string;
  /** A problem with the last action, for the next page shown: never in the success banner. */
  flashProblem?: string;
}

/** A sign-in on its way through the provider: what the callback must check. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go once signed in (a staff path). */
  returnTo: string;
  createdAt: number;
}

export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

export type SessionState = 'active' | 'idle' | 'absolute';

/** Browsers keep about 4 KB per cookie, name and attributes included: stay clear of it. */
export const MAX_COOKIE_BYTES = 3800;
export const SIGN_IN_MINUTES = 10;

/** `__Secure-` makes browsers refuse the cookie unless it is Secure (https); path /staff rules out `__Host-`. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Secure-fc_staff' : 'fc_staff');
export const signInCookieName = (secure: boolean) => (secure ? '__Secure-fc_staff_sign_in' : 'fc_staff_sign_in');

/** The staff cookies' sealer: the session and a sign-in on its way, each bound to its force. */
export class StaffCookieSealer extends CookieSealer {
  constructor(secret: string) {
    super(secret, 'front-counter/staff-session');
  }
}

/** Whether a session may still be used at `now`: idle too long, or signed in too long, ends it. */
export function sessionState(session: Pick<StaffSession, 'createdAt' | 'lastSeenAt'>, now: number, limits: SessionLimits): SessionState {
  if (now - session.createdAt >= limits.absoluteHours * 3_600_000) return 'absolute';
  if (now - session.lastSeenAt >= limits.idleMinutes * 60_000) return 'idle';
  return 'active';
}

/** The moment the session ends if nothing more happens (for streams that outlive a page view). */
export function sessionEndsAt(session: Pick<StaffSession, 'createdAt' | 'lastSeenAt'>, limits: SessionLimits): number {
  return Math.min(session.createdAt + limits.absoluteHours * 3_600_000, session.lastSeenAt + limits.idleMinutes * 60_000);
}

export function isValidSession(value: unknown): value is StaffSession {
  const session = value as Partial<StaffSession> | null;
  return (
    typeof session === 'object' &&
    session !== null &&
    typeof session.accessToken === 'string' &&
    typeof session.accessExpiresAt === 'number' &&
    typeof session.subject === 'string' &&
    typeof session.name === 'string' &&
    Array.isArray(session.roles) &&
    typeof session.createdAt === 'number' &&
    typeof session.lastSeenAt === 'number' &&
    typeof session.csrf === 'string' &&
    session.csrf.length >= 32
  );
}

export function csrfMatches(session: StaffSession | null | undefined, given: unknown): boolean {
  return csrfTokensMatch(session?.csrf, given);
}

/**
 * The session sealed for its cookie. The ID token goes only if the whole Set-Cookie stays under
 * MAX_COOKIE_BYTES (sign-out then names the client instead); without it the session must still fit.
 */
export function sealSession(sealer: StaffCookieSealer, force: string, session: StaffSession, cookieOverhead: number): string {
  const sealed = sealer.seal('session', force, session);
  if (sealed.length + cookieOverhead <= MAX_COOKIE_BYTES || !session.idToken) {
    if (sealed.length + cookieOverhead > MAX_COOKIE_BYTES) throw new Error(`The staff session does not fit in a cookie (${sealed.length} bytes)`);
    return sealed;
  }
  const { idToken: _dropped, ...smaller } = session;
  return sealSession(sealer, force, smaller, cookieOverhead);
}

/** Only a path on the staff pages, with nothing that could lead off the site (the one rule, isLocalPath). */
export function safeReturnTo(value: unknown): string {
  const allowed = isLocalPath(value) && value.length <= 500 && (value === '/admin' || value === '/national' || /^\/(?:staff|admin|national)\//.test(value));
  return allowed ? value : '/staff/queue';
}
