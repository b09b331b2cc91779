import { z } from 'zod';

/**
 * The national service definition format (tenants/_national/services/<id>.yaml). A service is a list of
 * pages; a page holds questions (one thing per page), a repeating "add another" group, guidance, an
 * exit, check your answers or the declaration. `next` rules route between pages on any answers.
 * Every public text is bilingual: English and Welsh.
 */

export const textSchema = z
  .object({ en: z.string({ message: 'English text is required' }).trim().min(1, 'English text is required'), cy: z.string({ message: 'Welsh text is required' }).trim().min(1, 'Welsh text is required') })
  .strict();
export type Text = z.infer<typeof textSchema>;

const id = z.string().regex(/^[a-z][a-zA-Z0-9]*(-[a-z0-9]+)*$/, 'must be camelCase or kebab-case letters and digits, starting with a letter');

export const FLAGS = ['vulnerable', 'hate', 'repeat-victim', 'happening-now', 'injury', 'domestic', 'child', 'weapon'] as const;
/**
 * The reporter's details a question can give. `contactBy` is their choice of how to hear from the force,
 * on a radios question: the option `text` means text messages (tracking codes and updates by SMS where
 * the force sends them), any other option e-mail.
 */
export const REPORTER_ROLES = ['name', 'email', 'phone', 'address', 'contactBy'] as const;

// What answers are in the report document (see DocumentMapping): the roles and details each kind takes.
export const PERSON_ROLES = ['reporter', 'victim', 'suspect', 'witness', 'driver', 'referee', 'subject'] as const;
export const PERSON_FIELDS = ['title', 'name', 'previousNames', 'dateOfBirth', 'placeOfBirth', 'email', 'phone', 'address', 'description', 'contact', 'whereabouts', 'account', 'drivingLicence'] as const;
export const VEHICLE_ROLES = ['victim', 'suspect', 'reporter', 'involved'] as const;
export const VEHICLE_FIELDS = ['registration', 'make', 'model', 'makeAndModel', 'colour', 'description', 'insurance'] as const;
export const PROPERTY_ROLES = ['stolen', 'lost', 'found', 'damaged'] as const;
export const PROPERTY_FIELDS = ['description', 'category', 'makeAndModel', 'colour', 'serialNumber', 'value'] as const;
export const LOCATION_ROLES = ['incident', 'lost', 'found', 'handed-in'] as const;
/** `place` (the default): the whole location or address answer. */
export const LOCATION_FIELDS = ['place', 'name', 'description'] as const;
export const EVENT_FIELDS = ['occurredAt', 'description', 'category'] as const;

export type PersonRole = (typeof PERSON_ROLES)[number];

/**
 * What an answer is in the report document sent to forces' records management systems
 * (libs/report-document): a detail of a person, vehicle, item of property or place, or of the event
 * itself (POLE: persons, objects, locations, events). A question declares it with `document:`;
 * answers no question maps still reach the document, in its list of every answer.
 *
 * - `{ person: victim, field: name }`: questions of one page, or of pages that are not repeating
 *   groups, naming the same role describe one person; each item of a repeating group is one more.
 *   A question with `reporter:` maps the reporter already.
 * - `{ vehicle: suspect, field: registration }`, `{ property: stolen, field: value }`: likewise.
 * - `{ location: incident }`: a location or address answer; `field: name` or `description` for a
 *   place named or described in words.
 * - `{ event: occurredAt }` (when it happened), `{ event: description }`, `{ event: category }`.
 * - `{ reporterRoles: { victim: victim } }` on a choice: the reporter also has the role when that option is chosen.
 */
export type DocumentMapping =
  | { person: PersonRole; field: (typeof PERSON_FIELDS)[number] }
  | { vehicle: (typeof VEHICLE_ROLES)[number]; field: (typeof VEHICLE_FIELDS)[number] }
  | { property: (typeof PROPERTY_ROLES)[number]; field: (typeof PROPERTY_FIELDS)[number] }
  | { location: (typeof LOCATION_ROLES)[number]; field?: (typeof LOCATION_FIELDS)[number] }
  | { event: (typeof EVENT_FIELDS)[number] }
  | { reporterRoles: Record<string, Exclude<PersonRole, 'reporter'>> };

/** The kinds of thing a mapping may describe, each with the roles and fields it takes. */
export const DOCUMENT_KINDS = {
  person: { roles: PERSON_ROLES, fields: PERSON_FIELDS },
  vehicle: { roles: VEHICLE_ROLES, fields: VEHICLE_FIELDS },
  property: { roles: PROPERTY_ROLES, fields: PROPERTY_FIELDS },
  location: { roles: LOCATION_ROLES, fields: LOCATION_FIELDS },
} as const;

const documentKeys = ['person', 'vehicle', 'property', 'location', 'event', 'reporterRoles'] as const;
const oneOf = (values: readonly string[]) => values.join(', ');

// One loose object checked by hand rather than a union, so that a mistake gets a message naming the
// key and the values it may take, not "Invalid input".
export const documentMappingSchema = z
  .object({
    person: z.string().optional(),
    vehicle: z.string().optional(),
    property: z.string().optional(),
    location: z.string().optional(),
    event: z.string().optional(),
    reporterRoles: z.record(z.string(), z.string()).optional(),
    field: z.string().optional(),
  })
  .strict()
  .superRefine((mapping, context) => {
    const kinds = documentKeys.filter((key) => mapping[key] !== undefined);
    if (kinds.length !== 1) {
      context.addIssue({ code: 'custom', message: `give exactly one of ${oneOf(documentKeys)}${kinds.length ? ` (found ${oneOf(kinds)})` : ''}` });
      return;
    }
    const [kind] = kinds;
    if (kind === 'event') {
      if (!(EVENT_FIELDS as readonly string[]).includes(mapping.event!)) context.addIssue({ code: 'custom', path: ['event'], message: `must be one of ${oneOf(EVENT_FIELDS)}` });
      if (mapping.field !== undefined) context.addIssue({ code: 'custom', path: ['field'], message: 'an event mapping names its field as event: <field>' });
      return;
    }
    if (kind === 'reporterRoles') {
      for (const [option, role] of Object.entries(mapping.reporterRoles!)) {
        if (role === 'reporter' || !(PERSON_ROLES as readonly string[]).includes(role)) {
          context.addIssue({ code: 'custom', path: ['reporterRoles', option], message: `must be one of ${oneOf(PERSON_ROLES.filter((candidate) => candidate !== 'reporter'))}` });
        }
      }
      if (mapping.field !== undefined) context.addIssue({ code: 'custom', path: ['field'], message: 'reporterRoles takes no field' });
      return;
    }
    const { roles, fields } = DOCUMENT_KINDS[kind];
    if (!(roles as readonly string[]).includes(mapping[kind]!)) context.addIssue({ code: 'custom', path: [kind], message: `must be one of ${oneOf(roles)}` });
    if (mapping.field === undefined) {
      if (kind !== 'location') context.addIssue({ code: 'custom', path: ['field'], message: `say which detail of the ${kind} this is: one of ${oneOf(fields)}` });
    } else if (!(fields as readonly string[]).includes(mapping.field)) {
      context.addIssue({ code: 'custom', path: ['field'], message: `must be one of ${oneOf(fields)} for a ${kind}` });
    }
  }) as unknown as z.ZodType<DocumentMapping>;

/** A condition on answers. Leaves test one question; `all`, `any` and `not` combine them. */
export type Condition =
  | { question: string; equals: string | number | boolean }
  | { question: string; oneOf: (string | number | boolean)[] }
  | { question: string; includes: string }
  | { question: string; answered: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ question: id, equals: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
    z.object({ question: id, oneOf: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }).strict(),
    z.object({ question: id, includes: z.string() }).strict(),
    z.object({ question: id, answered: z.boolean() }).strict(),
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

const optionSchema = z
  .object({
    value: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens'),
    label: textSchema,
    hint: textSchema.optional(),
    /** Raised on the report when this option is chosen (routing rules and triage read them). */
    flags: z.array(z.enum(FLAGS)).optional(),
    /** Shown before this option, e.g. "or". */
    divider: textSchema.optional(),
    /** For checkboxes: "None of these", which cannot be combined with another option. */
    exclusive: z.boolean().optional(),
  })
  .strict();

const errorsSchema = z
  .object({
    /** Required when the question is: GOV.UK style, specific ("Select if anyone is in danger"). */
    required: textSchema.optional(),
    /** Overrides of the type's own format messages (engine defaults exist for each type). */
    invalid: textSchema.optional(),
    tooLong: textSchema.optional(),
    tooSmall: textSchema.optional(),
    tooLarge: textSchema.optional(),
    tooEarly: textSchema.optional(),
    tooLate: textSchema.optional(),
  })
  .strict();

const questionBase = {
  id,
  label: textSchema,
  hint: textSchema.optional(),
  /** How the answer is named in messages and on check your answers, when the label is a long question. */
  shortLabel: textSchema.optional(),
  required: z.boolean().default(true),
  /** National: a force overlay can never remove this question or switch off its page. */
  mandatory: z.boolean().default(false),
  /** Which of the reporter's contact details this answer is, for the confirmation e-mail and tracking. */
  reporter: z.enum(REPORTER_ROLES).optional(),
  /** What the answer is in the report document forces' systems receive (see DocumentMapping). */
  document: documentMappingSchema.optional(),
  /** Flags raised when the question is answered at all (e.g. any answer to "describe the injury"). */
  flags: z.array(z.enum(FLAGS)).optional(),
  errors: errorsSchema.default({}),
};

const textLimits = { maxLength: z.number().int().min(1).max(10_000).optional() };

/** The kinds of evidence file a question may take. */
export const FILE_KINDS = ['image', 'video', 'document'] as const;
export type FileKind = (typeof FILE_KINDS)[number];
const fileKinds = z.array(z.enum(FILE_KINDS)).min(1);
const fileSizes = z
  .object({ image: z.number().int().min(1).max(10_240).optional(), video: z.number().int().min(1).max(10_240).optional(), document: z.number().int().min(1).max(10_240).optional() })
  .strict();
/** A force's own limits for one of a service's file questions (overlay `files`). */
export const fileLimitsSchema = z.object({ accept: fileKinds.optional(), maxFiles: z.number().int().min(1).max(50).optional(), maxSizeMb: fileSizes.optional() }).strict();

export const questionSchema = z.discriminatedUnion('type', [
  z.object({ ...questionBase, type: z.literal('text'), ...textLimits, width: z.enum(['2', '3', '4', '5', '10', '20', '30']).optional(), autocomplete: z.string().optional() }).strict(),
  z.object({ ...questionBase, type: z.literal('textarea'), ...textLimits, rows: z.number().int().min(2).max(20).optional() }).strict(),
  z.object({ ...questionBase, type: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().default(true), unit: textSchema.optional() }).strict(),
  z.object({ ...questionBase, type: z.literal('radios'), options: z.array(optionSchema).min(2), inline: z.boolean().optional() }).strict(),
  z.object({ ...questionBase, type: z.literal('checkboxes'), options: z.array(optionSchema).min(1) }).strict(),
  z.object({ ...questionBase, type: z.literal('select'), options: z.array(optionSchema).min(2) }).strict(),
  z.object({ ...questionBase, type: z.literal('yes-no'), inline: z.boolean().default(true), yesFlags: z.array(z.enum(FLAGS)).optional() }).strict(),
  /** A calendar date; `notInFuture` for things that have happened. */
  z.object({ ...questionBase, type: z.literal('date'), notInFuture: z.boolean().default(false), notInPast: z.boolean().default(false) }).strict(),
  z.object({ ...questionBase, type: z.literal('time') }).strict(),
  /** When something happened: an exact date and time, or "I don't know exactly" with a range or description. */
  z.object({ ...questionBase, type: z.literal('approximate-datetime') }).strict(),
  z.object({ ...questionBase, type: z.literal('email') }).strict(),
  z.object({ ...questionBase, type: z.literal('phone') }).strict(),
  z.object({ ...questionBase, type: z.literal('postcode') }).strict(),
  z.object({ ...questionBase, type: z.literal('address') }).strict(),
  /** Where something happened: an address, or a described place (a park, a stretch of road). */
  z.object({ ...questionBase, type: z.literal('location') }).strict(),
  z.object({ ...questionBase, type: z.literal('vehicle-registration') }).strict(),
  /**
   * Evidence files (photos, video, documents), stored and scanned by the evidence library. `maxSizeMb`
   * lowers (or, within the platform's ceilings, raises) the size limit per kind for this question.
   */
  z
    .object({
      ...questionBase,
      type: z.literal('file'),
      accept: fileKinds,
      maxFiles: z.number().int().min(1).max(50).default(10),
      maxSizeMb: fileSizes.optional(),
    })
    .strict(),
]);
export type QuestionDefinition = z.infer<typeof questionSchema>;
export type QuestionType = QuestionDefinition['type'];

const nextRuleSchema = z.object({ when: conditionSchema.optional(), goto: id }).strict();

const pageBase = {
  id,
  /** A force may switch this page off in its overlay (never one holding a mandatory question). */
  optional: z.boolean().default(false),
  /** Routing: the first rule whose `when` holds (or has none) decides; without rules, the next page in the list. */
  next: z.array(nextRuleSchema).optional(),
  /** A named extension point: a force's own pages are inserted right after this page. */
  slotAfter: id.optional(),
};

export const pageSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...pageBase,
      type: z.literal('question'),
      /** The page heading; with one question and no title, the question's label is the heading. */
      title: textSchema.optional(),
      intro: z.array(textSchema).optional(),
      questions: z.array(questionSchema).min(1),
    })
    .strict(),
  z
    .object({
      ...pageBase,
      type: z.literal('repeat'),
      title: textSchema,
      intro: z.array(textSchema).optional(),
      /** Asked first: "Do you know anything about who did it?" — if no, the group is skipped. */
      itemName: textSchema,
      min: z.number().int().min(0).default(0),
      max: z.number().int().min(1).max(50),
      questions: z.array(questionSchema).min(1),
    })
    .strict(),
  z.object({ ...pageBase, type: z.literal('content'), title: textSchema, body: z.array(textSchema).min(1) }).strict(),
  z
    .object({
      ...pageBase,
      type: z.literal('exit'),
      /** emergency: call 999; call-101: cannot be reported online; action-fraud: fraud and cyber crime; other-agency; not-police. */
      exit: z.enum(['emergency', 'call-101', 'action-fraud', 'other-agency', 'not-police']),
      title: textSchema,
      body: z.array(textSchema).min(1),
      link: z.object({ url: z.url({ protocol: /^https$/ }), text: textSchema }).strict().optional(),
    })
    .strict(),
  z.object({ ...pageBase, type: z.literal('check-answers'), title: textSchema.optional() }).strict(),
  z
    .object({
      ...pageBase,
      type: z.literal('declaration'),
      title: textSchema,
      body: z.array(textSchema).min(1),
      confirm: textSchema,
      errors: z.object({ required: textSchema }).strict(),
    })
    .strict(),
]);
export type PageDefinition = z.infer<typeof pageSchema>;

/**
 * How long a service's reports are kept once settled (closed, or handed on: allocated, dispatched,
 * referred), in whole days: the national default, and the longest a force may choose in its overlay.
 * Days rather than months or years, so that bounds compare exactly and a period means the same
 * length of time whenever it starts.
 */
export const retentionSchema = z
  .object({
    defaultDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(36_500, 'must be at most 36500 days (100 years)'),
    maximumDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(36_500, 'must be at most 36500 days (100 years)'),
  })
  .strict()
  .refine((retention) => retention.maximumDays >= retention.defaultDays, { message: 'must be at least defaultDays', path: ['maximumDays'] });
export type Retention = z.infer<typeof retentionSchema>;

export const serviceDefinitionSchema = z
  .object({
    id,
    /** The national version: raised whenever the definition changes. */
    version: z.number().int().min(1),
    title: textSchema,
    /** One line for the force's home page. */
    summary: textSchema,
    /** Shown on the service's start page before the emergency gate. */
    startPage: z.object({ body: z.array(textSchema).min(1) }).strict(),
    /** Whether a force may switch the whole service off. */
    optional: z.boolean().default(true),
    /** Whether the reporter may stay anonymous (no personal details asked on some route). */
    allowsAnonymous: z.boolean().default(false),
    /**
     * How long its reports are kept (see retentionSchema). Every national service in tenants/ and every
     * new national version declares it; versions recorded before it existed have none, and their
     * reports are kept until a version that declares it is published.
     */
    retention: retentionSchema.optional(),
    pages: z.array(pageSchema).min(3),
  })
  .strict();
export type ServiceDefinition = z.infer<typeof serviceDefinitionSchema>;
