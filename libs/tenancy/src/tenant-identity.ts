import type { TenantIdentity } from './tenant.entity.js';

/**
 * The issuer a force's staff tokens come from: the one its tenant file names, or else its realm on
 * the development provider (`<base>/realms/<realm>`, Keycloak's layout). No trailing slash.
 */
export function issuerOf(identity: Pick<TenantIdentity, 'realm' | 'issuer'>, defaultIssuerBase: string): string {
  return (identity.issuer ?? `${defaultIssuerBase}/${identity.realm}`).replace(/\/+$/, '');
}
