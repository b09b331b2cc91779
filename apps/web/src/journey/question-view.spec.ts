import { fieldNames, questionSchema, validateQuestions, type FieldError, type QuestionDefinition, type RawValues } from '@front-counter/forms';
import { createViewEngine } from '../rendering/handlebars.js';
import { answerSummary, partialRenderer, questionView, renderQuestion, valuesFromAnswer, type Language } from './question-view.js';

const engine = createViewEngine('apps/web/views');
const render = partialRenderer(engine);
const question = (definition: Record<string, unknown>): QuestionDefinition => questionSchema.parse(definition);

function html(definition: QuestionDefinition, options: { language?: Language; values?: RawValues; errors?: FieldError[]; isPageHeading?: boolean } = {}): string {
  const view = questionView(definition, { language: options.language ?? 'en', values: options.values ?? {}, errors: options.errors ?? [], isPageHeading: options.isPageHeading ?? false, render });
  return renderQuestion(engine, view);
}

// ---------------------------------------------------------------------------------------------
// Reading the HTML as a browser would

const decode = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_entity, code: string) => {
    if (/^#x/i.test(code)) return String.fromCodePoint(parseInt(code.slice(2), 16));
    if (code.startsWith('#')) return String.fromCodePoint(parseInt(code.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[code];
  });

/** The page's visible text, whitespace collapsed. */
const textOf = (markup: string) => decode(markup.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

function attributesOf(source: string): Record<string, string> {
  return Object.fromEntries([...source.matchAll(/([\w:.-]+)(?:="([^"]*)")?/g)].map(([, name, value]) => [name, decode(value ?? '')]));
}

interface Control {
  tag: string;
  attributes: Record<string, string>;
  /** A textarea's content, or a select's selected option's value. */
  content?: string;
}

function controlsOf(markup: string): Control[] {
  const controls: { at: number; control: Control }[] = [];
  for (const match of markup.matchAll(/<input\b([^>]*)>/g)) controls.push({ at: match.index, control: { tag: 'input', attributes: attributesOf(match[1]) } });
  for (const match of markup.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) controls.push({ at: match.index, control: { tag: 'textarea', attributes: attributesOf(match[1]), content: decode(match[2]) } });
  for (const match of markup.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const options = [...match[2].matchAll(/<option\b([^>]*)>/g)].map((option) => attributesOf(option[1]));
    const selected = options.find((option) => 'selected' in option) ?? options[0];
    controls.push({ at: match.index, control: { tag: 'select', attributes: attributesOf(match[1]), content: selected?.value ?? '' } });
  }
  return controls.sort((a, b) => a.at - b.at).map(({ control }) => control);
}

const namesIn = (markup: string) => new Set(controlsOf(markup).map((control) => control.attributes.name));

/** What submitting the rendered form posts (files aside), as the form body parser gives it. */
function posted(markup: string): RawValues {
  const values: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const existing = values[name];
    values[name] = existing === undefined ? value : [existing].flat().concat(value);
  };
  for (const { tag, attributes, content } of controlsOf(markup)) {
    if (tag === 'input' && attributes.type === 'file') continue;
    if (tag === 'input' && (attributes.type === 'radio' || attributes.type === 'checkbox')) {
      if ('checked' in attributes) add(attributes.name, attributes.value);
    } else add(attributes.name, tag === 'input' ? (attributes.value ?? '') : content!);
  }
  return values;
}

/** The start tag of the element with this id. */
const elementWithId = (markup: string, id: string) => new RegExp(`<(\\w+)\\b[^>]*\\sid="${id}"[^>]*>`).exec(markup)?.[0];

// ---------------------------------------------------------------------------------------------
// One question of every type

const money = { en: 'pounds', cy: 'punt' };
interface Case {
  definition: Record<string, unknown>;
  partial: string;
  /** Posted values that validate, re-displayed as typed. */
  valid: RawValues;
  /** Posted values that fail validation, and the field the error names. */
  invalid: RawValues;
  errorField: string;
  /** Texts of the component's own, besides the label. */
  texts?: Record<Language, string[]>;
}

const cases: Record<string, Case> = {
  text: {
    definition: { id: 'fullName', type: 'text', label: { en: 'Full name', cy: 'Enw llawn' }, width: '20', autocomplete: 'name', maxLength: 10 },
    partial: 'govuk/input',
    valid: { fullName: ' Ann "O\'Neil" ' },
    invalid: { fullName: 'A name far too long' },
    errorField: 'fullName',
  },
  textarea: {
    definition: { id: 'details', type: 'textarea', rows: 4, label: { en: 'What happened?', cy: 'Beth ddigwyddodd?' }, hint: { en: 'Tell us in your own words', cy: 'Dywedwch wrthym yn eich geiriau eich hun' } },
    partial: 'govuk/textarea',
    valid: { details: 'Line one\nLine <two> & three' },
    invalid: { details: '   ' },
    errorField: 'details',
  },
  'textarea with a limit': {
    definition: { id: 'summary', type: 'textarea', maxLength: 20, label: { en: 'Summary', cy: 'Crynodeb' } },
    partial: 'govuk/character-count',
    valid: { summary: 'Short' },
    invalid: { summary: 'This is far more than twenty characters' },
    errorField: 'summary',
    texts: { en: ['You can enter up to 20 characters'], cy: ['Gallwch roi hyd at 20 o nodau'] },
  },
  number: {
    definition: { id: 'itemValue', type: 'number', min: 0, label: { en: 'How much is it worth?', cy: "Faint yw ei werth?" }, unit: money },
    partial: 'govuk/input',
    valid: { itemValue: '1,250' },
    invalid: { itemValue: 'lots' },
    errorField: 'itemValue',
  },
  radios: {
    definition: {
      id: 'itemNow',
      type: 'radios',
      label: { en: 'Where is the item now?', cy: "Ble mae'r eitem nawr?" },
      options: [
        { value: 'with-me', label: { en: 'I have it', cy: 'Mae gen i' }, hint: { en: 'At home', cy: 'Gartref' } },
        { value: 'handed-in', label: { en: 'I handed it in', cy: 'Rhoddais hi i mewn' } },
        { value: 'other', label: { en: 'Somewhere else', cy: 'Rhywle arall' }, divider: { en: 'or', cy: 'neu' } },
      ],
    },
    partial: 'govuk/radios',
    valid: { itemNow: 'handed-in' },
    invalid: {},
    errorField: 'itemNow',
    texts: { en: ['I have it', 'At home', 'or', 'Somewhere else'], cy: ['Mae gen i', 'Gartref', 'neu', 'Rhywle arall'] },
  },
  checkboxes: {
    definition: {
      id: 'harm',
      type: 'checkboxes',
      label: { en: 'Was anyone hurt?', cy: "Gafodd unrhyw un ei anafu?" },
      options: [
        { value: 'me', label: { en: 'Me', cy: 'Fi' } },
        { value: 'someone-else', label: { en: 'Someone else', cy: 'Rhywun arall' } },
        { value: 'nobody', label: { en: 'Nobody', cy: 'Neb' }, exclusive: true },
      ],
    },
    partial: 'govuk/checkboxes',
    valid: { harm: ['me', 'someone-else'] },
    invalid: { harm: ['me', 'nobody'] },
    errorField: 'harm',
    texts: { en: ['Me', 'Someone else', 'or', 'Nobody'], cy: ['Fi', 'Rhywun arall', 'neu', 'Neb'] },
  },
  select: {
    definition: {
      id: 'force',
      type: 'select',
      label: { en: 'Which force?', cy: 'Pa heddlu?' },
      options: [
        { value: 'gwent', label: { en: 'Gwent Police', cy: 'Heddlu Gwent' } },
        { value: 'dyfed-powys', label: { en: 'Dyfed-Powys Police', cy: 'Heddlu Dyfed-Powys' } },
      ],
    },
    partial: 'govuk/select',
    valid: { force: 'dyfed-powys' },
    invalid: { force: '' },
    errorField: 'force',
    texts: { en: ['Select an option', 'Gwent Police'], cy: ['Dewiswch opsiwn', 'Heddlu Gwent'] },
  },
  'yes-no': {
    definition: { id: 'injured', type: 'yes-no', label: { en: 'Were you injured?', cy: "Gawsoch chi eich anafu?" } },
    partial: 'govuk/radios',
    valid: { injured: 'no' },
    invalid: {},
    errorField: 'injured',
    texts: { en: ['Yes', 'No'], cy: ['Ie', 'Na'] },
  },
  date: {
    definition: { id: 'lostOn', type: 'date', notInFuture: true, label: { en: 'When did you lose it?', cy: "Pryd gollsoch chi hi?" } },
    partial: 'govuk/date-input',
    valid: { 'lostOn-day': '03', 'lostOn-month': '2', 'lostOn-year': '2024' },
    invalid: { 'lostOn-day': '3', 'lostOn-month': '', 'lostOn-year': '2024' },
    errorField: 'lostOn-month',
    texts: { en: ['Day', 'Month', 'Year', 'For example, 27 3 2024'], cy: ['Diwrnod', 'Mis', 'Blwyddyn', 'Er enghraifft, 27 3 2024'] },
  },
  time: {
    definition: { id: 'lostAt', type: 'time', label: { en: 'What time?', cy: 'Faint o’r gloch?' } },
    partial: 'govuk/input',
    valid: { lostAt: '2:30pm' },
    invalid: { lostAt: '25:00' },
    errorField: 'lostAt',
    texts: { en: ['For example, 14:30'], cy: ['Er enghraifft, 14:30'] },
  },
  'approximate-datetime': {
    definition: { id: 'foundWhen', type: 'approximate-datetime', label: { en: 'When did you find it?', cy: 'Pryd daethoch chi o hyd iddo?' } },
    partial: 'govuk/radios',
    valid: { 'foundWhen-kind': 'approximate', 'foundWhen-from-day': '1', 'foundWhen-from-month': '3', 'foundWhen-from-year': '2025', 'foundWhen-to-day': '4', 'foundWhen-to-month': '3', 'foundWhen-to-year': '2025', 'foundWhen-description': 'Over the weekend' },
    invalid: { 'foundWhen-kind': 'approximate', 'foundWhen-from-day': '4', 'foundWhen-from-month': '3', 'foundWhen-from-year': '2025', 'foundWhen-to-day': '1', 'foundWhen-to-month': '3', 'foundWhen-to-year': '2025' },
    errorField: 'foundWhen-to-day',
    texts: { en: ['I know exactly when', "I don't know exactly", 'Day'], cy: ["Rwy'n gwybod yn union pryd", 'Dydw i ddim yn gwybod yn union', 'Diwrnod'] },
  },
  email: {
    definition: { id: 'email', type: 'email', label: { en: 'Email address', cy: 'Cyfeiriad e-bost' } },
    partial: 'govuk/input',
    valid: { email: 'Ann@Example.COM' },
    invalid: { email: 'ann.example.com' },
    errorField: 'email',
  },
  phone: {
    definition: { id: 'phone', type: 'phone', label: { en: 'Phone number', cy: 'Rhif ffôn' } },
    partial: 'govuk/input',
    valid: { phone: '+44 7700 900 982' },
    invalid: { phone: '12345' },
    errorField: 'phone',
  },
  postcode: {
    definition: { id: 'postcode', type: 'postcode', label: { en: 'Postcode', cy: 'Cod post' } },
    partial: 'govuk/input',
    valid: { postcode: 'cf10 1aa' },
    invalid: { postcode: 'NOT A CODE' },
    errorField: 'postcode',
  },
  address: {
    definition: { id: 'home', type: 'address', label: { en: 'Your address', cy: 'Eich cyfeiriad' }, hint: { en: 'Where you live', cy: 'Lle rydych yn byw' } },
    partial: 'govuk/fieldset',
    valid: { 'home-line1': '1 High Street', 'home-line2': '', 'home-town': 'Cardiff', 'home-postcode': 'CF10 1AA' },
    invalid: { 'home-line1': '', 'home-town': 'Cardiff' },
    errorField: 'home-line1',
    texts: { en: ['Address line 1', 'Town or city', 'Where you live'], cy: ['Llinell 1 y cyfeiriad', 'Tref neu ddinas', 'Lle rydych yn byw'] },
  },
  location: {
    definition: { id: 'foundLocation', type: 'location', label: { en: 'Where did you find it?', cy: 'Ble daethoch chi o hyd iddo?' } },
    partial: 'govuk/radios',
    valid: { 'foundLocation-kind': 'address', 'foundLocation-line1': '2 Castle Street', 'foundLocation-town': 'Swansea' },
    invalid: { 'foundLocation-kind': 'description', 'foundLocation-description': '' },
    errorField: 'foundLocation-description',
    texts: { en: ['I know the address', 'Describe the place, for example a park or a stretch of road'], cy: ["Rwy'n gwybod y cyfeiriad", 'Disgrifiwch y lle, er enghraifft parc neu ddarn o ffordd'] },
  },
  'vehicle-registration': {
    definition: { id: 'registration', type: 'vehicle-registration', label: { en: 'Registration number', cy: 'Rhif cofrestru' } },
    partial: 'govuk/input',
    valid: { registration: 'ab12 cde' },
    invalid: { registration: 'ABCDEFGHIJ' },
    errorField: 'registration',
  },
  file: {
    definition: { id: 'evidence', type: 'file', accept: ['image', 'document'], label: { en: 'Upload photos', cy: 'Uwchlwytho lluniau' } },
    partial: 'govuk/file-upload',
    valid: {},
    invalid: {},
    errorField: 'evidence',
  },
};

const errorsFor = (definition: QuestionDefinition, raw: RawValues): FieldError[] => {
  const result = validateQuestions([definition], raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be invalid`);
  return result.errors;
};

describe('questionView', () => {
  describe.each(Object.entries(cases))('%s', (_name, testCase) => {
    const definition = question(testCase.definition);
    const other = (language: Language): Language => (language === 'en' ? 'cy' : 'en');

    it('uses the partial for its type', () => {
      expect(questionView(definition, { language: 'en', values: {}, errors: [], isPageHeading: false, render }).partial).toBe(testCase.partial);
    });

    it.each(['en', 'cy'] as const)('renders in %s with the posted values and no error', (language) => {
      const markup = html(definition, { language, values: testCase.valid });
      const text = textOf(markup);
      expect(text).toContain(definition.label[language]);
      expect(text).not.toContain(definition.label[other(language)]);
      for (const expected of testCase.texts?.[language] ?? []) expect(text).toContain(expected);
      if (definition.hint) expect(text).toContain(definition.hint[language]);
      expect(namesIn(markup)).toEqual(new Set(fieldNames(definition)));
      // Every input can be focused by its name: the error summary links to `#<field>`.
      for (const name of fieldNames(definition)) expect(elementWithId(markup, name)).toMatch(new RegExp(`^<(input|select|textarea)\\b[^>]*\\sname="${name}"`));
      // Submitting the page again posts what was typed, exactly.
      const resubmitted = posted(markup);
      for (const [name, value] of Object.entries(testCase.valid)) expect(resubmitted[name] ?? '').toEqual(value);
      expect(markup).not.toContain('govuk-form-group--error');
      expect(markup).not.toContain('govuk-error-message');
      expect(markup).not.toContain('--error');
    });

    it.each(['en', 'cy'] as const)('shows its error inline in %s', (language) => {
      const errors = errorsFor(definition, testCase.invalid);
      expect(errors.map((error) => error.field)).toEqual([testCase.errorField]);
      const markup = html(definition, { language, values: testCase.invalid, errors });
      const text = textOf(markup);
      expect(markup).toContain('govuk-form-group--error');
      expect(text).toContain(`${language === 'cy' ? 'Gwall' : 'Error'}: ${errors[0].message[language]}`);
      expect(text).not.toContain(errors[0].message[other(language)]);
      // The message is announced with the input or fieldset it belongs to.
      const errorId = /<p id="([^"]+)" class="govuk-error-message"/.exec(markup)?.[1];
      expect(errorId).toBeDefined();
      const describedBy = [...markup.matchAll(/aria-describedby="([^"]*)"/g)].map((match) => match[1].split(' '));
      expect(describedBy.some((ids) => ids.includes(errorId!))).toBe(true);
      // The field the summary links to is there, marked as failing unless the whole group is.
      const target = elementWithId(markup, testCase.errorField);
      expect(target).toBeDefined();
      if (!/type="(radio|checkbox|file)"/.test(target!)) expect(target).toMatch(/class="[^"]*--error/);
      // What was typed stays, even though it is wrong.
      const resubmitted = posted(markup);
      for (const [name, value] of Object.entries(testCase.invalid)) expect(resubmitted[name] ?? '').toEqual(value);
    });

    it('ignores errors on other questions', () => {
      const markup = html(definition, { values: testCase.valid, errors: [{ field: 'elsewhere', questionId: 'elsewhere', message: { en: 'Enter something else', cy: 'Rhowch rywbeth arall' } }] });
      expect(markup).not.toContain('govuk-error-message');
      expect(markup).not.toContain('Enter something else');
    });

    it('makes the label or legend the page heading when asked', () => {
      const markup = html(definition, { isPageHeading: true });
      expect(markup).toMatch(/<h1 class="govuk-(label-wrapper|fieldset__heading)">/);
      expect(markup).toMatch(/govuk-(label|fieldset__legend)--l/);
      expect(textOf(/<h1[\s\S]*?<\/h1>/.exec(markup)![0]).trim()).toBe(definition.label.en);
      expect(html(definition)).not.toContain('<h1');
    });
  });

  it('gives inputs their type, autocomplete, width and spelling hints', () => {
    const input = (key: string) => controlsOf(html(question(cases[key].definition)))[0].attributes;
    expect(input('text')).toMatchObject({ type: 'text', autocomplete: 'name', class: 'govuk-input govuk-input--width-20' });
    expect(input('email')).toMatchObject({ type: 'email', autocomplete: 'email', spellcheck: 'false' });
    expect(input('phone')).toMatchObject({ type: 'tel', autocomplete: 'tel' });
    expect(input('postcode')).toMatchObject({ autocomplete: 'postal-code', class: 'govuk-input govuk-input--width-10' });
    expect(input('vehicle-registration')).toMatchObject({ spellcheck: 'false', class: 'govuk-input govuk-input--width-10 govuk-input--extra-letter-spacing' });
    expect(input('number')).toMatchObject({ inputmode: 'numeric' });
    expect(input('time').class).toContain('govuk-input--width-5');
    expect(input('file')).toMatchObject({ type: 'file', accept: 'image/*,.pdf,.doc,.docx,.txt', multiple: '' });
    expect(controlsOf(html(question({ ...cases.file.definition, maxFiles: 1, accept: ['video'] })))[0].attributes).not.toHaveProperty('multiple');
  });

  it('shows a number unit as a suffix, in the language', () => {
    const markup = html(question(cases.number.definition), { language: 'cy' });
    expect(markup).toMatch(/<div class="govuk-input__suffix" aria-hidden="true">punt<\/div>/);
  });

  it('keeps a question hint over the default time hint', () => {
    const text = textOf(html(question({ ...cases.time.definition, hint: { en: 'Use the 24-hour clock', cy: "Defnyddiwch y cloc 24 awr" } })));
    expect(text).toContain('Use the 24-hour clock');
    expect(text).not.toContain('For example, 14:30');
  });

  it('sets the character count limit and its Welsh messages', () => {
    const markup = html(question(cases['textarea with a limit'].definition), { language: 'cy' });
    expect(markup).toContain('data-maxlength="20"');
    expect(markup).toContain('data-i18n.characters-under-limit.other="Mae gennych %{count} o nodau ar ôl"');
    expect(html(question(cases.textarea.definition))).not.toContain('govuk-character-count');
    expect(controlsOf(html(question(cases.textarea.definition)))[0].attributes.rows).toBe('4');
  });

  it('lays yes-no out inline unless told otherwise', () => {
    expect(html(question(cases['yes-no'].definition))).toContain('class="govuk-radios govuk-radios--inline"');
    expect(html(question({ ...cases['yes-no'].definition, inline: false }))).not.toContain('govuk-radios--inline');
    expect(html(question(cases.radios.definition))).not.toContain('govuk-radios--inline');
    expect(html(question({ ...cases.radios.definition, inline: true }))).toContain('govuk-radios--inline');
  });

  it('gives radio options their hints and dividers', () => {
    const markup = html(question(cases.radios.definition), { values: { itemNow: 'with-me' } });
    expect(markup).toMatch(/id="itemNow" name="itemNow" type="radio" value="with-me" checked aria-describedby="itemNow-item-hint"/);
    expect(markup).toMatch(/<div class="govuk-radios__divider">or<\/div>\s*<div class="govuk-radios__item">\s*<input class="govuk-radios__input" id="[^"]+"[^>]*value="other"/);
  });

  it('makes an exclusive checkbox exclusive, after an "or" divider', () => {
    const markup = html(question(cases.checkboxes.definition), { language: 'cy' });
    expect(markup).toMatch(/<div class="govuk-checkboxes__divider">neu<\/div>\s*<div class="govuk-checkboxes__item">\s*<input[^>]*value="nobody" data-behaviour="exclusive"/);
    const ownDivider = question({ ...cases.checkboxes.definition, options: [{ value: 'a', label: { en: 'A', cy: 'A' } }, { value: 'none', label: { en: 'None', cy: 'Dim' }, exclusive: true, divider: { en: 'or else', cy: 'neu fel arall' } }] });
    expect([...html(ownDivider).matchAll(/govuk-checkboxes__divider">([^<]*)</g)].map((match) => match[1])).toEqual(['or else']);
  });

  it('starts a select with an empty choice, selected until one is made', () => {
    const definition = question(cases.select.definition);
    expect(controlsOf(html(definition, { language: 'cy' }))[0].content).toBe('');
    expect(html(definition, { language: 'cy' })).toContain('<option value="">Dewiswch opsiwn</option>');
    expect(controlsOf(html(definition, { values: { force: 'gwent' } }))[0].content).toBe('gwent');
  });

  describe('date errors mark the failing parts', () => {
    const definition = question(cases.date.definition);
    const failing = (values: RawValues) => {
      const markup = html(definition, { values, errors: errorsFor(definition, values) });
      return controlsOf(markup).filter((control) => control.attributes.class.includes('govuk-input--error')).map((control) => control.attributes.name);
    };
    it('only the missing parts when some are missing', () => {
      expect(failing({ 'lostOn-day': '3', 'lostOn-month': '', 'lostOn-year': '2024' })).toEqual(['lostOn-month']);
      expect(failing({ 'lostOn-day': '', 'lostOn-month': '', 'lostOn-year': '2024' })).toEqual(['lostOn-day', 'lostOn-month']);
    });
    it('every part when the date as a whole is wrong', () => {
      expect(failing({ 'lostOn-day': '31', 'lostOn-month': '2', 'lostOn-year': '2024' })).toEqual(['lostOn-day', 'lostOn-month', 'lostOn-year']);
      expect(failing({ 'lostOn-day': '1', 'lostOn-month': '1', 'lostOn-year': '2999' })).toEqual(['lostOn-day', 'lostOn-month', 'lostOn-year']);
    });
    it('every part when the question is not answered', () => {
      expect(failing({})).toEqual(['lostOn-day', 'lostOn-month', 'lostOn-year']);
    });
  });

  describe('approximate date and time', () => {
    const definition = question(cases['approximate-datetime'].definition);
    it('reveals the exact date and time, or the range and description, under its radios', () => {
      const markup = html(definition, { values: { 'foundWhen-kind': 'exact', 'foundWhen-time': '9am' } });
      expect(markup).toMatch(/<div class="govuk-radios__conditional" id="conditional-foundWhen-kind">[\s\S]*name="foundWhen-day"[\s\S]*name="foundWhen-time" type="text"[^>]*value="9am"/);
      expect(markup).toMatch(/<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="conditional-foundWhen-kind-2">[\s\S]*name="foundWhen-from-day"[\s\S]*name="foundWhen-to-day"[\s\S]*name="foundWhen-description"/);
      expect(markup).toContain('data-aria-controls="conditional-foundWhen-kind"');
    });
    it('shows an unanswered question on the radios', () => {
      const errors = errorsFor(definition, {});
      const markup = html(definition, { errors });
      expect(markup).toMatch(/<fieldset class="govuk-fieldset" aria-describedby="foundWhen-kind-error">/);
      expect(markup.match(/govuk-form-group--error/g)).toHaveLength(1);
    });
    it('shows a nested error on the nested input it is about, in Welsh too', () => {
      const values = { 'foundWhen-kind': 'exact', 'foundWhen-day': '1', 'foundWhen-month': '1', 'foundWhen-year': '2020', 'foundWhen-time': '25:61' };
      const markup = html(definition, { language: 'cy', values, errors: errorsFor(definition, values) });
      expect(elementWithId(markup, 'foundWhen-time')).toMatch(/class="govuk-input govuk-input--width-5 govuk-input--error"[^>]*aria-describedby="foundWhen-time-hint foundWhen-time-error"/);
      expect(markup).toContain('Amser (dewisol)');
      expect(markup.match(/govuk-form-group--error/g)).toHaveLength(1);
      expect(markup).not.toContain('foundWhen-kind-error');
    });
  });

  describe('location', () => {
    const definition = question(cases.location.definition);
    it('reveals the address inputs, or a description, under its radios', () => {
      const markup = html(definition, { values: { 'foundLocation-kind': 'description', 'foundLocation-description': 'By the pond' } });
      expect(markup).toMatch(/id="conditional-foundLocation-kind"[\s\S]*name="foundLocation-line1"[\s\S]*name="foundLocation-postcode"/);
      expect(markup).toMatch(/<div class="govuk-radios__conditional" id="conditional-foundLocation-kind-2">[\s\S]*<textarea[^>]*name="foundLocation-description"[^>]*>By the pond<\/textarea>/);
      expect(markup).not.toContain('autocomplete="address-line1"');
    });
    it('shows an address error on the address input', () => {
      const values = { 'foundLocation-kind': 'address', 'foundLocation-line1': '1 Park Road', 'foundLocation-town': '' };
      const markup = html(definition, { values, errors: errorsFor(definition, values) });
      expect(elementWithId(markup, 'foundLocation-town')).toMatch(/govuk-input--error[^>]*aria-describedby="foundLocation-town-error"/);
    });
  });

  it('fills in the address inputs with the autocomplete a browser needs', () => {
    const attributes = controlsOf(html(question(cases.address.definition))).map((control) => [control.attributes.name, control.attributes.autocomplete]);
    expect(attributes).toEqual([
      ['home-line1', 'address-line1'],
      ['home-line2', 'address-line2'],
      ['home-town', 'address-level2'],
      ['home-postcode', 'postal-code'],
    ]);
    expect(html(question(cases.address.definition))).toMatch(/<fieldset class="govuk-fieldset" aria-describedby="home-hint">/);
  });

  it('needs a renderer for the questions with nested inputs', () => {
    for (const key of ['approximate-datetime', 'address', 'location']) {
      expect(() => questionView(question(cases[key].definition), { language: 'en', values: {}, errors: [], isPageHeading: false })).toThrow(/options\.render/);
    }
    expect(() => questionView(question(cases.date.definition), { language: 'en', values: {}, errors: [], isPageHeading: false })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Saved answers

const answers: [string, Record<string, unknown>, unknown, Record<string, string | string[]>][] = [
  ['text', cases.text.definition, 'Ann', { fullName: 'Ann' }],
  ['textarea', cases.textarea.definition, 'It was\nstolen', { details: 'It was\nstolen' }],
  ['number', cases.number.definition, 1250, { itemValue: '1250' }],
  ['decimal number', { ...cases.number.definition, integer: false }, 12.5, { itemValue: '12.5' }],
  ['radios', cases.radios.definition, 'handed-in', { itemNow: 'handed-in' }],
  ['checkboxes', cases.checkboxes.definition, ['me', 'someone-else'], { harm: ['me', 'someone-else'] }],
  ['select', cases.select.definition, 'gwent', { force: 'gwent' }],
  ['yes-no', cases['yes-no'].definition, 'yes', { injured: 'yes' }],
  ['date', cases.date.definition, '2024-02-03', { 'lostOn-day': '3', 'lostOn-month': '2', 'lostOn-year': '2024' }],
  ['time', cases.time.definition, '14:30', { lostAt: '14:30' }],
  ['exact datetime', cases['approximate-datetime'].definition, { kind: 'exact', date: '2025-03-01', time: '09:05' }, { 'foundWhen-kind': 'exact', 'foundWhen-day': '1', 'foundWhen-month': '3', 'foundWhen-year': '2025', 'foundWhen-time': '09:05' }],
  ['exact date without a time', cases['approximate-datetime'].definition, { kind: 'exact', date: '2025-03-01' }, { 'foundWhen-kind': 'exact', 'foundWhen-day': '1', 'foundWhen-month': '3', 'foundWhen-year': '2025' }],
  [
    'approximate datetime',
    cases['approximate-datetime'].definition,
    { kind: 'approximate', from: '2025-03-01', to: '2025-03-04', description: 'Over the weekend' },
    { 'foundWhen-kind': 'approximate', 'foundWhen-from-day': '1', 'foundWhen-from-month': '3', 'foundWhen-from-year': '2025', 'foundWhen-to-day': '4', 'foundWhen-to-month': '3', 'foundWhen-to-year': '2025', 'foundWhen-description': 'Over the weekend' },
  ],
  ['email', cases.email.definition, 'Ann@example.com', { email: 'Ann@example.com' }],
  ['phone', cases.phone.definition, '07700900982', { phone: '07700900982' }],
  ['postcode', cases.postcode.definition, 'CF10 1AA', { postcode: 'CF10 1AA' }],
  ['address', cases.address.definition, { line1: '1 High Street', town: 'Cardiff', postcode: 'CF10 1AA' }, { 'home-line1': '1 High Street', 'home-town': 'Cardiff', 'home-postcode': 'CF10 1AA' }],
  ['full address', cases.address.definition, { line1: 'Flat 2', line2: '1 High Street', town: 'Cardiff', postcode: 'CF10 1AA' }, { 'home-line1': 'Flat 2', 'home-line2': '1 High Street', 'home-town': 'Cardiff', 'home-postcode': 'CF10 1AA' }],
  ['location address', cases.location.definition, { kind: 'address', line1: '2 Castle Street', town: 'Swansea' }, { 'foundLocation-kind': 'address', 'foundLocation-line1': '2 Castle Street', 'foundLocation-town': 'Swansea' }],
  ['location description', cases.location.definition, { kind: 'description', description: 'By the pond' }, { 'foundLocation-kind': 'description', 'foundLocation-description': 'By the pond' }],
  ['vehicle registration', cases['vehicle-registration'].definition, 'AB12CDE', { registration: 'AB12CDE' }],
];

/** Normalised answers keep no `undefined` parts once stored as JSON. */
const stored = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('valuesFromAnswer', () => {
  it.each(answers)('%s: gives the inputs that validate back to the saved answer', (_name, definition, answer, expected) => {
    const parsed = question(definition);
    const values = valuesFromAnswer(parsed, answer);
    expect(values).toEqual(expected);
    const result = validateQuestions([parsed], values);
    expect(result.ok && stored(result.answers[parsed.id])).toEqual(answer);
  });

  it.each(answers)('%s: the page rendered from the saved answer posts it back', (_name, definition, answer) => {
    const parsed = question(definition);
    for (const language of ['en', 'cy'] as const) {
      const markup = html(parsed, { language, values: valuesFromAnswer(parsed, answer) });
      const result = validateQuestions([parsed], posted(markup));
      expect(result.ok && stored(result.answers[parsed.id])).toEqual(answer);
    }
  });

  it('gives nothing for no answer, and for files', () => {
    for (const testCase of Object.values(cases)) expect(valuesFromAnswer(question(testCase.definition), undefined)).toEqual({});
    expect(valuesFromAnswer(question(cases.file.definition), ['file-1'])).toEqual({});
  });
});

describe('answerSummary', () => {
  const summary: [string, Record<string, unknown>, unknown, string, string][] = [
    ['text', cases.text.definition, 'Ann', 'Ann', 'Ann'],
    ['textarea', cases.textarea.definition, 'It was\nstolen', 'It was\nstolen', 'It was\nstolen'],
    ['number', cases.number.definition, 1250000, '1,250,000 pounds', '1,250,000 punt'],
    ['number without a unit', { id: 'count', type: 'number', integer: false, label: { en: 'How many?', cy: 'Sawl un?' } }, 1234.5, '1,234.5', '1,234.5'],
    ['radios', cases.radios.definition, 'handed-in', 'I handed it in', 'Rhoddais hi i mewn'],
    ['checkboxes', cases.checkboxes.definition, ['me', 'someone-else'], 'Me\nSomeone else', 'Fi\nRhywun arall'],
    ['select', cases.select.definition, 'gwent', 'Gwent Police', 'Heddlu Gwent'],
    ['yes', cases['yes-no'].definition, 'yes', 'Yes', 'Ie'],
    ['no', cases['yes-no'].definition, 'no', 'No', 'Na'],
    ['date', cases.date.definition, '2024-02-03', '3 February 2024', '3 Chwefror 2024'],
    ['date in December', cases.date.definition, '2023-12-25', '25 December 2023', '25 Rhagfyr 2023'],
    ['time', cases.time.definition, '14:30', '14:30', '14:30'],
    ['exact datetime', cases['approximate-datetime'].definition, { kind: 'exact', date: '2025-03-01', time: '09:05' }, '1 March 2025 at 09:05', '1 Mawrth 2025 am 09:05'],
    ['exact date', cases['approximate-datetime'].definition, { kind: 'exact', date: '2025-06-01' }, '1 June 2025', '1 Mehefin 2025'],
    ['approximate', cases['approximate-datetime'].definition, { kind: 'approximate', from: '2025-03-01', to: '2025-03-04' }, 'Between 1 March 2025 and 4 March 2025', 'Rhwng 1 Mawrth 2025 a 4 Mawrth 2025'],
    ['approximate with a description', cases['approximate-datetime'].definition, { kind: 'approximate', from: '2025-07-01', to: '2025-08-04', description: 'At night' }, 'Between 1 July 2025 and 4 August 2025\nAt night', 'Rhwng 1 Gorffennaf 2025 a 4 Awst 2025\nAt night'],
    ['email', cases.email.definition, 'ann@example.com', 'ann@example.com', 'ann@example.com'],
    ['phone', cases.phone.definition, '07700900982', '07700900982', '07700900982'],
    ['address', cases.address.definition, { line1: '1 High Street', town: 'Cardiff', postcode: 'CF10 1AA' }, '1 High Street\nCardiff\nCF10 1AA', '1 High Street\nCardiff\nCF10 1AA'],
    ['location address', cases.location.definition, { kind: 'address', line1: 'Flat 2', line2: '2 Castle Street', town: 'Swansea' }, 'Flat 2\n2 Castle Street\nSwansea', 'Flat 2\n2 Castle Street\nSwansea'],
    ['location description', cases.location.definition, { kind: 'description', description: 'By the pond' }, 'By the pond', 'By the pond'],
    ['vehicle registration', cases['vehicle-registration'].definition, 'AB12CDE', 'AB12CDE', 'AB12CDE'],
    ['file', cases.file.definition, [{ id: 'f1', name: 'IMG_0042.JPG', sizeBytes: 1000, kind: 'image' }, { id: 'f2', name: 'receipt.pdf', sizeBytes: 20, kind: 'document' }], 'IMG_0042.JPG\nreceipt.pdf', 'IMG_0042.JPG\nreceipt.pdf'],
    ['no files', cases.file.definition, undefined, 'Not provided', 'Heb ei ddarparu'],
    ['missing text', cases.text.definition, undefined, 'Not provided', 'Heb ei ddarparu'],
    ['empty checkboxes', cases.checkboxes.definition, [], 'Not provided', 'Heb ei ddarparu'],
    ['missing date', cases.date.definition, undefined, 'Not provided', 'Heb ei ddarparu'],
  ];

  it.each(summary)('%s', (_name, definition, answer, english, welsh) => {
    expect(answerSummary(question(definition), answer, 'en')).toBe(english);
    expect(answerSummary(question(definition), answer, 'cy')).toBe(welsh);
  });

  it('names every month in Welsh', () => {
    const months = Array.from({ length: 12 }, (_, index) => answerSummary(question(cases.date.definition), `2024-${String(index + 1).padStart(2, '0')}-01`, 'cy').split(' ')[1]);
    expect(months).toEqual(['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr']);
  });
});
