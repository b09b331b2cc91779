import { z } from 'zod';
import { contactSchema, contrastRatio, localizedTextSchema, MINIMUM_TEXT_CONTRAST, promisesSchema, svgLogoProblem, type Tenant } from '@front-counter/tenancy';

const hexColour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1d70b8')
  .transform((value) => value.toLowerCase());

/**
 * What a force administrator edits about the force's public site, as one draft: its name, colours,
 * logo, the numbers the public are given and its promises. The brand colour carries white text (the
 * header, buttons) and is the link colour on white, so it must reach WCAG AA contrast with white.
 */
export const siteSettingsSchema = z
  .object({
    name: localizedTextSchema,
    website: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).nullable().default(null),
    branding: z
      .object({
        brandColour: hexColour,
        secondaryColour: hexColour,
        logoText: localizedTextSchema,
        /** An SVG logo (checked: no scripts, no external references), or null for the text alone. */
        logoSvg: z
          .string()
          .nullable()
          .default(null)
          .superRefine((svg, context) => {
            const problem = svg === null ? undefined : svgLogoProblem(svg);
            if (problem) context.addIssue({ code: 'custom', message: `The logo ${problem}` });
          }),
        /** Or a PNG logo, base64 (re-encoded without metadata before it is kept). */
        logoPng: z.string().max(300_000, 'The logo must be smaller than 200 kB').nullable().default(null),
      })
      .strict()
      .superRefine((branding, context) => {
        if (branding.logoSvg && branding.logoPng) context.addIssue({ code: 'custom', path: ['logoPng'], message: 'Choose an SVG or a PNG logo, not both' });
        const ratio = contrastRatio(branding.brandColour, '#ffffff');
        if (ratio < MINIMUM_TEXT_CONTRAST) {
          context.addIssue({
            code: 'custom',
            path: ['brandColour'],
            message: `${branding.brandColour} has a contrast ratio of ${ratio.toFixed(2)}:1 with white text; it needs at least ${MINIMUM_TEXT_CONTRAST}:1 (WCAG 2.2 AA). Choose a darker colour.`,
          });
        }
      }),
    contact: contactSchema,
    promises: promisesSchema,
  })
  .strict();

export type SiteSettings = z.infer<typeof siteSettingsSchema>;

export function siteSettingsOf(tenant: Tenant): SiteSettings {
  return {
    name: tenant.name,
    website: tenant.website,
    branding: {
      brandColour: tenant.branding.brandColour,
      secondaryColour: tenant.branding.secondaryColour,
      logoText: tenant.branding.logo.text,
      logoSvg: tenant.branding.logoSvg ?? null,
      logoPng: tenant.branding.logoPng ?? null,
    },
    contact: tenant.contact,
    promises: tenant.promises,
  };
}

/** The registry's columns for published settings (what update_force_settings() takes). */
export function tenantFieldsOf(settings: SiteSettings, tenant: Tenant) {
  return {
    name: settings.name,
    website: settings.website,
    branding: {
      brandColour: settings.branding.brandColour,
      secondaryColour: settings.branding.secondaryColour,
      logo: { ...tenant.branding.logo, text: settings.branding.logoText },
      logoSvg: settings.branding.logoSvg,
      logoPng: settings.branding.logoPng,
    },
    contact: settings.contact,
    promises: settings.promises,
  };
}

/** Welsh for every public text when the force serves Wales (the tenant files' rule). */
export function missingWelsh(settings: SiteSettings, languages: string[]): { field: string; message: string }[] {
  if (!languages.includes('cy')) return [];
  const problems: { field: string; message: string }[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.en === 'string' && !record.cy) problems.push({ field: [...path, 'cy'].join('.'), message: 'Welsh text is required because the force’s site is in Welsh too' });
    for (const [key, child] of Object.entries(record)) visit(child, [...path, key]);
  };
  visit(settings, []);
  return problems;
}
