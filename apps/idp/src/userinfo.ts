import type { KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { claimsForScope } from './claims.js';
import type { RealmState } from './realm-provider.js';

/**
 * oidc-provider's own userinfo endpoint refuses access tokens that carry an audience, and all of ours
 * do (they are for the realm's API, like Keycloak's). Keycloak accepts them, so this one does when the
 * JWT verifies against the realm's key. JWT access tokens are not stored, so one stays usable here
 * until it expires (minutes), even after sign-out.
 */
export async function userinfo(ctx: KoaContextWithOIDC, publicKey: KeyObject, state: RealmState, issuer: string): Promise<void> {
  ctx.set('cache-control', 'no-store');
  const refuse = (description: string) => {
    ctx.status = 401;
    ctx.set('www-authenticate', `Bearer realm="${state.current.realm}", error="invalid_token", error_description="${description}"`);
    ctx.body = { error: 'invalid_token', error_description: description };
  };
  const token = /^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1];
  if (!token) return refuse('no bearer access token');
  let claims: { sub?: string; typ?: unknown; scope?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, publicKey, { issuer, audience: state.current.audience, algorithms: ['RS256'] }));
  } catch {
    return refuse('access token is not valid for this realm, or has expired');
  }
  if (claims.typ !== 'Bearer') return refuse('not an access token');
  const user = state.current.users.find((candidate) => candidate.id === claims.sub);
  if (!user) return refuse('the user of this access token no longer exists');
  ctx.body = claimsForScope(user, String(claims.scope ?? ''));
}
