import { z } from 'zod';
import { contrastRatio, MINIMUM_TEXT_CONTRAST } from './branding.js';

export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A text shown to the public: English always, Welsh required when the force serves Wales. */
export const localizedTextSchema = z.object({ en: z.string().trim().min(1, 'English text is required'), cy: z.string().trim().min(1).optional() }).strict();
export type LocalizedText = z.infer<typeof localizedTextSchema>;

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #1d70b8').transform((value) => value.toLowerCase());
const hostname = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .refine((value) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(value), 'must be a host name like report.force.police.uk (no scheme, port or path)');
const phone = z.string().regex(/^[0-9 ]{3,20}$/, 'must be digits and spaces, like "101" or "18000"');

/** The force's colours and logo text; the brand colour carries white text, so must reach WCAG AA contrast with it. */
export const brandingSchema = z
  .object({
    brandColour: hexColour,
    secondaryColour: hexColour,
    logo: z
      .object({
        text: localizedTextSchema,
        svg: z.string().regex(/^[a-z0-9-]+\.svg$/, 'must name an .svg file in the force folder').optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((branding, context) => {
    const ratio = contrastRatio(branding.brandColour, '#ffffff');
    if (ratio < MINIMUM_TEXT_CONTRAST) {
      context.addIssue({
        code: 'custom',
        path: ['brandColour'],
        message: `${branding.brandColour} has a contrast ratio of ${ratio.toFixed(2)}:1 with the white header text; WCAG 2.2 AA needs at least ${MINIMUM_TEXT_CONTRAST}:1`,
      });
    }
  });

/** The numbers and address the public are given. */
export const contactSchema = z
  .object({
    nonEmergency: phone,
    textRelayEmergency: phone,
    textRelayNonEmergency: phone.optional(),
    email: z.email('must be an email address').optional(),
  })
  .strict();

/** What the force promises the public. */
export const promisesSchema = z
  .object({
    triageWithinMinutes: z.number().int().min(1).max(7 * 24 * 60),
    replyWithinHours: z.number().int().min(1).max(30 * 24),
    whatHappensNext: localizedTextSchema.optional(),
  })
  .strict();

/** How the force's staff sign in: names only, never a secret. */
export const identitySchema = z
  .object({
    realm: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be lower-case letters, digits and hyphens'),
    issuer: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    audience: z.string().min(1).default('front-counter'),
    /** The OIDC client the force site signs staff in as (public client with PKCE unless a secret is named). */
    clientId: z.string().regex(/^[\w.:-]{1,100}$/, 'must be a client id like front-counter-staff').default('front-counter-staff'),
    /** The name of the environment variable holding the client secret, for a confidential client; never the secret itself. */
    clientSecretEnv: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must name an environment variable, like NORTHSHIRE_OIDC_SECRET').optional(),
    /** Dotted path of the roles claim in access tokens; Keycloak's is realm_access.roles. */
    rolesClaim: z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'must be a dotted claim path like realm_access.roles').default('realm_access.roles'),
  })
  .strict();

/** The name of an environment variable that holds a secret: the secret itself never lives in data. */
const environmentVariableName = (example: string) => z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, `must name an environment variable in UPPER_SNAKE_CASE, like ${example}`);
const notifyId = (what: string) => z.uuid({ message: `must be the id of a GOV.UK Notify ${what}, a UUID like 9b2c55a4-3f4e-4c1d-8a5b-2f1e0c7d6a93` });

/**
 * How the force's e-mail and text messages go out. Absent: by the platform's SMTP relay, as `smtp`.
 * GOV.UK Notify sends through templates, so a Notify force names generic ones: an e-mail template whose
 * subject is `((subject))` and body `((body))`, the same with `((link_to_file))` for e-mail carrying a
 * file, and a text message template `((body))`. The API key comes from the environment variable named.
 */
export const notificationsSchema = z.discriminatedUnion(
  'provider',
  [
    z
      .object({
        provider: z.literal('smtp'),
        /** Where replies go when a message names no reply-to of its own (the force's mailbox). */
        replyTo: z.email('must be an email address').optional(),
      })
      .strict(),
    z
      .object({
        provider: z.literal('notify'),
        apiKeyEnv: environmentVariableName('NORTHSHIRE_NOTIFY_API_KEY'),
        emailTemplateId: notifyId('template'),
        emailWithFileTemplateId: notifyId('template').optional(),
        smsTemplateId: notifyId('template').optional(),
        emailReplyToId: notifyId('reply-to address').optional(),
        smsSenderId: notifyId('text message sender').optional(),
      })
      .strict(),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'must be smtp or notify' : undefined) },
);
export type NotificationSettings = z.infer<typeof notificationsSchema>;

/** Whether a force sends text messages: only through GOV.UK Notify, with a text message template. */
export function sendsTexts(settings: NotificationSettings | null | undefined): boolean {
  return settings?.provider === 'notify' && Boolean(settings.smsTemplateId);
}

/** The events a destination may take (the Standard Webhooks `type` of each delivery). */
export const DESTINATION_EVENTS = ['report.submitted', 'report.updated', 'report.transferred', 'triage.decided'] as const;
const destinationName = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be lower-case letters, digits and hyphens, like records-system');
const destinationEvents = z
  .array(z.enum(DESTINATION_EVENTS, { message: `must be one of ${DESTINATION_EVENTS.join(', ')}` }))
  .min(1, 'needs at least one event')
  .refine((list) => new Set(list).size === list.length, 'must not repeat an event');

/**
 * Where the force's reports go besides its triage queue: its records management or command-and-control
 * system by signed HTTPS webhook (the URL given, or read from the environment variable named where it
 * differs between environments; the signing secret always from the environment variable named), or a
 * mailbox for forces without an API (a readable summary with the report document attached).
 */
export const destinationSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        name: destinationName,
        type: z.literal('webhook'),
        url: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
        urlEnv: environmentVariableName('NORTHSHIRE_RECORDS_URL').optional(),
        secretEnv: environmentVariableName('NORTHSHIRE_RECORDS_SECRET'),
        events: destinationEvents,
      })
      .strict()
      .refine((destination) => (destination.url === undefined) !== (destination.urlEnv === undefined), { message: 'needs either url or urlEnv (one of them)', path: ['url'] }),
    z
      .object({
        name: destinationName,
        type: z.literal('email'),
        address: z.email('must be an email address'),
        events: destinationEvents,
      })
      .strict(),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'type must be webhook or email' : undefined) },
);
export type DestinationDefinition = z.infer<typeof destinationSchema>;

export const tenantFileSchema = z
  .object({
    slug: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be lower-case letters, digits and hyphens, starting with a letter'),
    name: localizedTextSchema,
    languages: z
      .array(z.enum(LANGUAGES, { message: 'must be "en" or "cy"' }))
      .min(1)
      .refine((languages) => languages.includes('en'), 'must include "en"')
      .refine((languages) => new Set(languages).size === languages.length, 'must not repeat a language'),
    domains: z.array(hostname).min(1, 'needs at least one domain; the first is the primary').refine((list) => new Set(list).size === list.length, 'must not repeat a domain'),
    website: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
    branding: brandingSchema,
    contact: contactSchema,
    promises: promisesSchema,
    /** National services this force offers, by id (tenants/_national/services/<id>.yaml). */
    services: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a national service id like report-a-crime'))
      .default([])
      .refine((list) => new Set(list).size === list.length, 'must not repeat a service'),
    identity: identitySchema,
    notifications: notificationsSchema.optional(),
    destinations: z
      .array(destinationSchema)
      .max(10, 'at most 10 destinations')
      .default([])
      .refine((list) => new Set(list.map((destination) => destination.name)).size === list.length, 'must not repeat a destination name'),
  })
  .strict()
  .superRefine((tenant, context) => {
    if (!tenant.languages.includes('cy')) return;
    // A bilingual force must give every public text in Welsh too.
    const visit = (value: unknown, path: (string | number)[]) => {
      if (!value || typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      if ('en' in record && typeof record.en === 'string' && !record.cy) {
        context.addIssue({ code: 'custom', path: [...path, 'cy'], message: 'Welsh text is required because languages include "cy"' });
      }
      for (const [key, child] of Object.entries(record)) visit(child, [...path, key]);
    };
    visit(tenant, []);
  });

export type TenantFile = z.infer<typeof tenantFileSchema>;
