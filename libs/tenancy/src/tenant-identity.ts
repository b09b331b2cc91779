import type { TenantIdentity } from './tenant.entity.js';

/**
 * The issuer a force's staff tokens come from: the one its tenant file names, or else its realm on
 * the default provider (`<base>/realms/<realm>`, Keycloak's layout: the development provider, or
 * IDP_URL in production). Null when there is neither: the force has no staff sign-in. No trailing slash.
 */
export function issuerOf(identity: Pick<TenantIdentity, 'realm' | 'issuer'>, defaultIssuerBase: string | null): string | null {
  const issuer = identity.issuer ?? (defaultIssuerBase === null ? null : `${defaultIssuerBase}/${identity.realm}`);
  return issuer === null ? null : issuer.replace(/\/+$/, '');
}
