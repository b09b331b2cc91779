import path from 'node:path';
import { serviceDefinition } from '../../../test/factories/service-definition.js';
import { compileForm, OverlayError } from './compile.js';
import { checkServiceStructure } from './definition-check.js';
import { serviceDefinitionSchema, type ServiceDefinition } from './definition.schema.js';
import { amendmentOf } from './forms-sync.js';
import { loadNationalServices, parseServiceDefinition } from './national-services.js';
import { overlaySchema } from './overlay.schema.js';

const text = (en: string) => ({ en, cy: `${en} (cy)` });

/** The factory's service with one more page of questions (after "details"), each with its mapping. */
function withPage(page: Record<string, unknown>): ServiceDefinition {
  const base = serviceDefinition();
  const raw = structuredClone(base) as unknown as { pages: Record<string, unknown>[] };
  const at = raw.pages.findIndex((candidate) => candidate.id === 'details');
  raw.pages.splice(at + 1, 0, page);
  return serviceDefinitionSchema.parse(raw);
}
const questionPage = (questions: Record<string, unknown>[]) => ({ id: 'extra', type: 'question', questions: questions.map((question) => ({ required: false, label: text(String(question.id)), ...question })) });

describe('report document mappings in a definition', () => {
  it('are accepted where they make sense', () => {
    const service = withPage(
      questionPage([
        { id: 'registration', type: 'vehicle-registration', document: { vehicle: 'suspect', field: 'registration' } },
        { id: 'worth', type: 'number', min: 0, integer: false, document: { property: 'stolen', field: 'value' } },
        { id: 'where', type: 'location', document: { location: 'incident' } },
        { id: 'when', type: 'approximate-datetime', document: { event: 'occurredAt' } },
        { id: 'role', type: 'radios', options: [{ value: 'victim', label: text('Victim') }, { value: 'other', label: text('Other') }], document: { reporterRoles: { victim: 'victim' } } },
      ]),
    );
    expect(checkServiceStructure(service)).toEqual([]);
  });

  it('refuse a detail from a question of the wrong type, naming the page and question', () => {
    const service = withPage(
      questionPage([
        { id: 'registration', type: 'text', document: { vehicle: 'suspect', field: 'registration' } },
        { id: 'worth', type: 'text', document: { property: 'stolen', field: 'value' } },
        { id: 'born', type: 'text', document: { person: 'victim', field: 'dateOfBirth' } },
        { id: 'when', type: 'date', document: { event: 'description' } },
        { id: 'where', type: 'yes-no', document: { location: 'incident' } },
      ]),
    );
    expect(checkServiceStructure(service)).toEqual([
      "pages.extra.questions.registration.document: the suspect vehicle's registration must come from a vehicle-registration question, not a text question",
      "pages.extra.questions.worth.document: the stolen property's value must come from a number question, not a text question",
      "pages.extra.questions.born.document: the victim's dateOfBirth must come from a date question, not a text question",
      "pages.extra.questions.when.document: the event's description must come from a text or a textarea question, not a date question",
      "pages.extra.questions.where.document: the incident location's place must come from a location or an address question, not a yes-no question",
    ]);
  });

  it('refuse a value that could be negative, and roles for options the question does not have', () => {
    const service = withPage(
      questionPage([
        { id: 'worth', type: 'number', document: { property: 'stolen', field: 'value' } },
        { id: 'role', type: 'yes-no', document: { reporterRoles: { victim: 'victim' } } },
        { id: 'named', type: 'text', document: { reporterRoles: { victim: 'victim' } } },
      ]),
    );
    expect(checkServiceStructure(service)).toEqual([
      "pages.extra.questions.worth.document: the stolen property's value is an amount of money in pounds, so the number question needs min: 0 (or more)",
      'pages.extra.questions.role.document.reporterRoles: "role" has no option "victim" (options: yes, no)',
      'pages.extra.questions.named.document: reporterRoles needs a choice question (radios, select, checkboxes or yes-no), not a text question',
    ]);
  });

  it('refuse the reporter or the event inside a repeating group, a second person on a reporter question, and a detail given twice on a page', () => {
    const repeating = withPage({
      id: 'extra',
      type: 'repeat',
      title: text('People'),
      itemName: text('person'),
      max: 3,
      questions: [
        { id: 'personName', type: 'text', required: false, label: text('Name'), document: { person: 'reporter', field: 'name' } },
        { id: 'personWhen', type: 'date', required: false, label: text('When'), document: { event: 'occurredAt' } },
      ],
    });
    expect(checkServiceStructure(repeating)).toEqual([
      "pages.extra.questions.personName.document: the reporter's name cannot come from a repeating group, which gives one object per item (there is one reporter)",
      "pages.extra.questions.personWhen.document: the event's occurredAt cannot come from a repeating group, which gives one object per item (there is one event)",
    ]);
    const doubled = withPage(
      questionPage([
        { id: 'yourName', type: 'text', reporter: 'name', document: { person: 'victim', field: 'name' } },
        { id: 'alsoYourName', type: 'email', reporter: 'email', document: { person: 'reporter', field: 'email' } },
        { id: 'victimName', type: 'text', document: { person: 'victim', field: 'name' } },
      ]),
    );
    expect(checkServiceStructure(doubled)).toEqual([
      "pages.extra.questions.yourName.document: the question gives the reporter's name (reporter: name), so it cannot also give the victim's name",
      'pages.extra.questions.alsoYourName.document: not needed: "reporter: email" already gives the reporter\'s email',
      'pages.extra.questions.victimName.document: the victim\'s name is already given by "yourName" on this page',
    ]);
  });

  it('refuse an unknown kind, role or field in the file itself, with the values allowed', () => {
    const definition = (document: string) => `
id: mapped
version: 1
title: { en: Mapped, cy: Mapiwyd }
summary: { en: Mapped, cy: Mapiwyd }
startPage: { body: [{ en: Start, cy: Dechrau }] }
retention: { defaultDays: 30, maximumDays: 60 }
pages:
  - id: emergency
    type: question
    questions:
      - id: emergency
        type: yes-no
        document: ${document}
        label: { en: In danger?, cy: Mewn perygl? }
        errors: { required: { en: Select, cy: Dewiswch } }
`;
    const problems = (document: string) => parseServiceDefinition(path.resolve('tenants/_national/services/mapped.yaml'), definition(document)).problems;
    // (The one-page file is also refused for its length: only the mapping's problem is looked for here.)
    const about = (document: string) => problems(document).filter((problem) => problem.includes('.document'));
    expect(about('{ vehicle: getaway, field: registration }')).toEqual([expect.stringMatching(/mapped\.yaml:\d+: pages\.emergency\.questions\.emergency\.document\.vehicle: must be one of victim, suspect, reporter, involved$/)]);
    expect(about('{ person: victim, field: shoeSize }')).toEqual([expect.stringMatching(/document\.field: must be one of title, name, .*, drivingLicence for a person$/)]);
    expect(about('{ person: victim }')).toEqual([expect.stringMatching(/document\.field: say which detail of the person this is: one of title, name, /)]);
    expect(about('{ person: victim, vehicle: suspect, field: name }')).toEqual([expect.stringMatching(/document: give exactly one of person, vehicle, property, location, event, reporterRoles \(found person, vehicle\)$/)]);
    expect(about('{ reporterRoles: { "yes": reporter } }')).toEqual([expect.stringMatching(/document\.reporterRoles\.yes: must be one of victim, suspect, witness, driver, referee, subject$/)]);
    expect(about('{ event: occurredAt }')).toEqual([]);
  });

  it('in a force’s overlay are checked as the national ones are', () => {
    const overlay = (document: Record<string, unknown>) =>
      overlaySchema.parse({
        service: 'test-service',
        basedOnVersion: 1,
        slots: { 'after-details': [{ id: 'cctv', type: 'question', questions: [{ id: 'cctvWhere', type: 'yes-no', required: false, label: text('Where is the CCTV?'), document }] }] },
      });
    expect(() => compileForm(serviceDefinition(), overlay({ location: 'incident', field: 'description' }))).toThrow(OverlayError);
    expect(() => compileForm(serviceDefinition(), overlay({ location: 'incident', field: 'description' }))).toThrow(
      "result: pages.cctv.questions.cctvWhere.document: the incident location's description must come from a text or a textarea question, not a yes-no question",
    );
  });

  it('are declared by every national service for its event', () => {
    const services = loadNationalServices(path.resolve('tenants/_national/services'));
    const eventMapped = (service: ServiceDefinition) => service.pages.flatMap((page) => ('questions' in page ? page.questions : [])).some((question) => question.document && 'event' in question.document);
    expect(services.filter((service) => !eventMapped(service)).map((service) => service.id)).toEqual([]);
    expect(services).toHaveLength(9);
  });
});

describe('a recorded national version gaining mappings', () => {
  const recorded = serviceDefinition();
  const mapped = structuredClone(recorded);
  const details = mapped.pages.find((page) => page.id === 'details')!;
  if ('questions' in details) details.questions[0].document = { event: 'description' };
  // A definition read back from the database (jsonb) has its keys in another order.
  const fromDatabase = JSON.parse(JSON.stringify(recorded, (_key, value) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value))) as ServiceDefinition;

  it('takes them in place: they change nothing the public sees', () => {
    expect(amendmentOf(fromDatabase, mapped)).toEqual(['maps its answers into the report document as the file says']);
    expect(amendmentOf(mapped, { ...mapped, retention: { defaultDays: 30, maximumDays: 60 } })).toEqual(['declares its retention (30 days, at most 60)']);
  });

  it('still needs a new version for any other change, or for nothing new', () => {
    expect(amendmentOf(fromDatabase, { ...mapped, summary: text('Something else') })).toBeNull();
    expect(amendmentOf(fromDatabase, recorded)).toBeNull();
  });
});
