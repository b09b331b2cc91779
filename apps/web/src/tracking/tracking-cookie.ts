import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokensMatch, derivedCsrfToken } from '../sessions/csrf.js';
import { base64Json, SessionCookie } from '../sessions/session-cookie.js';

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
  const state = base64Json.decode(value) as Partial<TrackingState> | undefined;
  if (typeof state !== 'object' || state === null) return undefined;
  if (typeof state.force !== 'string' || typeof state.nonce !== 'string' || typeof state.until !== 'number') return undefined;
  if (state.reference !== undefined && !(typeof state.reference === 'string' && REFERENCE.test(state.reference))) return undefined;
  if (state.token !== undefined && !(typeof state.token === 'string' && TOKEN.test(state.token))) return undefined;
  if (state.maskedEmail !== undefined && typeof state.maskedEmail !== 'string') return undefined;
  if (state.notice !== undefined && state.notice !== 'expired' && state.notice !== 'replied' && state.notice !== 'files-added') return undefined;
  return state as TrackingState;
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
  private readonly cookie: SessionCookie<TrackingState, string>;

  constructor(
    private readonly secret: string,
    production: boolean,
  ) {
    this.cookie = new SessionCookie<TrackingState, string>({
      name: () => COOKIE,
      path: PATH,
      secure: (request) => production || request.protocol === 'https',
      signed: true,
      // Nothing outlives the state's own deadline (at most the api's tracking session).
      maxAgeSeconds: (state) => Math.max(1, Math.floor((state.until - Date.now()) / 1000)),
      encode: (state) => base64Json.encode(state),
      decode: (text, force) => {
        const state = decode(text);
        return state && state.force === force && state.until > Date.now() ? state : undefined;
      },
    });
  }

  /** The state for this force, if the cookie is present, signed by us, well formed, made on this force's site and still in time. */
  read(request: FastifyRequest, force: string): TrackingState | undefined {
    return this.cookie.read(request, force);
  }

  /** A new state for this force: nothing but a form token, valid for the cookie's whole lifetime. */
  fresh(force: string, carry: Partial<Pick<TrackingState, 'reference' | 'notice'>> = {}): TrackingState {
    return { force, nonce: randomBytes(16).toString('base64url'), until: Date.now() + TRACKING_COOKIE_MINUTES * 60_000, ...carry };
  }

  write(request: FastifyRequest, reply: FastifyReply, state: TrackingState): void {
    const until = Math.min(state.until, Date.now() + TRACKING_COOKIE_MINUTES * 60_000);
    this.cookie.write(request, reply, { ...state, until }, state.force);
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    this.cookie.clear(request, reply);
  }

  /** The anti-forgery token of this state's forms (the cookie is also SameSite=Lax). */
  csrfToken(state: TrackingState): string {
    return derivedCsrfToken(this.secret, `tracking-csrf:${state.force}:${state.nonce}`);
  }

  validCsrf(state: TrackingState | undefined, token: unknown): boolean {
    return state !== undefined && csrfTokensMatch(this.csrfToken(state), token);
  }
}
