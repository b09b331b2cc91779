import type { Language } from '@front-counter/tenancy';

/** The force as the web receives it from the api's public `tenant` query. */
export interface PublicTenant {
  slug: string;
  name: { en: string; cy: string | null };
  languages: Language[];
  primaryDomain: string;
  website: string | null;
  themeVersion: string;
  branding: { brandColour: string; secondaryColour: string; logoText: { en: string; cy: string | null }; hasLogo: boolean; logoType?: 'svg' | 'png' | null };
  contact: { nonEmergency: string; textRelayEmergency: string; textRelayNonEmergency: string | null; email: string | null };
  promises: { triageWithinMinutes: number; replyWithinHours: number; whatHappensNext: { en: string; cy: string | null } | null };
  /** Suspended by the national programme team: a notice instead of the public pages. */
  suspended: boolean;
}

export const PUBLIC_TENANT_FIELDS = `
  slug name { en cy } languages primaryDomain website themeVersion
  branding { brandColour secondaryColour logoText { en cy } hasLogo logoType }
  contact { nonEmergency textRelayEmergency textRelayNonEmergency email }
  promises { triageWithinMinutes replyWithinHours whatHappensNext { en cy } }
  suspended
`;

/** The force's logo as its site serves it (addressed by branding version, cached for a year), or undefined. */
export function logoUrlOf(tenant: PublicTenant): string | undefined {
  return tenant.branding.hasLogo ? `/assets/logo/${tenant.themeVersion}.${tenant.branding.logoType ?? 'svg'}` : undefined;
}
