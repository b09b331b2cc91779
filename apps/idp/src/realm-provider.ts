import { createPublicKey } from 'node:crypto';
import Provider, { errors, type Account, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { BACK_OFFICE_CLIENT_ID, BACK_OFFICE_ROLE, CLI_CLIENT_ID, STAFF_CALLBACK_PATH, STAFF_CLIENT_ID, STAFF_SIGNED_OUT_PATH } from './clients.js';
import { accessTokenClaims, CLAIMS_BY_SCOPE, userClaims } from './claims.js';
import type { DevRealm } from './dev-idp.js';
import type { SigningJwk } from './keys.js';
import { RealmStore } from './memory-adapter.js';
import { PASSWORD_GRANT, PASSWORD_GRANT_PARAMETERS, passwordGrant } from './password-grant.js';
import { errorPage, PAGE_SECURITY_HEADERS, signedOutPage, signOutPage } from './sign-in-page.js';
import { userinfo } from './userinfo.js';

/** Keycloak's endpoint paths under `/realms/<realm>`; discovery stays at `/.well-known/openid-configuration`. */
export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  revocation: '/protocol/openid-connect/revoke',
  introspection: '/protocol/openid-connect/token/introspect',
  pushed_authorization_request: '/protocol/openid-connect/ext/par/request',
};

/** Where oidc-provider sends the browser to sign in, under the realm (Keycloak's is login-actions too). */
export const LOGIN_ACTIONS_PATH = '/login-actions/';

// Every access token is for the realm's one API; the indicator is internal, the `aud` is the realm's audience.
const RESOURCE_INDICATOR = 'urn:front-counter:api';
const RESOURCE_SCOPE = 'openid profile email';
// Keycloak's default "SSO Session Max": a staff member signs in again after ten hours at most.
const SESSION_SECONDS = 10 * 60 * 60;

/** The realm as last resolved: updated on every request, so users and redirect hosts can change while it runs. */
export interface RealmState {
  current: DevRealm;
}

export interface RealmProviderSettings {
  issuer: string;
  signingKey: SigningJwk;
  cookieKeys: string[];
  password: string;
  accessTokenSeconds: number;
  /** The records system client's secret (client credentials). */
  backOfficeSecret: string;
  log: (line: string) => void;
}

export function createRealmProvider(state: RealmState, settings: RealmProviderSettings): Provider {
  const mountPath = new URL(settings.issuer).pathname;
  const resourceServer = (): ResourceServer => ({
    audience: state.current.audience,
    scope: RESOURCE_SCOPE,
    accessTokenFormat: 'jwt',
    accessTokenTTL: settings.accessTokenSeconds,
    jwt: { sign: { alg: 'RS256' } },
  });
  const findUser = (id: string | undefined) => state.current.users.find((user) => user.id === id);
  const initialHosts = state.current.redirectHosts.length > 0 ? state.current.redirectHosts : ['localhost'];

  const configuration: Configuration = {
    adapter: new RealmStore().adapterFor,
    // Registered for the record; redirectUriAllowed below is the rule that decides.
    clients: [
      {
        client_id: STAFF_CLIENT_ID,
        client_name: 'Front Counter staff pages',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid profile email offline_access',
        redirect_uris: initialHosts.map((host) => `https://${host}${STAFF_CALLBACK_PATH}`),
        post_logout_redirect_uris: initialHosts.map((host) => `https://${host}${STAFF_SIGNED_OUT_PATH}`),
      },
      {
        client_id: CLI_CLIENT_ID,
        client_name: 'Front Counter command line (development)',
        token_endpoint_auth_method: 'none',
        grant_types: [PASSWORD_GRANT],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: BACK_OFFICE_CLIENT_ID,
        client_name: 'The force’s records system (back office)',
        client_secret: settings.backOfficeSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [settings.signingKey] },
    routes: KEYCLOAK_ROUTES,
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { ...CLAIMS_BY_SCOPE, acr: null, sid: null, auth_time: null, iss: null },
    responseTypes: ['code'],
    pkce: { methods: ['S256'], required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    // Realms share one host and port: the session cookie is scoped to the realm's path, as Keycloak's is.
    cookies: {
      keys: settings.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax', path: mountPath },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    // The staff pages are server-rendered: no browser script calls these endpoints across origins.
    clientBasedCORS: () => false,
    findAccount: (_ctx, sub): Account | undefined => {
      const user = findUser(sub);
      return user ? { accountId: user.id, claims: (use) => ({ ...userClaims(user), ...(use === 'id_token' ? { typ: 'ID' } : {}) }) } : undefined;
    },
    extraTokenClaims: (_ctx, token) => {
      const serviceAccountRoles = token.kind === 'ClientCredentials' && token.clientId === BACK_OFFICE_CLIENT_ID ? [BACK_OFFICE_ROLE] : [];
      return accessTokenClaims(findUser('accountId' in token ? token.accountId : undefined), token.clientId, serviceAccountRoles);
    },
    // Like Keycloak, a browser sign-in gets a refresh token without asking for offline_access; it ends with the session.
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('openid'),
    ttl: {
      AccessToken: settings.accessTokenSeconds,
      IdToken: settings.accessTokenSeconds,
      AuthorizationCode: 60,
      Interaction: 30 * 60,
      Session: SESSION_SECONDS,
      Grant: SESSION_SECONDS,
      // A rotated refresh token keeps its predecessor's end, so rotation never extends a session.
      RefreshToken: (ctx: KoaContextWithOIDC | undefined) => ctx?.oidc.entities.RotatedRefreshToken?.remainingTTL ?? SESSION_SECONDS,
    },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${mountPath}${LOGIN_ACTIONS_PATH}${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => sendPage(ctx, signOutPage(state.current.displayName, form)),
        postLogoutSuccessSource: (ctx) => sendPage(ctx, signedOutPage(state.current.displayName)),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE_INDICATOR,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== RESOURCE_INDICATOR) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return resourceServer();
        },
      },
    },
    renderError: (ctx, out) => {
      sendPage(ctx, errorPage('Sign-in cannot continue', [out.error_description ?? out.error, `(${out.error})`]));
    },
  };

  const provider = new Provider(settings.issuer, configuration);
  // Behind a TLS-terminating proxy the issuer is https while this server sees http.
  provider.proxy = true;
  allowStaffPagesOfRealmHosts(provider, state);
  provider.registerGrantType(
    PASSWORD_GRANT,
    passwordGrant({ users: () => state.current.users, password: settings.password, resourceIndicator: RESOURCE_INDICATOR, resourceServer }),
    PASSWORD_GRANT_PARAMETERS,
  );
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: settings.signingKey.n, e: settings.signingKey.e }, format: 'jwk' });
  provider.use(async (ctx, next) => {
    // The node:http server strips `/realms/<realm>` from the path; oidc-provider builds its URLs with this (koa-mount's property).
    (ctx as unknown as { mountPath: string }).mountPath = mountPath;
    if (ctx.path === KEYCLOAK_ROUTES.userinfo && (ctx.method === 'GET' || ctx.method === 'POST')) {
      await userinfo(ctx as unknown as KoaContextWithOIDC, publicKey, state, settings.issuer);
      return;
    }
    await next();
  });
  provider.on('server_error', (_ctx: unknown, error: Error) => settings.log(`realm ${state.current.realm}: ${error.stack ?? error.message}`));
  return provider;
}

/**
 * oidc-provider matches redirect URIs exactly; a force's staff pages may run on any of its domains and,
 * in development, on any port. The staff client accepts exactly `http(s)://<realm host>[:port]/staff/callback`
 * (and `/staff/signed-out` after logout); every other client, host, path, query or credential is refused.
 */
function allowStaffPagesOfRealmHosts(provider: Provider, state: RealmState): void {
  const { prototype } = provider.Client;
  prototype.redirectUriAllowed = function redirectUriAllowed(this: { clientId: string }, uri: string) {
    return this.clientId === STAFF_CLIENT_ID && isStaffPageUri(uri, STAFF_CALLBACK_PATH, state.current.redirectHosts);
  };
  prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(this: { clientId: string }, uri: string) {
    return this.clientId === STAFF_CLIENT_ID && isStaffPageUri(uri, STAFF_SIGNED_OUT_PATH, state.current.redirectHosts);
  };
}

export function isStaffPageUri(uri: string, pathname: string, hosts: string[]): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === pathname &&
    url.search === '' &&
    url.hash === '' &&
    hosts.map((host) => host.toLowerCase()).includes(url.hostname)
  );
}

function sendPage(ctx: KoaContextWithOIDC, html: string): void {
  ctx.type = 'html';
  ctx.set(PAGE_SECURITY_HEADERS);
  ctx.body = html;
}
