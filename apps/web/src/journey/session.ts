import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** `__Host-` in production: the browser refuses it unless Secure, path / and no Domain, so no sibling host can set it. */
const cookieName = (secure: boolean) => (secure ? '__Host-fc_session' : 'fc_session');

/**
 * The reporter's session: a random token in an http-only, signed, SameSite=Lax cookie. The api keeps
 * only its hash against the draft; the token never appears in a page or a URL.
 */
export class Sessions {
  constructor(
    private readonly secret: string,
    private readonly secure: boolean,
  ) {}

  current(request: FastifyRequest): string | undefined {
    const raw = request.cookies?.[cookieName(this.secure)];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value && /^[A-Za-z0-9_-]{43}$/.test(unsigned.value) ? unsigned.value : undefined;
  }

  /** The current session, or a new one set on the reply. */
  ensure(request: FastifyRequest, reply: FastifyReply): string {
    const existing = this.current(request);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    reply.setCookie(cookieName(this.secure), token, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure, signed: true });
    return token;
  }

  /** A form's anti-forgery token, bound to the session (the cookie is also SameSite=Lax). */
  csrfToken(session: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${session}`).digest('base64url');
  }

  validCsrf(session: string | undefined, token: unknown): boolean {
    if (!session || typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(session));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
