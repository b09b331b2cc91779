import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { SessionCookie } from '../sessions/session-cookie.js';
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

export type SessionLookup = { kind: 'none' } | { kind: 'invalid' } | { kind: 'ended'; why: Exclude<SessionState, 'active'>; session: StaffSession } | { kind: 'active'; session: StaffSession };

/**
 * The staff area's two cookies, declared on the shared SessionCookie: the session, and a sign-in on
 * its way through the provider. Both are sealed for this force (AES-GCM), http-only, SameSite=Lax
 * (the provider's redirect back is a top-level GET, which Lax allows), Secure over https, and live
 * only as long as the browser session. The sign-in cookie is sent only to /staff; the session to the
 * whole site, since it serves /staff, /admin and /national (public pages never read it).
 */
@Injectable()
export class StaffCookies {
  private readonly session: SessionCookie<StaffSession, string>;
  private readonly signIn: SessionCookie<SignInTransaction, string>;
  readonly limits: SessionLimits;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const sealer = new StaffCookieSealer(config.session.secret);
    this.limits = config.identity.staffSession;
    const secure = (request: FastifyRequest) => this.secure(request);
    this.session = new SessionCookie<StaffSession, string>({
      name: sessionCookieName,
      path: '/',
      secure,
      signed: false,
      // The ID token is left out when it would not fit (see sealSession).
      encode: (session, force, request) => sealSession(sealer, force, session, this.session.overhead(request)),
      decode: (text, force) => {
        const session = sealer.open<StaffSession>('session', force, text);
        return isValidSession(session) ? session : undefined;
      },
    });
    this.signIn = new SessionCookie<SignInTransaction, string>({
      name: signInCookieName,
      path: '/staff',
      secure,
      signed: false,
      maxAgeSeconds: () => SIGN_IN_MINUTES * 60,
      encode: (transaction, force) => sealer.seal('sign-in', force, transaction),
      decode: (text, force) => sealer.open<SignInTransaction>('sign-in', force, text) ?? undefined,
    });
  }

  /** Secure cookies over https, and always in production (where a proxy may end TLS). */
  secure(request: FastifyRequest): boolean {
    return this.config.environment === 'production' || request.protocol === 'https';
  }

  read(request: FastifyRequest, force: string, now = Date.now()): SessionLookup {
    const found = this.session.lookup(request, force);
    if (found.kind !== 'found') return found;
    const state = sessionState(found.value, now, this.limits);
    return state === 'active' ? { kind: 'active', session: found.value } : { kind: 'ended', why: state, session: found.value };
  }

  write(request: FastifyRequest, reply: FastifyReply, force: string, session: StaffSession): void {
    this.session.write(request, reply, session, force);
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    this.session.clear(request, reply);
  }

  readSignIn(request: FastifyRequest, force: string, now = Date.now()): SignInTransaction | null {
    const transaction = this.signIn.read(request, force);
    if (!transaction || typeof transaction.createdAt !== 'number' || now - transaction.createdAt > SIGN_IN_MINUTES * 60_000) return null;
    return transaction;
  }

  writeSignIn(request: FastifyRequest, reply: FastifyReply, force: string, transaction: SignInTransaction): void {
    this.signIn.write(request, reply, transaction, force);
  }

  clearSignIn(request: FastifyRequest, reply: FastifyReply): void {
    this.signIn.clear(request, reply);
  }
}
