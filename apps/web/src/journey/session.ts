import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { derivedCsrfToken, csrfTokensMatch } from '../sessions/csrf.js';
import { SessionCookie } from '../sessions/session-cookie.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The reporter's session: a random token in an http-only, signed, SameSite=Lax cookie. The api keeps
 * only its hash against the draft; the token never appears in a page or a URL. `__Host-` in
 * production: the browser refuses it unless Secure, path / and no Domain, so no sibling host can set it.
 */
export class Sessions {
  private readonly cookie: SessionCookie<string>;

  constructor(
    private readonly secret: string,
    secure: boolean,
  ) {
    this.cookie = new SessionCookie<string>({
      name: (isSecure) => (isSecure ? '__Host-fc_session' : 'fc_session'),
      path: '/',
      secure: () => secure,
      signed: true,
      encode: (token) => token,
      decode: (text) => (TOKEN.test(text) ? text : undefined),
    });
  }

  current(request: FastifyRequest): string | undefined {
    return this.cookie.read(request);
  }

  /** The current session, or a new one set on the reply. */
  ensure(request: FastifyRequest, reply: FastifyReply): string {
    const existing = this.current(request);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    this.cookie.write(request, reply, token);
    return token;
  }

  /** A form's anti-forgery token, bound to the session (the cookie is also SameSite=Lax). */
  csrfToken(session: string): string {
    return derivedCsrfToken(this.secret, `csrf:${session}`);
  }

  validCsrf(session: string | undefined, token: unknown): boolean {
    return session !== undefined && csrfTokensMatch(this.csrfToken(session), token);
  }
}
