import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { isLocalPath } from '../pages/redirects.js';

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

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `__Secure-` makes browsers refuse the cookie unless it is Secure (https); path /staff rules out `__Host-`. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Secure-fc_staff' : 'fc_staff');
export const signInCookieName = (secure: boolean) => (secure ? '__Secure-fc_staff_sign_in' : 'fc_staff_sign_in');

type Purpose = 'session' | 'sign-in';

function keyFor(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'front-counter/staff-session', 'aes-256-gcm key v1', 32));
}

/** Sealed and opened with the same key; what it is for and the force are bound in as associated data. */
export class StaffCookieSealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = keyFor(secret);
  }

  seal(purpose: Purpose, force: string, payload: object): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${purpose}|${force}`));
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The payload, or null for anything not sealed by this key for this purpose and force. */
  open<T>(purpose: Purpose, force: string, value: string | undefined): T | null {
    if (!value || !value.startsWith(`${VERSION}.`)) return null;
    const encoded = value.slice(VERSION.length + 1);
    const raw = Buffer.from(encoded, 'base64url');
    // Only the one encoding seal() writes: Node's decoder skips stray characters and ignores the
    // spare bits of the last one, so a changed cookie could otherwise open as the same session.
    if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== encoded) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(`${purpose}|${force}`));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as T;
    } catch {
      return null;
    }
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

export const newCsrfToken = () => randomBytes(32).toString('base64url');

export function csrfMatches(session: StaffSession | null | undefined, given: unknown): boolean {
  if (!session || typeof given !== 'string') return false;
  const expected = Buffer.from(session.csrf);
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
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
