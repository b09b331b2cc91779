import path from 'node:path';
import { compileForm, DOCUMENT_KINDS, isRepeatAnswers, loadNationalServices, overlaySchema, type FormAnswers } from '@front-counter/forms';
import { reportDocumentInput } from '../../../test/factories/report-document.js';
import { buildReportDocument, londonDateTime } from './build-report-document.js';
import { DOCUMENT_ROLES, REPORT_DOCUMENT_SCHEMA_V1 } from './report-document.schema.js';
import { validateReportDocument } from './validate-report-document.js';

const services = loadNationalServices(path.resolve('tenants/_national/services'));
const crime = compileForm(services.find((service) => service.id === 'report-a-crime')!);

/** Someone reports, for their neighbour, a theft from her van: two items taken, one suspect seen driving off. */
const theftFromVan: FormAnswers = {
  emergency: { emergency: 'no' },
  'reporting-as': { reportingAs: 'someone-else' },
  'crime-type': { crimeType: 'vehicle-crime' },
  'vehicle-crime-type': { vehicleCrimeType: 'theft-from' },
  'vehicle-registration': { vehicleRegistration: 'AB12CDE' },
  'vehicle-details': { vehicleMake: 'Ford', vehicleModel: 'Transit', vehicleColour: 'White' },
  'stolen-items': {
    items: [
      { itemDescription: 'Cordless drill', itemValue: 149.5, itemIdentifiers: 'SN 4471' },
      { itemDescription: 'Toolbox', itemValue: 80 },
    ],
    done: true,
  },
  'incident-when': { incidentWhen: { kind: 'approximate', from: '2025-06-12', to: '2025-06-13', description: 'Overnight' } },
  'incident-where': { incidentLocation: { kind: 'description', description: 'Car park behind the library', latitude: 52.41234, longitude: -1.51234 } },
  'what-happened': { incidentDescription: 'The van was broken into overnight and tools were taken.' },
  'suspects-known': { suspectKnown: 'yes' },
  suspects: { items: [{ suspectName: 'Jay', suspectDescription: 'Tall, grey hoodie', suspectVehicle: 'A red hatchback' }], done: true },
  'witnesses-known': { witnessesKnown: 'no' },
  'evidence-known': { evidenceAvailable: 'no' },
  'support-needs': { supportNeeds: ['none'] },
  'your-details': { fullName: 'Alex Reporter', dateOfBirth: '1980-02-03', address: { line1: '1 High Street', town: 'Northtown', postcode: 'NT1 1AA' }, email: 'alex@example.com' },
  'victim-details': { victimName: 'Sam Neighbour', victimPhone: '07700900982', victimAware: 'yes' },
  'contact-preference': { contactMethod: 'email' },
};

describe('the report document of a crime report', () => {
  const document = buildReportDocument(
    reportDocumentInput(crime, theftFromVan, {
      duplicates: [{ reference: '3HQ7RMXT9', reasons: ['same vehicle registration AB12CDE'], status: 'possible' }],
      triage: [{ decision: 'allocate', by: { id: 'handler-1', name: 'Chris Handler' }, at: new Date('2025-06-14T10:00:00Z'), note: 'Tools taken: CID', detail: { unit: 'cid' } }],
      evidence: [
        {
          id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
          question: 'evidenceFiles',
          fileName: 'van.jpg',
          mediaType: 'image/jpeg',
          size: 123_456,
          sha256: 'a'.repeat(64),
          scanState: 'clean',
          downloadUrl: 'https://report.northshire.police.example/evidence/9a8b?signature=abc',
          downloadUrlExpiresAt: new Date('2025-06-21T09:30:00Z'),
        },
      ],
    }),
  );

  it('names the persons with their roles: the reporter, the victim they report for, and a suspect from the repeating group', () => {
    expect(document.persons).toEqual([
      { roles: ['reporter'], name: 'Alex Reporter', dateOfBirth: '1980-02-03', address: { lines: ['1 High Street'], town: 'Northtown', postcode: 'NT1 1AA' }, email: 'alex@example.com', contactBy: 'email' },
      { roles: ['suspect'], name: 'Jay', description: 'Tall, grey hoodie', group: { page: 'suspects', item: 1 } },
      { roles: ['victim'], name: 'Sam Neighbour', phone: '07700900982' },
    ]);
  });

  it('gathers the vehicle from two pages, the suspect’s vehicle from its item, and one stolen item per item with its value in pounds', () => {
    expect(document.objects.vehicles).toEqual([
      { role: 'victim', registration: 'AB12CDE', make: 'Ford', model: 'Transit', colour: 'White' },
      { role: 'suspect', description: 'A red hatchback', group: { page: 'suspects', item: 1 } },
    ]);
    expect(document.objects.property).toEqual([
      { role: 'stolen', description: 'Cordless drill', value: { amount: 149.5, currency: 'GBP' }, serialNumber: 'SN 4471', group: { page: 'stolen-items', item: 1 } },
      { role: 'stolen', description: 'Toolbox', value: { amount: 80, currency: 'GBP' }, group: { page: 'stolen-items', item: 2 } },
    ]);
  });

  it('places the incident with its coordinates, and gives the event its categories, account and approximate time', () => {
    expect(document.locations).toEqual([{ role: 'incident', description: 'Car park behind the library', coordinates: { latitude: 52.41234, longitude: -1.51234 } }]);
    expect(document.event).toEqual({
      type: 'report-a-crime',
      categories: [
        { value: 'vehicle-crime', label: 'Vehicle crime' },
        { value: 'theft-from', label: 'Something was stolen from the vehicle' },
      ],
      description: 'The van was broken into overnight and tools were taken.',
      occurred: { exact: false, from: '2025-06-12', to: '2025-06-13', description: 'Overnight' },
    });
  });

  it('keeps every answer as asked and answered, repeating items numbered from 1', () => {
    const given = Object.values(theftFromVan).flatMap((page) => (isRepeatAnswers(page) ? page.items : [page])).flatMap((record) => Object.keys(record));
    expect(given).toHaveLength(31);
    expect(document.answers).toHaveLength(given.length);
    expect(document.answers.find((answer) => answer.question === 'victimAware')).toEqual({
      page: 'victim-details',
      question: 'victimAware',
      type: 'yes-no',
      label: 'Does the victim know you are reporting this?',
      value: 'yes',
      valueText: 'Yes',
    });
    expect(document.answers.filter((answer) => answer.question === 'itemValue').map(({ item, valueText }) => ({ item, valueText }))).toEqual([
      { item: 1, valueText: '149.5' },
      { item: 2, valueText: '80' },
    ]);
  });

  it('carries the metadata it was given, and validates against the schema', () => {
    expect(document).toMatchObject({
      schemaVersion: 1,
      reference: '7KQ2MX9P4',
      force: { slug: 'northshire', name: 'Northshire Police' },
      service: { id: 'report-a-crime', title: 'Report a crime' },
      formVersion: { version: 3, nationalVersion: 1 },
      routing: { queue: 'general', priority: 3, tags: [], rule: null, triageBy: '2025-06-14T10:15:00.000Z' },
      triage: [{ decision: 'allocate', by: { id: 'handler-1', name: 'Chris Handler' }, at: '2025-06-14T10:00:00.000Z', note: 'Tools taken: CID', detail: { unit: 'cid' } }],
      evidence: [{ fileName: 'van.jpg', downloadUrlExpiresAt: '2025-06-21T09:30:00.000Z' }],
    });
    expect(validateReportDocument(document)).toEqual({ valid: true });
  });
});

describe('the reporter’s own roles and an exact time', () => {
  it('makes the reporter the victim when they say so, and gives an exact time with the UK offset of that day', () => {
    const answers: FormAnswers = {
      ...theftFromVan,
      'reporting-as': { reportingAs: 'victim' },
      'incident-when': { incidentWhen: { kind: 'exact', date: '2025-06-12', time: '23:15' } },
    };
    delete answers['victim-details'];
    const document = buildReportDocument(reportDocumentInput(crime, answers));
    expect(document.persons.filter((person) => person.roles.includes('victim'))).toEqual([expect.objectContaining({ roles: ['reporter', 'victim'], name: 'Alex Reporter' })]);
    expect(document.event.occurred).toEqual({ exact: true, date: '2025-06-12', time: '23:15', dateTime: '2025-06-12T23:15:00+01:00' });
    expect(validateReportDocument(document)).toEqual({ valid: true });
  });

  it('writes UK local times with the offset in force: GMT in winter, BST in summer', () => {
    expect(londonDateTime('2025-01-10', '08:00')).toBe('2025-01-10T08:00:00+00:00');
    expect(londonDateTime('2025-03-30', '03:00')).toBe('2025-03-30T03:00:00+01:00');
    expect(londonDateTime('2025-10-26', '00:30')).toBe('2025-10-26T00:30:00+01:00');
  });
});

describe('a force’s own question with a mapping', () => {
  it('adds what the force’s question maps to the document', () => {
    const overlay = overlaySchema.parse({
      service: 'report-a-crime',
      basedOnVersion: 1,
      slots: {
        'after-incident-details': [
          {
            id: 'getaway',
            type: 'question',
            questions: [
              { id: 'getawayRegistration', type: 'vehicle-registration', required: false, document: { vehicle: 'suspect', field: 'registration' }, label: { en: 'Getaway vehicle registration', cy: 'Rhif cofrestru’r cerbyd dianc' } },
            ],
          },
        ],
      },
    });
    const form = compileForm(services.find((service) => service.id === 'report-a-crime')!, overlay);
    const document = buildReportDocument(reportDocumentInput(form, { ...theftFromVan, getaway: { getawayRegistration: 'XY99ZZZ' } }));
    expect(document.objects.vehicles.filter((vehicle) => vehicle.role === 'suspect')).toEqual([{ role: 'suspect', registration: 'XY99ZZZ' }, { role: 'suspect', description: 'A red hatchback', group: { page: 'suspects', item: 1 } }]);
    expect(validateReportDocument(document)).toEqual({ valid: true });
  });
});

describe('validateReportDocument', () => {
  const valid = buildReportDocument(reportDocumentInput(crime, theftFromVan));

  it('rejects a broken document with messages naming where each problem is', () => {
    const broken = structuredClone(valid) as unknown as Record<string, any>;
    broken.persons[0].roles = ['reporter', 'bystander'];
    broken.objects.property[0].value = { amount: -5, currency: 'EUR' };
    delete broken.reference;
    broken.locations[0].coordinates.latitude = 123;
    broken.event.occurred = { exact: true, from: '2025-06-12' };
    broken.nickname = 'x';
    const result = validateReportDocument(broken);
    expect(result.valid).toBe(false);
    expect(!result.valid && result.errors).toEqual(
      expect.arrayContaining([
        '(the document): "reference" is missing',
        '(the document): "nickname" is not a property the schema allows here',
        '/persons/0/roles/1: must be one of reporter, victim, suspect, witness, driver, referee, subject (got "bystander")',
        '/objects/property/0/value/amount: must be >= 0 (got -5)',
        '/objects/property/0/value/currency: must be "GBP" (got "EUR")',
        '/locations/0/coordinates/latitude: must be <= 90 (got 123)',
        '/event/occurred: "date" is missing',
        '/event/occurred: "from" is not a property the schema allows here',
      ]),
    );
  });

  it('asks for a download link’s expiry with the link', () => {
    const result = validateReportDocument({
      ...valid,
      evidence: [{ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', fileName: 'a.jpg', mediaType: 'image/jpeg', size: 1, sha256: 'b'.repeat(64), scanState: 'clean', downloadUrl: 'https://example.org/a' }],
    });
    expect(result).toEqual({ valid: false, errors: ['/evidence/0: "downloadUrlExpiresAt" is missing, and must go with "downloadUrl"'] });
  });
});

describe('the published schema', () => {
  it('describes every property for forces’ developers', () => {
    const undescribed: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      for (const [name, property] of Object.entries((schema.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        if (!property.description && !property.$ref) undescribed.push(`${at}.${name}`);
      }
      // `if` holds a test, not a property of the document.
      for (const [key, child] of Object.entries(schema)) if (typeof child === 'object' && key !== 'if') visit(child, `${at}.${key}`);
    };
    visit(REPORT_DOCUMENT_SCHEMA_V1, '');
    expect(undescribed).toEqual([]);
    expect(REPORT_DOCUMENT_SCHEMA_V1.$id).toMatch(/\/schemas\/report\/v1\.json$/);
  });

  it('has every role a form may give: a new one in libs/forms needs the schema changed on purpose (a new version, or an addition to v1 agreed with forces)', () => {
    expect(DOCUMENT_ROLES).toEqual(Object.fromEntries(Object.entries(DOCUMENT_KINDS).map(([kind, { roles }]) => [kind, roles])));
  });
});
