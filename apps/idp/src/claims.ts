import type { DevUser } from './dev-idp.js';

/** Which claims each scope releases, as Keycloak's default client scopes do. */
export const CLAIMS_BY_SCOPE: Record<string, string[]> = {
  // Keycloak marks ID tokens typ "ID"; the api's token verifier refuses them as access tokens.
  openid: ['sub', 'typ'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'realm_access'],
  email: ['email', 'email_verified'],
};

/** Everything known about a user, for ID tokens and userinfo (oidc-provider releases what the scopes allow). */
export function userClaims(user: DevUser) {
  const [givenName, ...familyNames] = user.name.split(' ');
  return {
    sub: user.id,
    name: user.name,
    given_name: givenName,
    family_name: familyNames.join(' '),
    preferred_username: user.username,
    email: user.email,
    email_verified: true,
    realm_access: { roles: user.roles },
  };
}

/** What Keycloak adds to an access token beyond `iss`, `sub`, `aud`, `exp` and `scope` (which oidc-provider sets). */
export function accessTokenClaims(user: DevUser | undefined, clientId: string | undefined, serviceAccountRoles: string[] = []) {
  return {
    typ: 'Bearer',
    azp: clientId,
    ...(user ? { name: user.name, preferred_username: user.username, email: user.email, realm_access: { roles: user.roles } } : {}),
    // A client signed in as itself (client credentials): Keycloak names its service account so.
    ...(!user && serviceAccountRoles.length > 0 ? { preferred_username: `service-account-${clientId}`, realm_access: { roles: serviceAccountRoles } } : {}),
  };
}

export function claimsForScope(user: DevUser, scope: string): Record<string, unknown> {
  const allowed = new Set(scope.split(' ').flatMap((value) => CLAIMS_BY_SCOPE[value] ?? []));
  return Object.fromEntries(Object.entries(userClaims(user)).filter(([name]) => name === 'sub' || allowed.has(name)));
}
