// The JSON Schema of the report document, version 1: the one description of the document that
// forces' developers read (the api publishes it at REPORT_DOCUMENT_SCHEMA_PATH) and that every
// document is validated against before it leaves (validate-report-document.ts). Every object is
// closed (additionalProperties: false), so a new field means a new version of the schema.

export const REPORT_DOCUMENT_SCHEMA_PATH = '/schemas/report/v1.json';
export const REPORT_DOCUMENT_SCHEMA_ID = `https://front-counter.police.example${REPORT_DOCUMENT_SCHEMA_PATH}`;

/** The statuses of a report (libs/reports ReportStatus). */
export const REPORT_STATUSES = ['awaiting-triage', 'awaiting-reporter', 'allocated', 'dispatched', 'referred', 'closed'] as const;
/** What a call handler decides (libs/casework Decision). */
export const TRIAGE_DECISIONS = ['allocate', 'dispatch', 'transfer', 'refer', 'request-information', 'close'] as const;
/** Where an evidence file's virus scan stands (libs/evidence ScanStatus). */
export const SCAN_STATES = ['pending', 'clean', 'infected', 'not-scanned', 'unprocessable'] as const;

const text = (description: string) => ({ type: 'string', minLength: 1, description });
const date = (description: string) => ({ type: 'string', format: 'date', description });
const dateTime = (description: string) => ({ type: 'string', format: 'date-time', description });
const closed = (description: string, properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  description,
  properties,
  required,
  additionalProperties: false,
});
const list = (description: string, items: object) => ({ type: 'array', description, items });

/** The roles a form may give (libs/forms PERSON_ROLES and the rest), written out: the published v1 changes only on purpose. */
export const DOCUMENT_ROLES = {
  person: ['reporter', 'victim', 'suspect', 'witness', 'driver', 'referee', 'subject'],
  vehicle: ['victim', 'suspect', 'reporter', 'involved'],
  property: ['stolen', 'lost', 'found', 'damaged'],
  location: ['incident', 'lost', 'found', 'handed-in'],
} as const;

const KEBAB = '^[a-z0-9]+(-[a-z0-9]+)*$';
/** The patterns of the ids the form definitions and tenant files allow (libs/forms, libs/tenancy). */
const FORM_ID = '^[a-z][a-zA-Z0-9]*(-[a-z0-9]+)*$';
const OPTION_VALUE = '^[a-z0-9][a-z0-9-]*$';
const FORCE_SLUG = '^[a-z][a-z0-9-]{1,39}$';

export const REPORT_DOCUMENT_SCHEMA_V1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: REPORT_DOCUMENT_SCHEMA_ID,
  title: 'Front Counter report document, version 1',
  description: [
    'One report made to a police force through Front Counter, as the force’s own systems (records management, command and control) receive it.',
    'What the reporter said is structured as POLE: persons (with their roles), objects (vehicles and property), locations and the event.',
    'Every answer also appears in `answers`, with the question as it was asked, so nothing the reporter said is lost even where the form does not map it.',
    'Times are ISO 8601; dates and times the reporter gave are local to the United Kingdom (Europe/London).',
    'Properties that are absent were not answered or do not apply; no property is ever null unless its description says so.',
  ].join(' '),
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'id', 'reference', 'force', 'service', 'formVersion', 'submittedAt', 'language', 'status', 'event', 'persons', 'objects', 'locations', 'answers', 'routing', 'flags', 'duplicates', 'triage', 'evidence'],
  properties: {
    schemaVersion: { const: 1, description: 'The version of this schema the document follows: always 1 here.' },
    id: { type: 'string', format: 'uuid', description: 'Front Counter’s identifier of the report: the same in every document about it.' },
    reference: {
      type: 'string',
      pattern: '^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{9}$',
      description: 'The reference the reporter was given, without hyphens (shown to people as 7KQ-2MX-9P4). Its last character is a check character.',
    },
    force: closed(
      'The police force the report was made to.',
      { slug: { type: 'string', pattern: FORCE_SLUG, description: 'The force’s short name in Front Counter, e.g. "northshire".' }, name: text('The force’s name, e.g. "Northshire Police".') },
      ['slug', 'name'],
    ),
    service: closed(
      'The national service the reporter used.',
      { id: { type: 'string', pattern: FORM_ID, description: 'e.g. "report-a-crime", "report-lost-property".' }, title: text('The service’s title in English, e.g. "Report a crime".') },
      ['id', 'title'],
    ),
    formVersion: closed(
      'The exact version of the force’s form that the report was made on (the national service with the force’s own changes).',
      {
        id: { type: 'string', format: 'uuid', description: 'Identifier of the form version.' },
        version: { type: 'integer', minimum: 1, description: 'The force’s version number of the form.' },
        nationalVersion: { type: 'integer', minimum: 1, description: 'The version of the national service it is based on.' },
      },
      ['id', 'version', 'nationalVersion'],
    ),
    submittedAt: dateTime('When the report was submitted.'),
    language: { enum: ['en', 'cy'], description: 'The language the reporter used: English (en) or Welsh (cy). Labels in this document are in English whichever it was.' },
    status: { enum: [...REPORT_STATUSES], description: 'Where the report stands in the force’s triage when the document was made.' },
    event: closed(
      'What happened.',
      {
        type: { type: 'string', pattern: FORM_ID, description: 'The kind of report: the service’s id, e.g. "report-a-crime".' },
        categories: list('What the reporter said it was, in the order the form asked: the first is the main category (e.g. theft), any others refine it (e.g. what happened to a vehicle).', { $ref: '#/$defs/choice' }),
        description: text('The reporter’s own account of what happened.'),
        occurred: { $ref: '#/$defs/occurred' },
      },
      ['type', 'categories'],
    ),
    persons: list('The people in the report, each once, with every role they have in it (the reporter may also be the victim).', { $ref: '#/$defs/person' }),
    objects: closed(
      'Things in the report.',
      { vehicles: list('Vehicles: one for each the reporter described.', { $ref: '#/$defs/vehicle' }), property: list('Property: one entry for each item.', { $ref: '#/$defs/property' }) },
      ['vehicles', 'property'],
    ),
    locations: list('Places in the report, each with its role.', { $ref: '#/$defs/location' }),
    answers: list('Every question the reporter answered, in the order they were asked, with the answer as Front Counter keeps it and as text.', { $ref: '#/$defs/answer' }),
    routing: closed(
      'Where Front Counter’s routing rules sent the report when it was submitted.',
      {
        queue: text('The force’s triage queue, e.g. "general", "hate-crime".'),
        priority: { type: 'integer', minimum: 1, maximum: 9, description: 'The triage priority: 1 is the most urgent.' },
        tags: list('Tags the routing rule added.', { type: 'string', minLength: 1 }),
        rule: { type: ['string', 'null'], minLength: 1, description: 'The name of the force’s routing rule that matched, or null when the national default applied.' },
        triageBy: dateTime('When the force promised to have triaged the report.'),
        replyBy: dateTime('When the force promised to have replied to the reporter.'),
      },
      ['queue', 'priority', 'tags', 'rule'],
    ),
    flags: {
      type: 'array',
      uniqueItems: true,
      description: 'Flags the answers raised, for triage: vulnerable, hate, repeat-victim, happening-now, injury, domestic, child, weapon (more may be added to this list).',
      items: { type: 'string', pattern: KEBAB },
    },
    duplicates: list(
      'Earlier reports to the same force that may be about the same matter.',
      closed(
        'A possible duplicate.',
        {
          reference: { type: 'string', pattern: '^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{9}$', description: 'The other report’s reference.' },
          reasons: list('Why they may be the same, e.g. "same vehicle registration AB12CDE".', { type: 'string', minLength: 1 }),
          status: { enum: ['possible', 'confirmed', 'dismissed'], description: 'Whether a call handler has confirmed or dismissed the link yet.' },
        },
        ['reference', 'reasons', 'status'],
      ),
    ),
    triage: list(
      'The call handlers’ decisions on the report, oldest first.',
      closed(
        'One decision.',
        {
          decision: { enum: [...TRIAGE_DECISIONS], description: 'What was decided.' },
          by: closed('Who decided.', { id: text('The member of staff’s identifier at the force’s identity provider.'), name: { type: ['string', 'null'], description: 'Their name, where known.' } }, ['id', 'name']),
          at: dateTime('When it was decided.'),
          note: text('What the call handler wrote about it.'),
          detail: { type: 'object', description: 'Particulars of the decision, e.g. the close reason or the force transferred to.', additionalProperties: { type: 'string' } },
        },
        ['decision', 'by', 'at'],
      ),
    ),
    evidence: list(
      'The files the reporter uploaded (photos, videos, documents).',
      {
        ...closed(
          'One file.',
          {
            id: { type: 'string', format: 'uuid', description: 'Front Counter’s identifier of the file.' },
            question: { type: 'string', pattern: FORM_ID, description: 'The id of the question it was uploaded to (see answers).' },
            fileName: text('The file’s name as the reporter uploaded it.'),
            mediaType: { type: 'string', pattern: '^[a-z]+/[a-zA-Z0-9.+-]+$', description: 'Its type as Front Counter detected it from its contents, e.g. "image/jpeg".' },
            size: { type: 'integer', minimum: 0, description: 'Its size in bytes.' },
            sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The SHA-256 digest of its bytes, in lower-case hex: check a download against it.' },
            scanState: { enum: [...SCAN_STATES], description: 'Its virus scan: pending, clean, infected (never offered for download), not-scanned (scanning is off), unprocessable (given up on).' },
            downloadUrl: { type: 'string', format: 'uri', pattern: '^https?://', description: 'A signed link to download it, valid until downloadUrlExpiresAt. Absent when the file may not be downloaded (e.g. infected).' },
            downloadUrlExpiresAt: dateTime('When the download link stops working.'),
          },
          ['id', 'fileName', 'mediaType', 'size', 'sha256', 'scanState'],
        ),
        dependentRequired: { downloadUrl: ['downloadUrlExpiresAt'] },
      },
    ),
  },
  $defs: {
    choice: closed(
      'An option the reporter chose.',
      { value: { type: 'string', pattern: OPTION_VALUE, description: 'The option’s stable value, e.g. "vehicle-crime".' }, label: text('The option’s English label, e.g. "Vehicle crime".') },
      ['value', 'label'],
    ),
    address: closed(
      'A postal address.',
      {
        lines: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', minLength: 1 }, description: 'The address lines before the town (building and street).' },
        town: text('Town or city.'),
        postcode: { type: 'string', pattern: '^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$', description: 'The postcode, in capitals with one space.' },
      },
      ['lines'],
    ),
    money: closed(
      'An amount of money.',
      { amount: { type: 'number', minimum: 0, description: 'The amount, to the penny, e.g. 349.99.' }, currency: { const: 'GBP', description: 'Always pounds sterling.' } },
      ['amount', 'currency'],
    ),
    group: closed(
      'Present when the object comes from one item of an "add another" group of questions: objects with the same page and item were described together (e.g. a vehicle and its driver).',
      { page: { type: 'string', pattern: FORM_ID, description: 'The id of the group’s page (see answers).' }, item: { type: 'integer', minimum: 1, description: 'The item’s number in the group, from 1.' } },
      ['page', 'item'],
    ),
    occurred: {
      type: 'object',
      description: 'When it happened: exactly (a date, with a time when the reporter knew it), or some time between two dates.',
      required: ['exact'],
      properties: { exact: { type: 'boolean', description: 'true: the reporter gave the date; false: they did not know exactly.' } },
      if: { properties: { exact: { const: true } } },
      then: closed(
        'An exact date, perhaps with a time.',
        {
          exact: { const: true, description: 'The reporter gave the date.' },
          date: date('The date.'),
          time: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'The time of day (24-hour clock, UK local time), when given.' },
          dateTime: dateTime('The date and time with the UK offset of that day (e.g. +01:00 in summer), when a time was given.'),
        },
        ['exact', 'date'],
      ),
      else: closed(
        'Some time between two dates (inclusive).',
        {
          exact: { const: false, description: 'The reporter did not know exactly.' },
          from: date('The earliest date it can have happened.'),
          to: date('The latest date it can have happened (the same as or after from).'),
          description: text('What the reporter said about when, e.g. "overnight, while we were away".'),
        },
        ['exact', 'from', 'to'],
      ),
    },
    person: closed(
      'A person in the report.',
      {
        roles: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: [...DOCUMENT_ROLES.person] },
          description:
            'What the person is in the report: reporter (who made it), victim, suspect, witness, driver (of another vehicle in a collision), referee (for a firearm certificate application), subject (a person an intelligence report is about).',
        },
        title: text('Title, e.g. "Ms".'),
        name: text('Full name, or as much as the reporter knows (a nickname).'),
        previousNames: text('Any previous names.'),
        dateOfBirth: date('Date of birth.'),
        placeOfBirth: text('Place of birth.'),
        email: { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', description: 'Email address, as the reporter gave it (its domain in lower case).' },
        phone: { type: 'string', pattern: '^0[0-9]{9,10}$', description: 'UK telephone number, digits only, from 0.' },
        address: { $ref: '#/$defs/address' },
        description: text('What they look like, or what the reporter says about them.'),
        contact: text('How to contact them, in the reporter’s words.'),
        contactBy: text('How the reporter asked to hear from the force: the value of the option they chose, e.g. "email", "text" (text messages) or "phone".'),
        whereabouts: text('Where they live or can usually be found, in the reporter’s words.'),
        account: text('What a witness saw or heard, as the reporter says.'),
        drivingLicence: text('Driving licence number.'),
        group: { $ref: '#/$defs/group' },
      },
      ['roles'],
    ),
    vehicle: closed(
      'A vehicle in the report.',
      {
        role: {
          enum: [...DOCUMENT_ROLES.vehicle],
          description: 'victim: the vehicle a crime was against (stolen, broken into, damaged); suspect: used by a suspect, or the vehicle whose driving is reported; reporter: the reporter’s own; involved: another vehicle in a collision.',
        },
        registration: { type: 'string', pattern: '^[A-Z0-9]{2,8}$', description: 'Registration mark, in capitals without spaces.' },
        make: text('Make, e.g. "Ford".'),
        model: text('Model, e.g. "Focus".'),
        makeAndModel: text('Make and model as the reporter gave them together, where the form asks for both in one answer.'),
        colour: text('Colour.'),
        description: text('Anything else the reporter said about it.'),
        insurance: text('Insurance details, as the reporter gave them.'),
        group: { $ref: '#/$defs/group' },
      },
      ['role'],
    ),
    property: closed(
      'An item of property.',
      {
        role: { enum: [...DOCUMENT_ROLES.property], description: 'What happened to it.' },
        description: text('What it is, in the reporter’s words.'),
        category: { $ref: '#/$defs/choice' },
        makeAndModel: text('Make and model.'),
        colour: text('Colour.'),
        serialNumber: text('Serial number, IMEI or identifying marks.'),
        value: { $ref: '#/$defs/money' },
        group: { $ref: '#/$defs/group' },
      },
      ['role'],
    ),
    location: closed(
      'A place in the report.',
      {
        role: { enum: [...DOCUMENT_ROLES.location], description: 'incident: where it happened; lost / found: where property was lost or found; handed-in: where found property was handed in.' },
        name: text('The place’s name, e.g. a shop or venue.'),
        description: text('The place as the reporter described it, e.g. "the car park behind the library".'),
        address: { $ref: '#/$defs/address' },
        uprn: { type: 'string', pattern: '^[0-9]{1,12}$', description: 'Unique Property Reference Number of the address, when it was chosen from an address register.' },
        coordinates: closed(
          'The point the reporter’s device gave (WGS84), to about a metre.',
          { latitude: { type: 'number', minimum: -90, maximum: 90, description: 'Degrees north.' }, longitude: { type: 'number', minimum: -180, maximum: 180, description: 'Degrees east.' } },
          ['latitude', 'longitude'],
        ),
        group: { $ref: '#/$defs/group' },
      },
      ['role'],
    ),
    answer: closed(
      'One answered question.',
      {
        page: { type: 'string', pattern: FORM_ID, description: 'The id of the page it was asked on.' },
        question: { type: 'string', pattern: FORM_ID, description: 'The question’s id: stable across form versions, so it can be mapped by a receiving system.' },
        item: { type: 'integer', minimum: 1, description: 'For an "add another" group, the number of the item (from 1) the answer belongs to.' },
        type: {
          enum: ['text', 'textarea', 'number', 'radios', 'checkboxes', 'select', 'yes-no', 'date', 'time', 'approximate-datetime', 'email', 'phone', 'postcode', 'address', 'location', 'vehicle-registration', 'file'],
          description: 'The question’s type, which decides the shape of value.',
        },
        label: text('The question as it was asked, in English.'),
        value: {
          description:
            'The answer as Front Counter keeps it: text; a number; an option value (radios, select, yes-no) or a list of them (checkboxes); a date as YYYY-MM-DD; a time as HH:MM; an object for addresses ({ line1, line2, town, postcode }), locations ({ kind, ..., latitude, longitude }) and approximate times ({ kind: exact, date, time } or { kind: approximate, from, to, description }); a list of files ({ id, name, sizeBytes, kind }).',
        },
        valueText: { type: 'string', description: 'The answer as the reporter saw it on "Check your answers", in English; lines separated by \\n.' },
      },
      ['page', 'question', 'type', 'label', 'value', 'valueText'],
    ),
  },
} as const;
