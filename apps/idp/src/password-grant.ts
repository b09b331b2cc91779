import { timingSafeEqual } from 'node:crypto';
import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { DevUser } from './dev-idp.js';

export const PASSWORD_GRANT = 'password';
export const PASSWORD_GRANT_PARAMETERS = ['username', 'password', 'scope'];

export interface PasswordGrantSettings {
  /** The realm's users as they are now (realms can change while the provider runs). */
  users: () => DevUser[];
  password: string;
  resourceIndicator: string;
  resourceServer: () => ResourceServer;
}

/** oidc-provider builds ResourceServer instances with a class it does not type; only `new` is needed here. */
type ResourceServerClass = new (identifier: string, info: ResourceServer) => ResourceServer;

/**
 * Keycloak's "direct access grants": a username and password straight to the token endpoint, so a
 * developer (`npm run token`) or a test gets a staff access token without a browser. The token is
 * built like the authorization code grant's (lib/actions/grants/authorization_code.js): a Grant,
 * then a JWT access token for the realm's one resource server.
 */
export function passwordGrant(settings: PasswordGrantSettings) {
  return async function passwordGrantHandler(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    const params = (ctx.oidc.params ?? {}) as Record<string, string | undefined>;
    if (!params.username || !params.password) throw new errors.InvalidRequest('missing required parameter(s) username and password');
    const user = settings.users().find((candidate) => candidate.username === params.username);
    // One answer for an unknown user and a wrong password, as Keycloak gives.
    if (!user || !samePassword(params.password, settings.password)) throw new errors.InvalidGrant('invalid user credentials');

    const { provider, client } = ctx.oidc;
    if (!client) throw new errors.InvalidClient('client authentication failed');
    const info = settings.resourceServer();
    const requested = params.scope ? params.scope.split(' ') : ['openid', 'profile', 'email'];
    const scope = requested.filter((value) => info.scope.split(' ').includes(value)).join(' ');

    const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
    grant.addResourceScope(settings.resourceIndicator, scope);
    const grantId = await grant.save();

    const ResourceServerOfProvider = (provider as unknown as { ResourceServer: ResourceServerClass }).ResourceServer;
    const token = new provider.AccessToken({
      accountId: user.id,
      client,
      grantId,
      gty: PASSWORD_GRANT,
      scope,
      resourceServer: new ResourceServerOfProvider(settings.resourceIndicator, info),
    });
    // Registering the token on the context lets extraTokenClaims see the request, as for built-in grants.
    ctx.oidc.entity('AccessToken', token);
    const accessToken = await token.save();

    ctx.body = { access_token: accessToken, token_type: 'Bearer', expires_in: token.expiration, scope };
    await next();
  };
}

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
