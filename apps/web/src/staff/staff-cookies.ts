import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import {
  isValidSession,
  sealSession,
  sessionCookieName,
  sessionState,
  signInCookieName,
  SIGN_IN_MINUTES,
  StaffCookieSealer,
  type SessionLimits,
  type SessionState,
  type SignInTransaction,
  type StaffSession,
} from './staff-session.js';

/** The session goes with the staff pages (/staff) and the administration pages (/admin) alike. */
const SESSION_PATH = '/';
/** A sign-in on its way through the provider comes back only to /staff/callback. */
const SIGN_IN_PATH = '/staff';

export type SessionLookup = { kind: 'none' } | { kind: 'invalid' } | { kind: 'ended'; why: Exclude<SessionState, 'active'>; session: StaffSession } | { kind: 'active'; session: StaffSession };

/**
 * Reads and writes the two staff cookies: the session, and a sign-in on its way through the
 * provider. Both are http-only, SameSite=Lax (the provider's redirect back is a top-level GET, which
 * Lax allows), Secure over https, and live only as long as the browser session. The sign-in cookie is
 * sent only to /staff; the session to the whole site, since it serves /staff and /admin (public pages
 * never read it, and it is sealed for this force alone).
 */
@Injectable()
export class StaffCookies {
  private readonly sealer: StaffCookieSealer;
  readonly limits: SessionLimits;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.sealer = new StaffCookieSealer(config.session.secret);
    this.limits = config.identity.staffSession;
  }

  /** Secure cookies over https, and always in production (where a proxy may end TLS). */
  secure(request: FastifyRequest): boolean {
    return this.config.environment === 'production' || request.protocol === 'https';
  }

  private options(request: FastifyRequest, path: string, maxAge?: number) {
    return { path, httpOnly: true, sameSite: 'lax' as const, secure: this.secure(request), ...(maxAge === undefined ? {} : { maxAge }) };
  }

  /** Name, path and flags as sent in Set-Cookie: what the value must leave room for. */
  private overhead(request: FastifyRequest): number {
    return `${sessionCookieName(this.secure(request))}=; Path=${SESSION_PATH}; HttpOnly; SameSite=Lax; Secure`.length;
  }

  read(request: FastifyRequest, force: string, now = Date.now()): SessionLookup {
    const raw = request.cookies?.[sessionCookieName(this.secure(request))];
    if (!raw) return { kind: 'none' };
    const session = this.sealer.open<StaffSession>('session', force, raw);
    if (!isValidSession(session)) return { kind: 'invalid' };
    const state = sessionState(session, now, this.limits);
    return state === 'active' ? { kind: 'active', session } : { kind: 'ended', why: state, session };
  }

  write(request: FastifyRequest, reply: FastifyReply, force: string, session: StaffSession): void {
    reply.setCookie(sessionCookieName(this.secure(request)), sealSession(this.sealer, force, session, this.overhead(request)), this.options(request, SESSION_PATH));
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(sessionCookieName(this.secure(request)), this.options(request, SESSION_PATH));
  }

  readSignIn(request: FastifyRequest, force: string, now = Date.now()): SignInTransaction | null {
    const transaction = this.sealer.open<SignInTransaction>('sign-in', force, request.cookies?.[signInCookieName(this.secure(request))]);
    if (!transaction || typeof transaction.createdAt !== 'number' || now - transaction.createdAt > SIGN_IN_MINUTES * 60_000) return null;
    return transaction;
  }

  writeSignIn(request: FastifyRequest, reply: FastifyReply, force: string, transaction: SignInTransaction): void {
    reply.setCookie(signInCookieName(this.secure(request)), this.sealer.seal('sign-in', force, transaction), this.options(request, SIGN_IN_PATH, SIGN_IN_MINUTES * 60));
  }

  clearSignIn(request: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(signInCookieName(this.secure(request)), this.options(request, SIGN_IN_PATH));
  }
}
