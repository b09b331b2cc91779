import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'fc_track';
const PATH = '/track';
/** Nothing in the cookie outlives the api's tracking session (30 minutes), whatever the step. */
export const TRACKING_COOKIE_MINUTES = 30;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const REFERENCE = /^[0-9A-Z]{9}$/;

/**
 * Where the reporter is in tracking, for one force: after /track, the reference and a masked
 * address (for "we have sent a code to e••••@example.com"); after the code, the api's session
 * token. `notice` is a message for the next page only.
 */
export interface TrackingState {
  /** The force (tenant slug) it was made on: another force's site ignores it. */
  force: string;
  /** Binds this browser's form tokens to the cookie. */
  nonce: string;
  /** Milliseconds since the epoch after which the state is void, whatever the browser does with the cookie. */
  until: number;
  reference?: string;
  maskedEmail?: string;
  token?: string;
  notice?: 'expired' | 'replied' | 'files-added';
}

function decode(value: string): TrackingState | undefined {
  try {
    const state = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<TrackingState>;
    if (typeof state !== 'object' || state === null) return undefined;
    if (typeof state.force !== 'string' || typeof state.nonce !== 'string' || typeof state.until !== 'number') return undefined;
    if (state.reference !== undefined && !(typeof state.reference === 'string' && REFERENCE.test(state.reference))) return undefined;
    if (state.token !== undefined && !(typeof state.token === 'string' && TOKEN.test(state.token))) return undefined;
    if (state.maskedEmail !== undefined && typeof state.maskedEmail !== 'string') return undefined;
    if (state.notice !== undefined && state.notice !== 'expired' && state.notice !== 'replied' && state.notice !== 'files-added') return undefined;
    return state as TrackingState;
  } catch {
    return undefined;
  }
}

/** `e••••@example.com` (lower case, as the api compares addresses): enough for the reporter to recognise the address, too little to read it. */
export function maskEmail(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 1) return '••••';
  return `${address[0]}••••${address.slice(at)}`;
}

/**
 * The reporter's tracking state in one signed (the site's session secret, as the journey's
 * cookie), http-only, SameSite=Lax cookie on path /track, Secure on https. It never holds the
 * e-mail address itself, and the api keeps only a hash of the token.
 */
export class TrackingCookie {
  constructor(
    private readonly secret: string,
    private readonly production: boolean,
  ) {}

  private secure(request: FastifyRequest): boolean {
    return this.production || request.protocol === 'https';
  }

  /** The state for this force, if the cookie is present, signed by us, well formed, made on this force's site and still in time. */
  read(request: FastifyRequest, force: string): TrackingState | undefined {
    const raw = request.cookies?.[COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    const state = decode(unsigned.value);
    return state && state.force === force && state.until > Date.now() ? state : undefined;
  }

  /** A new state for this force: nothing but a form token, valid for the cookie's whole lifetime. */
  fresh(force: string, carry: Partial<Pick<TrackingState, 'reference' | 'notice'>> = {}): TrackingState {
    return { force, nonce: randomBytes(16).toString('base64url'), until: Date.now() + TRACKING_COOKIE_MINUTES * 60_000, ...carry };
  }

  write(request: FastifyRequest, reply: FastifyReply, state: TrackingState): void {
    const until = Math.min(state.until, Date.now() + TRACKING_COOKIE_MINUTES * 60_000);
    const value = Buffer.from(JSON.stringify({ ...state, until })).toString('base64url');
    reply.setCookie(COOKIE, value, {
      path: PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure(request),
      signed: true,
      maxAge: Math.max(1, Math.floor((until - Date.now()) / 1000)),
    });
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(COOKIE, { path: PATH, httpOnly: true, sameSite: 'lax', secure: this.secure(request) });
  }

  /** The anti-forgery token of this state's forms (the cookie is also SameSite=Lax). */
  csrfToken(state: TrackingState): string {
    return createHmac('sha256', this.secret).update(`tracking-csrf:${state.force}:${state.nonce}`).digest('base64url');
  }

  validCsrf(state: TrackingState | undefined, token: unknown): boolean {
    if (!state || typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(state));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
