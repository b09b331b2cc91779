import { serviceDefinition } from '../../../test/factories/service-definition.js';
import { answersOnPath, journeyPosition, type FormAnswers } from './answers.js';
import { compileForm, OverlayError } from './compile.js';
import { checkServiceStructure } from './definition-check.js';
import { overlaySchema } from './overlay.schema.js';
import { validatePage, validateQuestions } from './validate-answers.js';

const form = compileForm(serviceDefinition());
const page = (id: string) => form.pages.find((candidate) => candidate.id === id)!;
const overlay = (fields: Record<string, unknown>) => overlaySchema.parse({ service: 'test-service', basedOnVersion: 1, ...fields });

describe('routing', () => {
  it('starts at the emergency gate and stops at the first page still to answer', () => {
    expect(journeyPosition(form, {})).toEqual({ path: ['emergency'], current: 'emergency' });
  });

  it('leaves at the emergency exit, the fraud exit, or follows the branch chosen', () => {
    expect(journeyPosition(form, { emergency: { emergency: 'yes' } }).current).toBe('call-999');
    const fraud = journeyPosition(form, { emergency: { emergency: 'no' }, kind: { kind: 'fraud' } });
    expect(fraud).toEqual({ path: ['emergency', 'kind', 'action-fraud'], current: 'action-fraud' });
    expect(journeyPosition(form, { emergency: { emergency: 'no' }, kind: { kind: 'theft' } }).current).toBe('stolen');
    expect(journeyPosition(form, { emergency: { emergency: 'no' }, kind: { kind: 'damage' } }).current).toBe('details');
  });

  it('walks on to check your answers and the declaration once every page on the path is answered', () => {
    const answers: FormAnswers = {
      emergency: { emergency: 'no' },
      kind: { kind: 'theft' },
      stolen: { items: [{ itemDescription: 'A bike' }], done: true },
      details: { details: 'Taken from the shed' },
      witnesses: {},
      contact: { email: 'someone@example.com' },
    };
    expect(journeyPosition(form, answers).current).toBe('check');
    expect(journeyPosition(form, { ...answers, check: {} }).path).toEqual(['emergency', 'kind', 'stolen', 'details', 'witnesses', 'contact', 'check', 'declaration']);
  });

  it('drops the answers of a branch the reporter has since left', () => {
    const answers: FormAnswers = { emergency: { emergency: 'no' }, kind: { kind: 'damage' }, stolen: { items: [{ itemDescription: 'A bike' }], done: true }, details: { details: 'x' } };
    expect(Object.keys(answersOnPath(form, answers))).toEqual(['emergency', 'kind', 'details']);
  });
});

describe('answer validation', () => {
  it('names the field and keeps nothing when a required answer is missing', () => {
    expect(validatePage(page('kind'), {})).toEqual({ ok: false, errors: [{ field: 'kind', questionId: 'kind', message: { en: 'Select what happened', cy: 'Select what happened (cy)' } }] });
  });

  it('refuses a value that is not one of the options, and any field the page does not have', () => {
    const notAnOption = validatePage(page('kind'), { kind: 'arson' });
    expect(notAnOption.ok || notAnOption.errors[0].message.en).toBe('Select one of the options for what happened');
    const injected = validatePage(page('kind'), { kind: 'theft', reference: 'ABC', tenantId: 'x' });
    expect(injected.ok || injected.errors.map((error) => error.message.en)).toEqual([
      'This form does not have a field called "reference"',
      'This form does not have a field called "tenantId"',
    ]);
  });

  it('refuses an answer over the question limit, and any 1 MB value, with a specific message', () => {
    const long = validatePage(page('details'), { details: 'x'.repeat(101) });
    expect(long.ok || long.errors[0].message.en).toBe('What happened must be 100 characters or fewer');
    const huge = validatePage(page('details'), { details: 'x'.repeat(1024 * 1024) });
    expect(huge.ok || huge.errors[0].message.en).toMatch(/must be 100 characters or fewer/);
  });

  it('keeps a location’s map point (both coordinates, rounded to about a metre) and refuses half of one', () => {
    const where = [{ id: 'where', type: 'location', label: { en: 'Where did it happen?', cy: 'Ble?' }, required: true, mandatory: false, errors: {} }] as Parameters<typeof validateQuestions>[0];
    const place = { 'where-kind': 'description', 'where-description': 'The park' };
    expect(validateQuestions(where, { ...place, 'where-latitude': '54.3000049', 'where-longitude': '-1.6' })).toEqual({ ok: true, answers: { where: { kind: 'description', description: 'The park', latitude: 54.3, longitude: -1.6 } } });
    expect(validateQuestions(where, place)).toEqual({ ok: true, answers: { where: { kind: 'description', description: 'The park' } } });
    for (const point of [{ 'where-latitude': '54.3' }, { 'where-latitude': '91', 'where-longitude': '0' }, { 'where-latitude': 'north', 'where-longitude': '0' }]) {
      const result = validateQuestions(where, { ...place, ...point });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]).toMatchObject({ field: 'where-kind', message: { en: expect.stringMatching(/^The map position for .* was not recognised/) } });
    }
  });

  it('normalises answers by type', () => {
    const questions = [
      { id: 'when', type: 'date', label: { en: 'Date', cy: 'Dyddiad' }, required: true, mandatory: false, notInFuture: true, notInPast: false, errors: {} },
      { id: 'reg', type: 'vehicle-registration', label: { en: 'Registration', cy: 'Rhif' }, required: true, mandatory: false, errors: {} },
      { id: 'postcode', type: 'postcode', label: { en: 'Postcode', cy: 'Cod post' }, required: true, mandatory: false, errors: {} },
      { id: 'phone', type: 'phone', label: { en: 'Phone', cy: 'Ffôn' }, required: true, mandatory: false, errors: {} },
      { id: 'at', type: 'time', label: { en: 'Time', cy: 'Amser' }, required: true, mandatory: false, errors: {} },
      { id: 'value', type: 'number', label: { en: 'Value', cy: 'Gwerth' }, required: true, mandatory: false, integer: true, min: 0, errors: {} },
    ] as Parameters<typeof validateQuestions>[0];
    const result = validateQuestions(questions, { 'when-day': '3', 'when-month': '2', 'when-year': '2024', reg: 'ab12 cde', postcode: 'sw1a1aa', phone: '+44 7700 900982', at: '2:30pm', value: '£1,200' });
    expect(result).toEqual({ ok: true, answers: { when: '2024-02-03', reg: 'AB12CDE', postcode: 'SW1A 1AA', phone: '07700900982', at: '14:30', value: 1200 } });
    const bad = validateQuestions(questions, { 'when-day': '31', 'when-month': '2', 'when-year': '2024', reg: '!!', postcode: 'nowhere', phone: '123', at: '25:00', value: '-5' });
    expect(bad.ok || bad.errors.map((error) => [error.field, error.message.en])).toEqual([
      ['when-day', 'Date must be a real date'],
      ['reg', 'Enter a vehicle registration in the correct format, like AB12 CDE'],
      ['postcode', 'Enter a real UK postcode, like AB1 2CD'],
      ['phone', 'Enter a UK telephone number, like 01632 960 001 or 07700 900 982'],
      ['at', 'Enter time as a time, like 14:30 or 2:30pm'],
      ['value', 'Value must be 0 or more'],
    ]);
  });

  it('takes an approximate time: a range that must run forwards', () => {
    const question = [{ id: 'when', type: 'approximate-datetime', label: { en: 'When did it happen?', cy: 'Pryd?' }, required: true, mandatory: false, errors: {} }] as Parameters<typeof validateQuestions>[0];
    const range = { 'when-kind': 'approximate', 'when-from-day': '1', 'when-from-month': '3', 'when-from-year': '2025', 'when-to-day': '4', 'when-to-month': '3', 'when-to-year': '2025' };
    expect(validateQuestions(question, range)).toEqual({ ok: true, answers: { when: { kind: 'approximate', from: '2025-03-01', to: '2025-03-04' } } });
    const backwards = validateQuestions(question, { ...range, 'when-to-day': '1', 'when-from-day': '4' });
    expect(backwards.ok || backwards.errors[0]).toMatchObject({ field: 'when-to-day', message: { en: 'The end of the period must be the same as or after the start' } });
  });
});

describe('force overlays', () => {
  it('changes texts, switches off an optional page and adds force pages at a slot', () => {
    const compiled = compileForm(
      serviceDefinition(),
      overlay({
        texts: { questions: { details: { hint: { en: 'Include the time', cy: "Cynhwyswch yr amser" } } } },
        disabledPages: ['witnesses'],
        slots: { 'after-details': [{ id: 'cctv', type: 'question', questions: [{ id: 'cctv', type: 'yes-no', label: { en: 'Is there CCTV?', cy: 'A oes teledu cylch cyfyng?' }, errors: { required: { en: 'Select yes if there is CCTV', cy: 'Dewiswch ydy os oes' } } }] }] },
      }),
    );
    expect(compiled.pages.map((candidate) => candidate.id)).toEqual(['emergency', 'call-999', 'kind', 'action-fraud', 'stolen', 'details', 'cctv', 'contact', 'check', 'declaration']);
    const details = compiled.pages.find((candidate) => candidate.id === 'details')!;
    expect('questions' in details && details.questions[0].hint?.en).toBe('Include the time');
    const answers: FormAnswers = { emergency: { emergency: 'no' }, kind: { kind: 'damage' }, details: { details: 'x' }, cctv: { cctv: 'no' } };
    expect(journeyPosition(compiled, answers).path).toEqual(['emergency', 'kind', 'details', 'cctv', 'contact']);
  });

  it('rejects an overlay that removes a nationally mandatory question, naming it', () => {
    expect(() => compileForm(serviceDefinition(), overlay({ disabledPages: ['contact'] }))).toThrow(OverlayError);
    expect(() => compileForm(serviceDefinition(), overlay({ disabledPages: ['contact'] }))).toThrow(/disabledPages: page "contact" holds the nationally mandatory question "email", which a force cannot remove/);
    expect(() => compileForm(serviceDefinition(), overlay({ disabledPages: ['details'] }))).toThrow(/page "details" is not optional nationally/);
  });

  it('rejects unknown slots, questions and exit pages', () => {
    const attempt = () =>
      compileForm(serviceDefinition(), overlay({ slots: { nowhere: [{ id: 'x', type: 'content', title: { en: 'x', cy: 'x' }, body: [{ en: 'x', cy: 'x' }] }] }, texts: { questions: { ghost: { label: { en: 'x', cy: 'x' } } } }, exitLinks: { details: { url: 'https://example.org/', text: { en: 'x', cy: 'x' } } } }));
    expect(attempt).toThrow(/slots\.nowhere: test-service declares no slot "nowhere" \(slots: after-details\)/);
    expect(attempt).toThrow(/texts\.questions\.ghost: no such question/);
    expect(attempt).toThrow(/exitLinks\.details: no exit page "details"/);
  });
});

describe('structure checks', () => {
  it('find a page whose rules can all fail, and a routing loop', () => {
    const broken = structuredClone(serviceDefinition());
    broken.pages.find((candidate) => candidate.id === 'details')!.next = [{ when: { question: 'kind', equals: 'damage' }, goto: 'kind' }];
    expect(checkServiceStructure(broken)).toEqual(
      expect.arrayContaining(['pages.details.next: the last rule must have no "when", so that every answer leads somewhere', expect.stringMatching(/^pages\.kind: routing loops back to it \(kind → .*details → kind\)$/)]),
    );
  });

  it('route only on answers of pages still on the path', () => {
    // "theft" then back to change to "damage": the stolen items answered on the theft branch must not steer routing.
    const answers: FormAnswers = { emergency: { emergency: 'no' }, kind: { kind: 'damage' }, stolen: { items: [{ itemDescription: 'x' }], done: true } };
    expect(journeyPosition(form, answers).path).toEqual(['emergency', 'kind', 'details']);
  });

  it('find unknown routing targets, unknown condition values and unreachable pages', () => {
    const base = serviceDefinition();
    const broken = structuredClone(base);
    const kind = broken.pages.find((candidate) => candidate.id === 'kind')!;
    kind.next = [{ when: { question: 'kind', equals: 'arson' }, goto: 'nowhere' }, { goto: 'details' }];
    expect(checkServiceStructure(broken)).toEqual([
      'pages.kind.next[0]: goes to unknown page "nowhere"',
      'pages.kind.next[0]: "kind" has no option "arson" (options: theft, fraud, damage)',
      'pages.action-fraud: cannot be reached from the first page',
      'pages.stolen: cannot be reached from the first page',
    ]);
  });
});
