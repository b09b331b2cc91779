import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { CookieSealer } from './cookie-sealer.js';
import { csrfTokensMatch, derivedCsrfToken, newCsrfToken } from './csrf.js';
import { base64Json, SessionCookie } from './session-cookie.js';

const SECRET = 'a-session-secret-of-at-least-32-characters';

describe('csrf tokens', () => {
  it('match only the expected token, and never a missing one', () => {
    const token = newCsrfToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokensMatch(token, token)).toBe(true);
    expect(csrfTokensMatch(token, `${token}x`)).toBe(false);
    expect(csrfTokensMatch(token, undefined)).toBe(false);
    expect(csrfTokensMatch(token, [token])).toBe(false);
    expect(csrfTokensMatch(undefined, token)).toBe(false);
  });

  it('derive the same token from the same binding and secret only', () => {
    expect(derivedCsrfToken(SECRET, 'csrf:a')).toBe(derivedCsrfToken(SECRET, 'csrf:a'));
    expect(derivedCsrfToken(SECRET, 'csrf:a')).not.toBe(derivedCsrfToken(SECRET, 'csrf:b'));
    expect(derivedCsrfToken(SECRET, 'csrf:a')).not.toBe(derivedCsrfToken(`${SECRET}!`, 'csrf:a'));
  });
});

describe('CookieSealer', () => {
  it('opens only what it sealed, for the same purpose and scope', () => {
    const sealer = new CookieSealer(SECRET, 'test');
    const sealed = sealer.seal('session', 'northshire', { a: 1 });
    expect(sealer.open('session', 'northshire', sealed)).toEqual({ a: 1 });
    expect(sealer.open('session', 'southvale', sealed)).toBeNull();
    expect(sealer.open('sign-in', 'northshire', sealed)).toBeNull();
    expect(new CookieSealer(SECRET, 'other').open('session', 'northshire', sealed)).toBeNull();
  });
});

describe('SessionCookie', () => {
  let app: FastifyInstance;
  let base = '';
  const cookie = new SessionCookie<{ n: number }, string>({
    name: (secure) => (secure ? '__Host-test' : 'test'),
    path: '/area',
    secure: (request) => request.headers['x-secure'] === '1',
    signed: true,
    maxAgeSeconds: (value) => value.n,
    encode: (value) => base64Json.encode(value),
    decode: (text, scope) => {
      const value = base64Json.decode(text) as { n?: unknown } | undefined;
      return scope === 'ok' && typeof value?.n === 'number' ? { n: value.n } : undefined;
    },
  });

  beforeAll(async () => {
    app = Fastify();
    await app.register(fastifyCookie, { secret: SECRET });
    app.get('/area/write', async (request, reply) => {
      cookie.write(request, reply, { n: 60 }, 'ok');
      return 'written';
    });
    app.get('/area/read', async (request) => cookie.lookup(request, String((request.query as { scope?: string }).scope ?? 'ok')));
    app.get('/area/clear', async (request, reply) => {
      cookie.clear(request, reply);
      return 'cleared';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  afterAll(() => app.close());

  it('writes a signed, http-only, SameSite=Lax cookie on its path, with its lifetime', async () => {
    const answer = await get('/area/write', { 'x-secure': '1' });
    const set = String(answer.headers.get('set-cookie'));
    expect(set).toMatch(/^__Host-test=[^;]+\.[^;]+; Max-Age=60; Path=\/area; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('reads back what it wrote, and tells a missing cookie from a changed or foreign one', async () => {
    const written = await get('/area/write');
    const value = /^test=([^;]+)/.exec(String(written.headers.get('set-cookie')))![1];
    const read = (cookieValue: string | undefined, scope = 'ok') => get(`/area/read?scope=${scope}`, cookieValue === undefined ? {} : { cookie: `test=${cookieValue}` }).then((answer) => answer.json());
    await expect(read(value)).resolves.toEqual({ kind: 'found', value: { n: 60 } });
    await expect(read(undefined)).resolves.toEqual({ kind: 'none' });
    await expect(read(`x${value}`)).resolves.toEqual({ kind: 'invalid' });
    await expect(read(value, 'other')).resolves.toEqual({ kind: 'invalid' });
  });

  it('clears the cookie on its path', async () => {
    const answer = await get('/area/clear');
    expect(String(answer.headers.get('set-cookie'))).toMatch(/^test=; Max-Age=0; Path=\/area; .*HttpOnly; SameSite=Lax$/);
  });
});
