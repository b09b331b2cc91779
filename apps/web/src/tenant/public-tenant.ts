import type { PublicTenantQuery } from '../graphql/operations.generated.js';

type Tenant = PublicTenantQuery['tenant'];

/**
 * The force as the web receives it from the api's public `tenant` query (suspended: a notice instead
 * of the public pages). A logo is an SVG or a PNG; the national site has none.
 */
export type PublicTenant = Omit<Tenant, 'branding'> & { branding: Omit<Tenant['branding'], 'logoType'> & { logoType?: 'svg' | 'png' | null } };

/** The force's logo as its site serves it (addressed by branding version, cached for a year), or undefined. */
export function logoUrlOf(tenant: PublicTenant): string | undefined {
  return tenant.branding.hasLogo ? `/assets/logo/${tenant.themeVersion}.${tenant.branding.logoType ?? 'svg'}` : undefined;
}
