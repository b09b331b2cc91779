import { createHmac, createPublicKey } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { DEFAULT_DEV_BACK_OFFICE_SECRET, DEFAULT_DEV_PASSWORD } from './clients.js';
import { SigningKeys } from './keys.js';
import { createRealmProvider, LOGIN_ACTIONS_PATH, type RealmState } from './realm-provider.js';
import { FormTooLargeError, handleSignIn } from './sign-in.js';

// The embedded development OpenID Connect provider: oidc-provider, one instance per realm, served
// under Keycloak's URL layout so that a force moves to a real Keycloak by configuration alone.
// Everything a caller needs is exported from here.
export { BACK_OFFICE_CLIENT_ID, CLI_CLIENT_ID, DEFAULT_DEV_BACK_OFFICE_SECRET, DEFAULT_DEV_PASSWORD, STAFF_CALLBACK_PATH, STAFF_CLIENT_ID, STAFF_SIGNED_OUT_PATH } from './clients.js';
export { loadTenantIdentityRows, NATIONAL_REALM, registryRealms, seededRealms, seededUsername, type NationalRealmOptions, type Query, type TenantIdentityRow } from './seeded-users.js';

export interface DevUser {
  /** The stable `sub`. */
  id: string;
  username: string;
  name: string;
  email: string;
  roles: string[];
}

export interface DevRealm {
  realm: string;
  displayName: string;
  /** The `aud` of the realm's access tokens. */
  audience: string;
  users: DevUser[];
  /** Hosts whose `/staff/callback` and `/staff/signed-out` (any port, http or https) the staff client may return to. */
  redirectHosts: string[];
}

export interface DevIdpOptions {
  /**
   * Public base URL: issuers are `${baseUrl}/realms/<realm>`. With port 0 the real port is known only
   * after listening, so this may be a function of it, e.g. `(port) => \`http://localhost:${port}\``.
   */
  baseUrl: string | ((port: number) => string);
  /** Looked up on every request, so forces added while it runs can sign in. Null: no such realm (404). */
  realms: (realm: string) => Promise<DevRealm | null>;
  /** Where the realms' signing keys are kept (JSON, mode 0600) so tokens survive a restart; omitted: in memory. */
  keysFile?: string;
  /** Signs the provider's cookies; at least 16 characters. */
  cookieSecret: string;
  /** The one password of every user, for the password grant (`npm run token`). */
  password?: string;
  /** Each realm's records system client secret (client credentials); IDP_BACK_OFFICE_SECRET, else a development default. */
  backOfficeSecret?: string;
  accessTokenSeconds?: number;
  log?: (line: string) => void;
}

export interface RunningDevIdp {
  /** The base URL in use (realms are at `${url}/realms/<realm>`). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_ACCESS_TOKEN_SECONDS = 300;
const REALM_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MIN_COOKIE_SECRET_LENGTH = 16;

interface RealmEntry {
  state: RealmState;
  provider: Provider;
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Keycloak's realm info shows the realm's public key as base64 DER. */
  publicKey: string;
}

/** Listens on host:port (port 0: any free port; pass `baseUrl` as a function to build issuers from the real one). */
export async function startDevIdp(options: DevIdpOptions, listen: { host: string; port: number }): Promise<RunningDevIdp> {
  checkOptions(options);
  const keys = await SigningKeys.open(options.keysFile);
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = http.createServer((req, res) => {
    if (handler) void handler(req, res);
    else sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'The development sign-in provider is starting' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = resolveBaseUrl(options.baseUrl, port);
  handler = requestHandler(url, options, keys);
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function checkOptions(options: DevIdpOptions): void {
  if (options.cookieSecret.length < MIN_COOKIE_SECRET_LENGTH) throw new Error(`The development sign-in provider's cookieSecret must be at least ${MIN_COOKIE_SECRET_LENGTH} characters`);
  if (options.password !== undefined && options.password.length === 0) throw new Error("The development sign-in provider's password must not be empty");
  const seconds = options.accessTokenSeconds;
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) throw new Error(`The development sign-in provider's accessTokenSeconds must be a positive whole number (got ${seconds})`);
}

function resolveBaseUrl(baseUrl: DevIdpOptions['baseUrl'], port: number): string {
  const text = typeof baseUrl === 'function' ? baseUrl(port) : baseUrl;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`The development sign-in provider's baseUrl is not a URL: ${text}`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new Error(`The development sign-in provider's baseUrl must be an http(s) URL without query or fragment: ${text}`);
  }
  return url.href.replace(/\/+$/, '');
}

function requestHandler(url: string, options: DevIdpOptions, keys: SigningKeys) {
  const log = options.log ?? (() => {});
  const realmsPrefix = `${new URL(url).pathname.replace(/\/+$/, '')}/realms/`;
  const cookieKeys = [createHmac('sha256', options.cookieSecret).update('front-counter development sign-in cookies').digest('base64url')];
  const entries = new Map<string, Promise<RealmEntry>>();

  async function createEntry(realm: DevRealm): Promise<RealmEntry> {
    const signingKey = await keys.forRealm(realm.realm);
    const state: RealmState = { current: realm };
    const issuer = `${url}/realms/${realm.realm}`;
    const provider = createRealmProvider(state, {
      issuer,
      signingKey,
      cookieKeys,
      password: options.password ?? DEFAULT_DEV_PASSWORD,
      backOfficeSecret: options.backOfficeSecret ?? process.env.IDP_BACK_OFFICE_SECRET ?? DEFAULT_DEV_BACK_OFFICE_SECRET,
      accessTokenSeconds: options.accessTokenSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS,
      log,
    });
    log(`realm ${realm.realm}: issuer ${issuer}`);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: signingKey.n, e: signingKey.e }, format: 'jwk' }).export({ type: 'spki', format: 'der' }).toString('base64');
    return { state, provider, handle: provider.callback(), publicKey };
  }

  // One Provider per realm, made on first use; concurrent first requests share the one being made.
  async function entryFor(realm: DevRealm): Promise<RealmEntry> {
    let entry = entries.get(realm.realm);
    if (!entry) {
      entry = createEntry(realm);
      entries.set(realm.realm, entry);
      entry.catch(() => entries.delete(realm.realm));
    }
    const ready = await entry;
    ready.state.current = realm;
    return ready;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    if (!raw.startsWith(realmsPrefix)) {
      return sendJson(res, 404, { error: 'not_found', error_description: `This development sign-in provider serves realms at ${url}/realms/<realm>` });
    }
    const [, name, rest] = /^([^/?#]*)(.*)$/s.exec(raw.slice(realmsPrefix.length)) as RegExpExecArray;
    const realm = REALM_NAME.test(name) ? await lookUp(name) : null;
    if (realm === undefined) return sendJson(res, 503, { error: 'temporarily_unavailable', error_description: `Realm "${name}" could not be looked up; see the log` });
    if (!realm) return sendJson(res, 404, { error: 'Realm does not exist', error_description: `There is no realm "${name}" on this development sign-in provider` });
    if (realm.realm !== name) throw new Error(`The realms callback was asked for "${name}" and returned realm "${realm.realm}"`);
    const entry = await entryFor(realm);
    const path = rest.split('?')[0];

    if (path === '' || path === '/') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed', error_description: 'Use GET' });
      return sendJson(res, 200, {
        realm: realm.realm,
        public_key: entry.publicKey,
        'token-service': `${entry.provider.issuer}/protocol/openid-connect`,
        'tokens-not-before': 0,
      });
    }
    if (path.startsWith(LOGIN_ACTIONS_PATH)) {
      const uid = path.slice(LOGIN_ACTIONS_PATH.length);
      if (!/^[\w-]+$/.test(uid)) return sendJson(res, 404, { error: 'not_found', error_description: 'No such sign-in' });
      return handleSignIn(entry.provider, realm, uid, req, res, log);
    }
    // oidc-provider routes on paths relative to the realm; it puts the realm back into every URL it makes.
    req.url = rest;
    await entry.handle(req, res);
  }

  async function lookUp(name: string): Promise<DevRealm | null | undefined> {
    try {
      return await options.realms(name);
    } catch (error) {
      log(`realm ${name}: lookup failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await route(req, res);
    } catch (error) {
      if (error instanceof FormTooLargeError) return sendJson(res, 413, { error: 'invalid_request', error_description: error.message });
      // The path only: the query of an authorisation or callback request carries its code and state.
      log(`${req.method} ${req.url?.split('?')[0]}: ${(error as Error).stack ?? String(error)}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: 'server_error', error_description: 'The development sign-in provider failed; see its log' });
    }
  };
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
