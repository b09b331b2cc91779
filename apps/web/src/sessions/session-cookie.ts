import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What an area declares about its cookie. Every session cookie is http-only and SameSite=Lax (a
 * provider's redirect back, or a link from an e-mail, is a top-level GET, which Lax allows).
 */
export interface SessionCookieSettings<Value, Scope = void> {
  /** The name; `secure` when the cookie will be Secure (a `__Host-`/`__Secure-` prefix needs it). */
  name: (secure: boolean) => string;
  path: string;
  /** Whether this request's cookie is Secure. */
  secure: (request: FastifyRequest) => boolean;
  /** Signed with the site's secret by @fastify/cookie (its value stays readable); otherwise `encode` seals it. */
  signed: boolean;
  /** Seconds the browser keeps it; undefined for the browser session. */
  maxAgeSeconds?: (value: Value) => number | undefined;
  encode: (value: Value, scope: Scope, request: FastifyRequest) => string;
  /** The value, or undefined when the cookie is not one this area wrote (for this scope) or has run out. */
  decode: (text: string, scope: Scope) => Value | undefined;
}

export type CookieLookup<Value> = { kind: 'none' } | { kind: 'invalid' } | { kind: 'found'; value: Value };

/** One session cookie: read (verified), written and cleared the same way whichever area it serves. */
export class SessionCookie<Value, Scope = void> {
  constructor(private readonly settings: SessionCookieSettings<Value, Scope>) {}

  name(request: FastifyRequest): string {
    return this.settings.name(this.settings.secure(request));
  }

  /** Name, path and flags as sent in Set-Cookie: what a value must leave room for. */
  overhead(request: FastifyRequest): number {
    return `${this.name(request)}=; Path=${this.settings.path}; HttpOnly; SameSite=Lax; Secure`.length;
  }

  lookup(request: FastifyRequest, scope: Scope): CookieLookup<Value> {
    const raw = request.cookies?.[this.name(request)];
    if (!raw) return { kind: 'none' };
    let text = raw;
    if (this.settings.signed) {
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value) return { kind: 'invalid' };
      text = unsigned.value;
    }
    const value = this.settings.decode(text, scope);
    return value === undefined ? { kind: 'invalid' } : { kind: 'found', value };
  }

  read(request: FastifyRequest, scope: Scope): Value | undefined {
    const found = this.lookup(request, scope);
    return found.kind === 'found' ? found.value : undefined;
  }

  write(request: FastifyRequest, reply: FastifyReply, value: Value, scope: Scope, path = this.settings.path): void {
    const maxAge = this.settings.maxAgeSeconds?.(value);
    reply.setCookie(this.name(request), this.settings.encode(value, scope, request), {
      path,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.settings.secure(request),
      ...(this.settings.signed ? { signed: true } : {}),
      ...(maxAge === undefined ? {} : { maxAge }),
    });
  }

  clear(request: FastifyRequest, reply: FastifyReply, path = this.settings.path): void {
    reply.clearCookie(this.name(request), { path, httpOnly: true, sameSite: 'lax', secure: this.settings.secure(request) });
  }
}

/** JSON in base64url: the value of a signed cookie that holds more than a token. */
export const base64Json = {
  encode: (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url'),
  decode: (text: string): unknown => {
    try {
      return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  },
};
