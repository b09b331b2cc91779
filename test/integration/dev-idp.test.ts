import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import pg from 'pg';
import { IdentityException, StaffRole, TokenVerifier } from '@front-counter/identity';
import { startDevIdp, type DevRealm, type DevUser, type RunningDevIdp } from '../../apps/idp/src/dev-idp.js';
import { loadTenantIdentityRows, seededRealms, seededUsername, type TenantIdentityRow } from '../../apps/idp/src/seeded-users.js';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { launchChromium } from '../support/browser.js';
import { createTestDatabase } from '../support/database.js';

const run = promisify(execFile);
const COOKIE_SECRET = 'a-test-cookie-secret-of-some-length';
const STAFF = 'front-counter-staff';
const CALLBACK = 'http://northshire.localhost:3000/staff/callback';

function user(realm: string, suffix: string, name: string, roles: string[]): DevUser {
  return { id: `${realm}-${suffix}-id`, username: `${realm}.${suffix}`, name, email: `${realm}.${suffix}@example.test`, roles };
}

/** Two small realms, changeable while the provider runs (realms are looked up on every request). */
function fakeRealms(): DevRealm[] {
  return [
    {
      realm: 'northshire',
      displayName: 'Northshire Police',
      audience: 'front-counter',
      users: [user('northshire', 'handler1', 'Amelia Whitfield', ['call-handler']), user('northshire', 'supervisor', 'Rhys Pritchard', ['supervisor'])],
      redirectHosts: ['report.northshire.police.example', 'northshire.localhost', 'localhost', '127.0.0.1'],
    },
    {
      realm: 'eastmarch-staff',
      displayName: 'Eastmarch Constabulary',
      audience: 'eastmarch-api',
      users: [user('eastmarch-staff', 'admin', 'Priya Chaudhry', ['force-admin'])],
      redirectHosts: ['eastmarch.localhost'],
    },
  ];
}

async function startWith(realms: DevRealm[], options: { keysFile?: string } = {}): Promise<RunningDevIdp> {
  return startDevIdp(
    { baseUrl: (port) => `http://127.0.0.1:${port}`, realms: async (name) => realms.find((realm) => realm.realm === name) ?? null, cookieSecret: COOKIE_SECRET, ...options },
    { host: '127.0.0.1', port: 0 },
  );
}

async function passwordGrant(base: string, realm: string, username: string, password = 'front-counter-dev') {
  const response = await fetch(`${base}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'front-counter-cli', username, password }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string | number> };
}

/** The real access-token verifier of the api, trusting one realm, with keys from Keycloak's certs path. */
function verifierFor(issuer: string, audience = 'front-counter') {
  return new TokenVerifier(async (claimed) => (claimed === issuer ? { tenantId: 'tenant-1', issuer, audience, rolesClaim: 'realm_access.roles' } : null));
}

/** Just enough of a browser for redirects done by hand: keeps the provider's cookies, by path, and sends them back. */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { pathname } = new URL(url);
    const cookie = [...this.cookies.values()]
      .filter((stored) => pathname === stored.path || pathname.startsWith(stored.path.endsWith('/') ? stored.path : `${stored.path}/`))
      .map((stored) => `${stored.name}=${stored.value}`)
      .join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) ?? '/';
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(`${name} ${path}`);
      else this.cookies.set(`${name} ${path}`, { name, value, path });
    }
    return response;
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.fetch(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}

function location(response: Response, base: string): string {
  const value = response.headers.get('location');
  if (!value) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(value, base).href;
}

/** Follows redirects on the provider until one leaves it (to the force site's callback). */
async function followToSite(jar: CookieJar, response: Response, base: string): Promise<URL> {
  let current = response;
  for (let hop = 0; hop < 10; hop++) {
    const next = location(current, base);
    if (!next.startsWith(base)) return new URL(next);
    current = await jar.fetch(next);
  }
  throw new Error('too many redirects');
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizationUrl(base: string, realm: string, parameters: Record<string, string>): string {
  const url = new URL(`${base}/realms/${realm}/protocol/openid-connect/auth`);
  url.search = new URLSearchParams({ client_id: STAFF, response_type: 'code', scope: 'openid profile email', redirect_uri: CALLBACK, state: 'state-1', nonce: 'nonce-1', code_challenge_method: 'S256', ...parameters }).toString();
  return url.href;
}

/** The sign-in page's "Sign in as" forms: action and username, as a browser would submit them. */
function signInForms(html: string): { action: string; username: string }[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"><input type="hidden" name="username" value="([^"]+)">/g)].map(([, action, username]) => ({
    action: action.replace(/&amp;/g, '&'),
    username,
  }));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the development OpenID Connect provider', () => {
  let realms: DevRealm[];
  let idp: RunningDevIdp;
  let issuer: string;

  beforeAll(async () => {
    realms = fakeRealms();
    idp = await startWith(realms);
    issuer = `${idp.url}/realms/northshire`;
  });
  afterAll(() => idp?.close());

  it('builds issuers from the real port when listening on port 0', () => {
    expect(idp.port).toBeGreaterThan(0);
    expect(idp.url).toBe(`http://127.0.0.1:${idp.port}`);
  });

  it('publishes discovery with the exact issuer and Keycloak’s endpoint paths', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
      jwks_uri: `${issuer}/protocol/openid-connect/certs`,
      userinfo_endpoint: `${issuer}/protocol/openid-connect/userinfo`,
      end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
      revocation_endpoint: `${issuer}/protocol/openid-connect/revoke`,
      introspection_endpoint: `${issuer}/protocol/openid-connect/token/introspect`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
  });

  it('serves each realm’s public signing key, and nothing private, at /certs', async () => {
    const response = await fetch(`${issuer}/protocol/openid-connect/certs`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), n: expect.any(String) })]);
    expect(keys[0]).not.toHaveProperty('d');
    const other = (await (await fetch(`${idp.url}/realms/eastmarch-staff/protocol/openid-connect/certs`)).json()) as { keys: { kid: string }[] };
    expect(other.keys[0].kid).not.toBe(keys[0].kid);
  });

  it('answers the realm address like Keycloak, and 404 for a realm that does not exist', async () => {
    const info = await fetch(`${idp.url}/realms/northshire`);
    expect(info.status).toBe(200);
    await expect(info.json()).resolves.toMatchObject({ realm: 'northshire', 'token-service': `${issuer}/protocol/openid-connect`, public_key: expect.stringMatching(/^MII/) });
    for (const address of ['/realms/nowhere', '/realms/nowhere/.well-known/openid-configuration', '/realms/..%2Fnorthshire/protocol/openid-connect/certs']) {
      const missing = await fetch(`${idp.url}${address}`);
      expect(missing.status).toBe(404);
      await expect(missing.json()).resolves.toMatchObject({ error: 'Realm does not exist' });
    }
  });

  it('gives a Keycloak-like JWT access token for the password grant, accepted by the api’s verifier', async () => {
    const { status, body } = await passwordGrant(idp.url, 'northshire', 'northshire.handler1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, access_token: expect.any(String) });
    const token = String(body.access_token);
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`)), { issuer, audience: 'front-counter' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'northshire-handler1-id',
      typ: 'Bearer',
      azp: 'front-counter-cli',
      realm_access: { roles: ['call-handler'] },
      name: 'Amelia Whitfield',
      preferred_username: 'northshire.handler1',
      email: 'northshire.handler1@example.test',
      scope: expect.stringContaining('openid'),
    });
    expect(Number(payload.exp) - Math.floor(Date.now() / 1000)).toBeGreaterThan(290);
    expect(Number(payload.exp) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
    await expect(verifierFor(issuer).verify(token)).resolves.toMatchObject({ subject: 'northshire-handler1-id', roles: [StaffRole.CallHandler], name: 'Amelia Whitfield' });
  });

  it('uses each realm’s own audience and key: a token of one realm is no good for another', async () => {
    const { body } = await passwordGrant(idp.url, 'eastmarch-staff', 'eastmarch-staff.admin');
    const token = String(body.access_token);
    expect(decodeJwt(token)).toMatchObject({ aud: 'eastmarch-api', iss: `${idp.url}/realms/eastmarch-staff`, realm_access: { roles: ['force-admin'] } });
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`)))).rejects.toThrow();
  });

  it('refuses a wrong password or an unknown user with invalid_grant', async () => {
    for (const [username, password] of [['northshire.handler1', 'wrong'], ['northshire.nobody', 'front-counter-dev'], ['eastmarch-staff.admin', 'front-counter-dev']]) {
      const { status, body } = await passwordGrant(idp.url, 'northshire', username, password);
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_grant');
    }
  });

  it('allows the password grant only to the command-line client', async () => {
    const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: STAFF, username: 'northshire.handler1', password: 'front-counter-dev' }),
    });
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/grant type is not allowed/) });
  });

  it('signs a staff member in with the authorization code flow and PKCE, without JavaScript', async () => {
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const start = await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge }));
    expect(start.status).toBe(303);
    const signInAddress = location(start, idp.url);
    expect(signInAddress).toMatch(new RegExp(`^${issuer}/login-actions/`));

    const page = await jar.fetch(signInAddress);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await page.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toContain('Development sign-in: not for real use');
    expect(html).not.toMatch(/<script/i);
    for (const text of ['Amelia Whitfield', 'northshire.handler1', 'call-handler', 'Rhys Pritchard', 'northshire.supervisor', 'supervisor', 'Sign in as Rhys Pritchard']) expect(html).toContain(text);
    const form = signInForms(html).find((candidate) => candidate.username === 'northshire.supervisor');
    expect(form).toBeDefined();

    const signedIn = await jar.post(new URL(form!.action, idp.url).href, { username: form!.username });
    expect(signedIn.status).toBe(303);
    const callback = await followToSite(jar, signedIn, idp.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('state-1');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();

    const exchange = (code_verifier: string) =>
      fetch(`${issuer}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: STAFF, code: code!, redirect_uri: CALLBACK, code_verifier }) });
    const wrongVerifier = await exchange(pkce().verifier);
    expect(wrongVerifier.status).toBe(400);
    await expect(wrongVerifier.json()).resolves.toMatchObject({ error: 'invalid_grant' });

    const tokens = await exchange(verifier);
    expect(tokens.status).toBe(200);
    const body = (await tokens.json()) as { access_token: string; id_token: string; refresh_token?: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.refresh_token).toEqual(expect.any(String));

    const verifierOfForce = verifierFor(issuer);
    await expect(verifierOfForce.verify(body.access_token)).resolves.toMatchObject({ subject: 'northshire-supervisor-id', roles: [StaffRole.Supervisor] });
    expect(decodeJwt(body.access_token)).toMatchObject({ azp: STAFF, typ: 'Bearer' });
    // The ID token is Keycloak-like too (typ "ID", nonce, at_hash): never mistaken for an access token.
    expect(decodeJwt(body.id_token)).toMatchObject({ typ: 'ID', aud: STAFF, nonce: 'nonce-1', at_hash: expect.any(String), preferred_username: 'northshire.supervisor' });
    const refusal = verifierFor(issuer, STAFF).verify(body.id_token);
    await expect(refusal).rejects.toBeInstanceOf(IdentityException);
    await expect(refusal).rejects.toMatchObject({ reason: expect.stringMatching(/ID token/) });

    const userinfo = await fetch(`${issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(userinfo.status).toBe(200);
    await expect(userinfo.json()).resolves.toMatchObject({ sub: 'northshire-supervisor-id', preferred_username: 'northshire.supervisor', email: 'northshire.supervisor@example.test' });
    const userinfoWithIdToken = await fetch(`${issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${body.id_token}` } });
    expect(userinfoWithIdToken.status).toBe(401);

    const refreshed = await fetch(`${issuer}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: STAFF, refresh_token: body.refresh_token! }) });
    expect(refreshed.status).toBe(200);
    const refreshedBody = (await refreshed.json()) as { access_token: string };
    await expect(verifierOfForce.verify(refreshedBody.access_token)).resolves.toMatchObject({ roles: [StaffRole.Supervisor] });
  });

  it('lets the staff member cancel, and explains an expired sign-in', async () => {
    const jar = new CookieJar();
    const page = await jar.fetch(location(await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: pkce().challenge })), idp.url));
    const action = /<form method="post" action="([^"]+)"><input type="hidden" name="cancel"/.exec(await page.text())?.[1];
    const cancelled = await followToSite(jar, await jar.post(new URL(action!, idp.url).href, { cancel: 'yes' }), idp.url);
    expect(`${cancelled.origin}${cancelled.pathname}`).toBe(CALLBACK);
    expect(cancelled.searchParams.get('error')).toBe('access_denied');

    const stale = await new CookieJar().fetch(`${issuer}/login-actions/no-such-sign-in`);
    expect(stale.status).toBe(400);
    await expect(stale.text()).resolves.toContain('This sign-in has expired');
  });

  it('requires PKCE with S256', async () => {
    const jar = new CookieJar();
    const missing = await jar.fetch(authorizationUrl(idp.url, 'northshire', {}));
    expect(new URL(location(missing, idp.url)).searchParams.get('error')).toBe('invalid_request');
    const plain = await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
    expect(new URL(location(plain, idp.url)).searchParams.get('error')).toBe('invalid_request');
  });

  it('returns staff to /staff/callback on any port of the realm’s hosts, and refuses every other address', async () => {
    const { challenge } = pkce();
    const attempt = (redirectUri: string) => new CookieJar().fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge, redirect_uri: redirectUri }));
    for (const allowed of ['https://report.northshire.police.example/staff/callback', 'http://localhost:8080/staff/callback', 'http://127.0.0.1:3000/staff/callback']) {
      const response = await attempt(allowed);
      expect(response.status).toBe(303);
      expect(location(response, idp.url)).toMatch(new RegExp(`^${issuer}/login-actions/`));
    }
    for (const refused of [
      'http://evil.example:3000/staff/callback',
      'http://eastmarch.localhost:3000/staff/callback',
      'http://northshire.localhost.evil.example/staff/callback',
      'http://northshire.localhost:3000/staff/callback/extra',
      'http://northshire.localhost:3000/other',
      'http://northshire.localhost:3000/staff/callback?next=http://evil.example',
      'http://user@northshire.localhost:3000/staff/callback',
      'ftp://northshire.localhost/staff/callback',
    ]) {
      const response = await attempt(refused);
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      await expect(response.text()).resolves.toContain('redirect_uri did not match');
    }
  });

  it('keeps each realm’s session to itself, and shows the sign-in page again for prompt=login', async () => {
    const jar = new CookieJar();
    const { challenge } = pkce();
    const page = await jar.fetch(location(await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge })), idp.url));
    const [form] = signInForms(await page.text());
    await followToSite(jar, await jar.post(new URL(form.action, idp.url).href, { username: form.username }), idp.url);

    // Signed in to northshire: a second request goes straight back to the site.
    const silent = await followToSite(jar, await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge })), idp.url);
    expect(silent.searchParams.get('code')).toBeTruthy();
    // prompt=login asks again.
    const forced = await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge, prompt: 'login' }));
    expect(location(forced, idp.url)).toMatch(/\/login-actions\//);
    // Another realm on the same host and port knows nothing of that session; signing in there leaves it alone.
    const eastmarchCallback = 'http://eastmarch.localhost:3000/staff/callback';
    const elsewhere = await jar.fetch(authorizationUrl(idp.url, 'eastmarch-staff', { code_challenge: challenge, redirect_uri: eastmarchCallback }));
    const eastmarchPage = location(elsewhere, idp.url);
    expect(eastmarchPage).toMatch(new RegExp(`/realms/eastmarch-staff/login-actions/`));
    const [eastmarchForm] = signInForms(await (await jar.fetch(eastmarchPage)).text());
    const eastmarchSignedIn = await followToSite(jar, await jar.post(new URL(eastmarchForm.action, idp.url).href, { username: eastmarchForm.username }), idp.url);
    expect(eastmarchSignedIn.href).toMatch(/^http:\/\/eastmarch\.localhost:3000\/staff\/callback\?code=/);
    const stillSignedIn = await followToSite(jar, await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge })), idp.url);
    expect(stillSignedIn.searchParams.get('code')).toBeTruthy();
  });

  it('signs out with id_token_hint and returns to /staff/signed-out; the refresh token then stops working', async () => {
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const page = await jar.fetch(location(await jar.fetch(authorizationUrl(idp.url, 'northshire', { code_challenge: challenge })), idp.url));
    const [form] = signInForms(await page.text());
    const callback = await followToSite(jar, await jar.post(new URL(form.action, idp.url).href, { username: form.username }), idp.url);
    const tokens = (await (
      await fetch(`${issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: STAFF, code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier }),
      })
    ).json()) as { id_token: string; refresh_token: string };

    const logoutUrl = (postLogout: string) => `${issuer}/protocol/openid-connect/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: postLogout, state: 'bye' })}`;
    const refused = await jar.fetch(logoutUrl('http://evil.example/staff/signed-out'));
    expect(refused.status).toBe(400);

    const confirm = await jar.fetch(logoutUrl('http://northshire.localhost:3000/staff/signed-out'));
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Sign out of Northshire Police?');
    expect(html).not.toMatch(/<script/i);
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)">/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action && xsrf).toBeTruthy();
    const done = await jar.post(action!, { xsrf: xsrf!, logout: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('http://northshire.localhost:3000/staff/signed-out?state=bye');

    const refresh = await fetch(`${issuer}/protocol/openid-connect/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: STAFF, refresh_token: tokens.refresh_token }) });
    expect(refresh.status).toBe(400);
    await expect(refresh.json()).resolves.toMatchObject({ error: 'invalid_grant' });

    // Without an ID token (say, it was lost), client_id names the client whose signed-out page to return to.
    const byClient = await jar.fetch(`${issuer}/protocol/openid-connect/logout?${new URLSearchParams({ client_id: STAFF, post_logout_redirect_uri: 'http://northshire.localhost:3000/staff/signed-out' })}`);
    const byClientHtml = await byClient.text();
    const continueAction = /<form[^>]*action="([^"]+)"/.exec(byClientHtml)?.[1];
    const continueXsrf = /name="xsrf" value="([^"]+)"/.exec(byClientHtml)?.[1];
    const back = await jar.post(continueAction!, { xsrf: continueXsrf!, logout: 'yes' });
    expect(back.headers.get('location')).toBe('http://northshire.localhost:3000/staff/signed-out');
  });

  it('looks realms up on every request: a force added while it runs can sign in at once', async () => {
    expect((await passwordGrant(idp.url, 'riverford', 'riverford.handler1')).status).toBe(404);
    realms.push({ realm: 'riverford', displayName: 'Riverford Police', audience: 'front-counter', users: [user('riverford', 'handler1', 'Callum MacLeod', ['call-handler'])], redirectHosts: ['riverford.localhost'] });
    const { status, body } = await passwordGrant(idp.url, 'riverford', 'riverford.handler1');
    expect(status).toBe(200);
    expect(decodeJwt(String(body.access_token)).iss).toBe(`${idp.url}/realms/riverford`);
  });
});

describe('the sign-in page in Chromium', () => {
  it('signs in with JavaScript turned off, and passes axe', async () => {
    const idp = await startWith(fakeRealms());
    const browser = await launchChromium();
    try {
      const { challenge } = pkce();
      const start = authorizationUrl(idp.url, 'northshire', { code_challenge: challenge });
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      // The force site is not running: its callback is answered here, as the browser reaches it.
      await noScript.route('http://northshire.localhost:3000/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><title>Callback</title><h1>Back at the force site</h1>' }));
      const page = await noScript.newPage();
      await page.goto(start);
      await expect(page.title()).resolves.toBe('Sign in to Northshire Police (development)');
      await expect(page.getByRole('banner').textContent()).resolves.toContain('Development sign-in: not for real use');
      await page.getByRole('button', { name: 'Sign in as Rhys Pritchard' }).click();
      await page.waitForURL(/\/staff\/callback\?/);
      const callback = new URL(page.url());
      expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
      expect(callback.searchParams.get('code')).toBeTruthy();
      await noScript.close();

      // axe runs as a script, so this context has JavaScript (the page itself has none).
      const withScript = await browser.newContext({ bypassCSP: true });
      const audited = await withScript.newPage();
      await audited.goto(start);
      const results = await new AxeBuilder({ page: audited }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
      expect(results.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
      await withScript.close();
    } finally {
      await browser.close();
      await idp.close();
    }
  });
});

describe('signing keys', () => {
  it('are kept in keysFile (mode 0600) and reused after a restart, so earlier tokens still verify', async () => {
    const keysFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'dev-idp-keys-')), 'nested', 'keys.json');
    const first = await startWith(fakeRealms(), { keysFile });
    const { body } = await passwordGrant(first.url, 'northshire', 'northshire.handler1');
    const firstIssuer = `${first.url}/realms/northshire`;
    await first.close();
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);

    // Port 0 gives the restart another port; the issuer is kept the same as the first run's so only the keys are tested.
    const second = await startDevIdp(
      { baseUrl: first.url, realms: async (name) => fakeRealms().find((realm) => realm.realm === name) ?? null, cookieSecret: COOKIE_SECRET, keysFile },
      { host: '127.0.0.1', port: 0 },
    );
    const fresh = await startWith(fakeRealms());
    try {
      const certsOf = (running: RunningDevIdp) => createRemoteJWKSet(new URL(`http://127.0.0.1:${running.port}/realms/northshire/protocol/openid-connect/certs`));
      await expect(jwtVerify(String(body.access_token), certsOf(second), { issuer: firstIssuer, audience: 'front-counter' })).resolves.toBeDefined();
      await expect(jwtVerify(String(body.access_token), certsOf(fresh), { issuer: firstIssuer })).rejects.toThrow();
    } finally {
      await Promise.all([second.close(), fresh.close()]);
    }
  });
});

describe('seeded users', () => {
  const rows: TenantIdentityRow[] = [
    { slug: 'northshire', name: { en: 'Northshire Police' }, domains: ['report.northshire.police.example'], identity: { realm: 'northshire', audience: 'front-counter' } },
    { slug: 'dyffryn', name: { en: 'Dyffryn Police' }, domains: ['report.dyffryn.police.example'], identity: { realm: 'dyffryn-staff', audience: 'fc' } },
    { slug: 'eastmarch', name: { en: 'Eastmarch Constabulary' }, domains: [], identity: { realm: 'eastmarch', issuer: 'https://keycloak.eastmarch.example/realms/eastmarch', audience: 'front-counter' } },
  ];

  it('give every force on the development provider its realm with two call handlers, a supervisor and a force admin', () => {
    const realms = seededRealms(rows, { audience: 'front-counter', redirectHosts: ['national.front-counter.example'] });
    expect(realms.map((realm) => realm.realm)).toEqual(['northshire', 'dyffryn-staff', 'national']);
    const [northshire, dyffryn, national] = realms;
    expect(northshire).toMatchObject({ displayName: 'Northshire Police', audience: 'front-counter', redirectHosts: ['report.northshire.police.example', 'northshire.localhost', 'localhost', '127.0.0.1'] });
    expect(northshire.users.map(({ username, roles, email }) => ({ username, roles, email }))).toEqual([
      { username: 'northshire.handler1', roles: ['call-handler'], email: 'northshire.handler1@northshire.police.example' },
      { username: 'northshire.handler2', roles: ['call-handler'], email: 'northshire.handler2@northshire.police.example' },
      { username: 'northshire.supervisor', roles: ['supervisor'], email: 'northshire.supervisor@northshire.police.example' },
      { username: 'northshire.admin', roles: ['force-admin'], email: 'northshire.admin@northshire.police.example' },
    ]);
    expect(dyffryn).toMatchObject({ audience: 'fc', redirectHosts: expect.arrayContaining(['dyffryn.localhost']) });
    expect(dyffryn.users[0].email).toBe('dyffryn-staff.handler1@dyffryn.police.example');
    expect(national).toMatchObject({ displayName: 'National programme team', audience: 'front-counter', redirectHosts: ['localhost', '127.0.0.1', 'national.localhost', 'national.front-counter.example'] });
    expect(national.users.map((seeded) => seeded.roles)).toEqual([['national-admin'], ['national-admin']]);

    const everyone = realms.flatMap((realm) => realm.users);
    expect(new Set(everyone.map((seeded) => seeded.id)).size).toBe(everyone.length);
    for (const seeded of everyone) expect(seeded.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const realm of realms) expect(new Set(realm.users.map((seeded) => seeded.name)).size).toBe(realm.users.length);
    // Deterministic: the same rows give the same people with the same ids.
    expect(seededRealms(rows, { audience: 'front-counter' })[0].users).toEqual(northshire.users);
  });

  it('name the first user of a role without the database, as the token command needs', () => {
    expect(seededUsername('northshire', 'call-handler')).toBe('northshire.handler1');
    expect(seededUsername('dyffryn-staff', 'force-admin')).toBe('dyffryn-staff.admin');
    expect(seededUsername('national', 'national-admin')).toBe('national.admin1');
    expect(seededUsername('northshire', 'national-admin')).toBeNull();
  });

  it('load the forces and their domains from the registry as the application role', async () => {
    const database = await createTestDatabase();
    const app = new pg.Client({ connectionString: database.urls.app });
    try {
      await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false });
      await app.connect();
      const loaded = await loadTenantIdentityRows((sql) => app.query(sql));
      const northshire = loaded.find((row) => row.slug === 'northshire');
      expect(northshire).toMatchObject({ name: { en: 'Northshire Police' }, identity: { realm: 'northshire' }, domains: ['report.northshire.police.example'] });
      const realm = seededRealms(loaded, { audience: 'front-counter' }).find((candidate) => candidate.realm === 'northshire');
      expect(realm?.redirectHosts).toEqual(['report.northshire.police.example', 'northshire.localhost', 'localhost', '127.0.0.1']);
    } finally {
      await app.end();
      await database.drop();
    }
  });
});

describe('npm run token', () => {
  let idp: RunningDevIdp;
  let tenantsDirectory: string;

  beforeAll(async () => {
    // A force whose realm differs from its slug: the command must read it from tenant.yaml.
    tenantsDirectory = mkdtempSync(path.join(os.tmpdir(), 'dev-idp-tenants-'));
    mkdirSync(path.join(tenantsDirectory, 'riverford'));
    writeFileSync(path.join(tenantsDirectory, 'riverford', 'tenant.yaml'), 'slug: riverford\nidentity:\n  realm: river-staff\n');
    const realms = seededRealms([{ slug: 'riverford', name: { en: 'Riverford Police' }, domains: [], identity: { realm: 'river-staff', audience: 'front-counter' } }], { audience: 'front-counter' });
    idp = await startWith(realms);
  });
  afterAll(() => idp?.close());

  async function token(environment: Record<string, string>, ...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], { env: { ...process.env, TENANTS_DIR: tenantsDirectory, ...environment } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('prints a call handler’s access token alone on the last line of stdout', async () => {
    const result = await token({ IDP_URL: idp.url }, '--tenant', 'riverford', '--role', 'call-handler');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const issued = lines[lines.length - 1];
    expect(issued).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(verifierFor(`${idp.url}/realms/river-staff`).verify(issued)).resolves.toMatchObject({ roles: [StaffRole.CallHandler] });
    expect(decodeJwt(issued).preferred_username).toBe('river-staff.handler1');
    expect(result.stderr).toMatch(/river-staff\.handler1 .*roles: call-handler; expires/);
  });

  it('finds the provider from PORT as npm start places it (PORT + 2)', async () => {
    const result = await token({ PORT: String(idp.port - 2), IDP_PORT: '', IDP_URL: '' }, '--tenant', 'riverford', '--role', 'supervisor');
    expect(result.code).toBe(0);
    expect(decodeJwt(result.stdout.trim()).realm_access).toEqual({ roles: ['supervisor'] });
  });

  it.each([
    [['--tenant', 'riverford', '--role', 'chief'], /no role "chief".*call-handler, supervisor, force-admin/],
    [['--tenant', 'nowhere', '--role', 'call-handler'], /no realm "nowhere"/],
    [['--tenant', 'riverford', '--role', 'call-handler', '--user', 'river-staff.nobody'], /refused river-staff\.nobody/],
    [['--tenant', 'riverford'], /Usage: npm run token/],
  ])('fails with exit code 1 and says why: %j', async (args, message) => {
    const result = await token({ IDP_URL: idp.url }, ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('says to run npm start when nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await token({ IDP_URL: url }, '--tenant', 'riverford', '--role', 'call-handler');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Is \`npm start\` running? The development sign-in provider should be at ${url}`);
  });
});
