import type { TemplateDelegate } from 'handlebars';
import type { FieldError, QuestionDefinition, Text } from '@front-counter/forms';
import { fieldNames } from '@front-counter/public-kit';
import { escapeHtml } from '../rendering/escape-html.js';
import type { ViewEngine } from '../rendering/handlebars.js';

/**
 * One question as a govuk-frontend component: which partial (`govuk/radios`) and its macro params.
 * Every input's id is its name (exactly `fieldNames(question)`), so an error summary link `#<field>`
 * focuses it. An error is shown on the component that holds the failing input: the question's own
 * component, or, for an input inside a conditional reveal or an address, that nested input.
 */
export interface QuestionView {
  partial: string;
  params: Record<string, unknown>;
}

export type Language = 'en' | 'cy';
/** Renders a partial to HTML: see `partialRenderer`. Composite questions need it for their nested inputs. */
export type RenderPartial = (partial: string, params: object) => string;
type Values = Record<string, string | string[] | undefined>;
type Params = Record<string, unknown>;

export interface QuestionViewOptions {
  language: Language;
  /** Raw posted values by input name (re-displayed exactly as typed after an error), or `valuesFromAnswer`. */
  values: Values;
  /** The errors on this page: only this question's are shown. */
  errors: FieldError[];
  /** The page has one question and no title: the label or legend is the page's h1. */
  isPageHeading: boolean;
  /**
   * Not used: a repeating group's item is edited on its own page and validated on its own, so its
   * inputs keep the names (and ids) `fieldNames` gives, and the error summary's links still work.
   */
  idPrefix?: string;
  /** Needed by approximate-datetime, address and location, whose nested inputs are rendered to HTML. */
  render?: RenderPartial;
}

// Texts of the components' own parts (the question's texts come from its definition).
const TEXT = {
  error: { en: 'Error', cy: 'Gwall' },
  yes: { en: 'Yes', cy: 'Ie' },
  no: { en: 'No', cy: 'Na' },
  or: { en: 'or', cy: 'neu' },
  selectOption: { en: 'Select an option', cy: 'Dewiswch opsiwn' },
  day: { en: 'Day', cy: 'Diwrnod' },
  month: { en: 'Month', cy: 'Mis' },
  year: { en: 'Year', cy: 'Blwyddyn' },
  dateHint: { en: 'For example, 27 3 2024', cy: 'Er enghraifft, 27 3 2024' },
  timeHint: { en: 'For example, 14:30', cy: 'Er enghraifft, 14:30' },
  exact: { en: 'I know exactly when', cy: "Rwy'n gwybod yn union pryd" },
  approximate: { en: "I don't know exactly", cy: 'Dydw i ddim yn gwybod yn union' },
  exactDate: { en: 'Date', cy: 'Dyddiad' },
  exactTime: { en: 'Time (optional)', cy: 'Amser (dewisol)' },
  from: { en: 'Earliest date it could have been', cy: 'Y dyddiad cynharaf y gallai fod wedi bod' },
  to: { en: 'Latest date it could have been', cy: 'Y dyddiad diweddaraf y gallai fod wedi bod' },
  whenDescription: { en: 'Anything else about when it happened (optional)', cy: "Unrhyw beth arall am yr adeg y digwyddodd (dewisol)" },
  whenDescriptionHint: { en: 'For example, "after I left work on Friday"', cy: 'Er enghraifft, "ar ôl i mi adael y gwaith ddydd Gwener"' },
  knowAddress: { en: 'I know the address', cy: "Rwy'n gwybod y cyfeiriad" },
  describePlace: { en: 'Describe the place, for example a park or a stretch of road', cy: 'Disgrifiwch y lle, er enghraifft parc neu ddarn o ffordd' },
  useMyLocation: { en: 'Use my current location', cy: 'Defnyddio fy lleoliad presennol' },
  locationHelp: { en: 'If you are there now, your device can tell us exactly where. We only use it for this report.', cy: "Os ydych chi yno nawr, gall eich dyfais ddweud wrthym yn union ble. Dim ond ar gyfer yr adroddiad hwn y byddwn ni'n ei ddefnyddio." },
  locationGiven: { en: 'Map position given: {latitude}, {longitude}', cy: 'Safle ar y map wedi’i roi: {latitude}, {longitude}' },
  placeDescription: { en: 'Description of the place', cy: "Disgrifiad o'r lle" },
  line1: { en: 'Address line 1', cy: 'Llinell 1 y cyfeiriad' },
  line2: { en: 'Address line 2 (optional)', cy: 'Llinell 2 y cyfeiriad (dewisol)' },
  town: { en: 'Town or city', cy: 'Tref neu ddinas' },
  postcode: { en: 'Postcode (optional)', cy: 'Cod post (dewisol)' },
  notProvided: { en: 'Not provided', cy: 'Heb ei ddarparu' },
  between: { en: 'Between {from} and {to}', cy: 'Rhwng {from} a {to}' },
  at: { en: '{date} at {time}', cy: '{date} am {time}' },
} satisfies Record<string, Text>;
/** For the catalogues' test: every text has its Welsh. */
export { TEXT as QUESTION_TEXT };

/** The character count's messages (its JavaScript's and the no-JavaScript limit sentence) in Welsh. */
const WELSH_CHARACTER_COUNT = {
  textareaDescriptionText: 'Gallwch roi hyd at %{count} o nodau',
  charactersUnderLimitText: { zero: 'Mae gennych %{count} nod ar ôl', one: 'Mae gennych %{count} nod ar ôl', two: 'Mae gennych %{count} nod ar ôl', few: 'Mae gennych %{count} nod ar ôl', many: 'Mae gennych %{count} nod ar ôl', other: 'Mae gennych %{count} o nodau ar ôl' },
  charactersAtLimitText: 'Mae gennych 0 nod ar ôl',
  charactersOverLimitText: { zero: 'Mae gennych %{count} nod yn ormod', one: 'Mae gennych %{count} nod yn ormod', two: 'Mae gennych %{count} nod yn ormod', few: 'Mae gennych %{count} nod yn ormod', many: 'Mae gennych %{count} nod yn ormod', other: 'Mae gennych %{count} o nodau yn ormod' },
};

const MONTHS: Record<Language, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  cy: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
};

const ACCEPT = { image: 'image/*', video: 'video/*', document: '.pdf,.doc,.docx,.txt' } as const;
const DATE_PARTS = ['day', 'month', 'year'] as const;
const ADDRESS_PARTS = ['line1', 'line2', 'town', 'postcode'] as const;

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[value.length - 1] : value);
const many = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/** This question's error: one naming it, or naming one of its inputs. */
function errorOf(question: QuestionDefinition, errors: FieldError[], fields: string[]): FieldError | undefined {
  return errors.find((error) => error.questionId === question.id) ?? errors.find((error) => fields.includes(error.field));
}

// ---------------------------------------------------------------------------------------------
// Rendering

const compiledByEngine = new WeakMap<ViewEngine, Map<string, TemplateDelegate>>();

/** Renders the engine's partials by name to HTML, compiling each once (as `partialWithHtml` does). */
export function partialRenderer(engine: ViewEngine): RenderPartial {
  let compiled = compiledByEngine.get(engine);
  if (!compiled) compiledByEngine.set(engine, (compiled = new Map()));
  const cache = compiled;
  return (name, params) => {
    const registered: unknown = engine.partials[name];
    let template: TemplateDelegate | undefined = typeof registered === 'function' ? (registered as TemplateDelegate) : cache.get(name);
    if (!template) {
      if (typeof registered !== 'string') throw new Error(`Unknown partial "${name}"`);
      template = engine.compile(registered);
      cache.set(name, template);
    }
    return template(params);
  };
}

/** A question's HTML: `renderQuestion(engine, questionView(question, { ...options, render: partialRenderer(engine) }))`. */
export function renderQuestion(engine: ViewEngine, view: QuestionView): string {
  return partialRenderer(engine)(view.partial, view.params);
}

// ---------------------------------------------------------------------------------------------
// Views

export function questionView(question: QuestionDefinition, options: QuestionViewOptions): QuestionView {
  const { language, values, isPageHeading } = options;
  const t = (text: Text) => text[language];
  const id = question.id;
  const fields = fieldNames(question);
  const error = errorOf(question, options.errors, fields);
  const errorMessage = (shown: FieldError | undefined) => (shown ? { text: t(shown.message), visuallyHiddenText: t(TEXT.error) } : undefined);
  const hint = question.hint ? { text: t(question.hint) } : undefined;
  const label = isPageHeading ? { text: t(question.label), isPageHeading: true, classes: 'govuk-label--l' } : { text: t(question.label) };
  const legend = isPageHeading
    ? { text: t(question.label), isPageHeading: true, classes: 'govuk-fieldset__legend--l' }
    : { text: t(question.label), classes: 'govuk-fieldset__legend--s' };
  const value = (name: string) => single(values[name]);
  const render = (): RenderPartial => {
    if (!options.render) throw new Error(`Question "${id}" (${question.type}) needs options.render to render its nested inputs`);
    return options.render;
  };

  /** The "which kind of answer" radios (approximate date-time, location), each revealing its own inputs. */
  const kindRadios = (items: Params[], radiosError: FieldError | undefined): QuestionView => ({
    partial: 'govuk/radios',
    params: { name: `${id}-kind`, idPrefix: `${id}-kind`, fieldset: { legend }, hint, errorMessage: errorMessage(radiosError), value: value(`${id}-kind`), items },
  });

  const input = (params: Params): QuestionView => ({
    partial: 'govuk/input',
    params: { id, name: id, label, hint, value: value(id), errorMessage: errorMessage(error), ...params },
  });

  /** A date input's params (for `<prefix>-day` and so on), its failing parts marked. */
  const dateInput = (prefix: string, shown: FieldError | undefined, dateLegend: Params, dateHint: Params | undefined): Params => {
    const names = DATE_PARTS.map((part) => `${prefix}-${part}`);
    const named = shown && names.includes(shown.field);
    // A missing part is named by the error: mark every missing part. Otherwise (not a real date,
    // out of range) the date as a whole is wrong: mark them all.
    const missing = names.filter((name) => !value(name)?.trim());
    const failing = !shown ? [] : named && missing.length > 0 ? missing : names;
    return {
      id: prefix,
      namePrefix: prefix,
      fieldset: { legend: dateLegend },
      hint: dateHint,
      errorMessage: errorMessage(shown),
      items: DATE_PARTS.map((part, index) => ({
        name: part,
        id: names[index],
        label: t(TEXT[part]),
        value: value(names[index]) ?? '',
        error: failing.includes(names[index]) || undefined,
        classes: part === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2',
      })),
    };
  };

  /** The four address inputs as HTML, each showing its own error. */
  const addressHtml = (shown: FieldError | undefined, autocomplete: boolean): string => {
    const fallback = shown && !ADDRESS_PARTS.some((part) => shown.field === `${id}-${part}`) ? 'line1' : undefined;
    const widths: Record<(typeof ADDRESS_PARTS)[number], string | undefined> = { line1: undefined, line2: undefined, town: 'govuk-!-width-two-thirds', postcode: 'govuk-input--width-10' };
    const autocompletes = { line1: 'address-line1', line2: 'address-line2', town: 'address-level2', postcode: 'postal-code' };
    return ADDRESS_PARTS.map((part) => {
      const name = `${id}-${part}`;
      const failing = shown && (shown.field === name || fallback === part);
      return render()('govuk/input', {
        id: name,
        name,
        label: { text: t(TEXT[part]) },
        value: value(name),
        classes: widths[part],
        autocomplete: autocomplete ? autocompletes[part] : undefined,
        spellcheck: part === 'postcode' ? false : undefined,
        errorMessage: errorMessage(failing ? shown : undefined),
      });
    }).join('\n');
  };

  switch (question.type) {
    case 'text':
      return input({ classes: question.width ? `govuk-input--width-${question.width}` : undefined, autocomplete: question.autocomplete });
    case 'email':
      return input({ type: 'email', autocomplete: 'email', spellcheck: false });
    case 'phone':
      return input({ type: 'tel', autocomplete: 'tel' });
    case 'postcode':
      return input({ classes: 'govuk-input--width-10', autocomplete: 'postal-code', spellcheck: false });
    case 'vehicle-registration':
      return input({ classes: 'govuk-input--width-10 govuk-input--extra-letter-spacing', spellcheck: false });
    case 'number':
      return input({
        classes: 'govuk-input--width-10',
        // A decimal point is missing from some numeric keyboards.
        inputmode: question.integer ? 'numeric' : 'decimal',
        spellcheck: false,
        suffix: question.unit ? { text: t(question.unit) } : undefined,
      });
    case 'time':
      return input({ classes: 'govuk-input--width-5', spellcheck: false, hint: hint ?? { text: t(TEXT.timeHint) } });
    case 'textarea': {
      const params = { id, name: id, label, hint, value: value(id), rows: question.rows, errorMessage: errorMessage(error) };
      if (!question.maxLength) return { partial: 'govuk/textarea', params };
      return { partial: 'govuk/character-count', params: { ...params, maxlength: question.maxLength, ...(language === 'cy' ? WELSH_CHARACTER_COUNT : {}) } };
    }
    case 'radios':
    case 'yes-no': {
      const items =
        question.type === 'yes-no'
          ? [{ value: 'yes', text: t(TEXT.yes) }, { value: 'no', text: t(TEXT.no) }]
          : question.options.flatMap((option) => [
              ...(option.divider ? [{ divider: t(option.divider) }] : []),
              { value: option.value, text: t(option.label), hint: option.hint ? { text: t(option.hint) } : undefined },
            ]);
      return {
        partial: 'govuk/radios',
        params: { name: id, idPrefix: id, fieldset: { legend }, hint, errorMessage: errorMessage(error), classes: question.inline ? 'govuk-radios--inline' : undefined, value: value(id), items },
      };
    }
    case 'checkboxes': {
      const items = question.options.flatMap((option, index) => [
        ...(option.divider ? [{ divider: t(option.divider) }] : option.exclusive && index > 0 ? [{ divider: t(TEXT.or) }] : []),
        { value: option.value, text: t(option.label), hint: option.hint ? { text: t(option.hint) } : undefined, behaviour: option.exclusive ? 'exclusive' : undefined },
      ]);
      return {
        partial: 'govuk/checkboxes',
        params: { name: id, idPrefix: id, fieldset: { legend }, hint, errorMessage: errorMessage(error), values: many(values[id]), items },
      };
    }
    case 'select':
      return {
        partial: 'govuk/select',
        params: {
          id,
          name: id,
          label,
          hint,
          errorMessage: errorMessage(error),
          value: value(id),
          items: [{ value: '', text: t(TEXT.selectOption) }, ...question.options.map((option) => ({ value: option.value, text: t(option.label) }))],
        },
      };
    case 'date':
      return { partial: 'govuk/date-input', params: dateInput(id, error, legend, hint ?? { text: t(TEXT.dateHint) }) };
    case 'file':
      return {
        partial: 'govuk/file-upload',
        params: {
          id,
          name: id,
          label,
          hint,
          errorMessage: errorMessage(error),
          multiple: question.maxFiles > 1 || undefined,
          attributes: { accept: question.accept.map((kind) => ACCEPT[kind]).join(',') },
        },
      };
    case 'address': {
      const hintHtml = hint ? render()('govuk/hint', { id: `${id}-hint`, ...hint }) : '';
      return {
        partial: 'govuk/fieldset',
        params: { legend, describedBy: hint ? `${id}-hint` : undefined, html: [hintHtml, addressHtml(error, true)].filter(Boolean).join('\n') },
      };
    }
    case 'approximate-datetime': {
      const on = (prefix: string) => (error && DATE_PARTS.some((part) => error.field === `${prefix}-${part}`) ? error : undefined);
      const [exactError, fromError, toError] = [on(id), on(`${id}-from`), on(`${id}-to`)];
      const timeError = error?.field === `${id}-time` ? error : undefined;
      const descriptionError = error?.field === `${id}-description` ? error : undefined;
      const radiosError = error && !exactError && !fromError && !toError && !timeError && !descriptionError ? error : undefined;
      const dateHint = { text: t(TEXT.dateHint) };
      const exactHtml = [
        render()('govuk/date-input', dateInput(id, exactError, { text: t(TEXT.exactDate) }, dateHint)),
        render()('govuk/input', {
          id: `${id}-time`,
          name: `${id}-time`,
          label: { text: t(TEXT.exactTime) },
          hint: { text: t(TEXT.timeHint) },
          value: value(`${id}-time`),
          classes: 'govuk-input--width-5',
          spellcheck: false,
          errorMessage: errorMessage(timeError),
        }),
      ].join('\n');
      const approximateHtml = [
        render()('govuk/date-input', dateInput(`${id}-from`, fromError, { text: t(TEXT.from) }, dateHint)),
        render()('govuk/date-input', dateInput(`${id}-to`, toError, { text: t(TEXT.to) }, dateHint)),
        render()('govuk/input', {
          id: `${id}-description`,
          name: `${id}-description`,
          label: { text: t(TEXT.whenDescription) },
          hint: { text: t(TEXT.whenDescriptionHint) },
          value: value(`${id}-description`),
          errorMessage: errorMessage(descriptionError),
        }),
      ].join('\n');
      return kindRadios([
        { value: 'exact', text: t(TEXT.exact), conditional: { html: exactHtml } },
        { value: 'approximate', text: t(TEXT.approximate), conditional: { html: approximateHtml } },
      ], radiosError);
    }
    case 'location': {
      const addressError = error && ADDRESS_PARTS.some((part) => error.field === `${id}-${part}`) ? error : undefined;
      const descriptionError = error?.field === `${id}-description` ? error : undefined;
      const radiosError = error && !addressError && !descriptionError ? error : undefined;
      const descriptionHtml = render()('govuk/textarea', {
        id: `${id}-description`,
        name: `${id}-description`,
        label: { text: t(TEXT.placeDescription) },
        rows: 3,
        value: value(`${id}-description`),
        errorMessage: errorMessage(descriptionError),
      });
      const radios = kindRadios([
        // Where something happened is seldom the reporter's own address: no autocomplete.
        { value: 'address', text: t(TEXT.knowAddress), conditional: { html: addressHtml(addressError, false) } },
        { value: 'description', text: t(TEXT.describePlace), conditional: { html: descriptionHtml } },
      ], radiosError);
      // The device's position, offered only with JavaScript (app.js shows the button); kept as typed-in
      // values are, so a page shown again with an error does not lose it.
      const [latitude, longitude] = [value(`${id}-latitude`) ?? '', value(`${id}-longitude`) ?? ''];
      const given = latitude && longitude ? fill(t(TEXT.locationGiven), { latitude, longitude }) : '';
      const pointHtml = [
        `<div class="app-location-point" data-module="app-location-point" data-error-text="${escapeHtml(t(TEXT.locationHelp))}">`,
        `<input type="hidden" id="${id}-latitude" name="${id}-latitude" value="${escapeHtml(latitude)}" data-latitude>`,
        `<input type="hidden" id="${id}-longitude" name="${id}-longitude" value="${escapeHtml(longitude)}" data-longitude>`,
        `<p class="govuk-body" data-location-status aria-live="polite">${escapeHtml(given)}</p>`,
        `<div hidden data-location-offer><p class="govuk-hint">${escapeHtml(t(TEXT.locationHelp))}</p>`,
        `<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-use-location>${escapeHtml(t(TEXT.useMyLocation))}</button></div>`,
        `</div>`,
      ].join('');
      return { ...radios, params: { ...radios.params, formGroup: { afterInputs: { html: pointHtml } } } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Saved answers

type Answer = Record<string, unknown>;
const isRecord = (value: unknown): value is Answer => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);

function dateValues(prefix: string, iso: unknown): Record<string, string> {
  const match = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!match) return {};
  return { [`${prefix}-day`]: String(Number(match[3])), [`${prefix}-month`]: String(Number(match[2])), [`${prefix}-year`]: match[1] };
}

function addressValues(prefix: string, answer: Answer): Record<string, string> {
  return Object.fromEntries(ADDRESS_PARTS.flatMap((part) => (str(answer[part]) ? [[`${prefix}-${part}`, str(answer[part])!]] : [])));
}

/** The raw input values that redisplay a saved normalised answer (the inverse of validation). */
export function valuesFromAnswer(question: QuestionDefinition, answer: unknown): Record<string, string | string[]> {
  const id = question.id;
  if (answer === undefined || answer === null) return {};
  switch (question.type) {
    case 'checkboxes':
      return Array.isArray(answer) ? { [id]: answer.map(String) } : {};
    case 'date':
      return dateValues(id, answer);
    case 'approximate-datetime': {
      if (!isRecord(answer)) return {};
      if (answer.kind === 'exact') {
        return { [`${id}-kind`]: 'exact', ...dateValues(id, answer.date), ...(str(answer.time) ? { [`${id}-time`]: str(answer.time)! } : {}) };
      }
      if (answer.kind === 'approximate') {
        return {
          [`${id}-kind`]: 'approximate',
          ...dateValues(`${id}-from`, answer.from),
          ...dateValues(`${id}-to`, answer.to),
          ...(str(answer.description) ? { [`${id}-description`]: str(answer.description)! } : {}),
        };
      }
      return {};
    }
    case 'address':
      return isRecord(answer) ? addressValues(id, answer) : {};
    case 'location': {
      if (!isRecord(answer)) return {};
      const point = str(answer.latitude) && str(answer.longitude) ? { [`${id}-latitude`]: str(answer.latitude)!, [`${id}-longitude`]: str(answer.longitude)! } : {};
      if (answer.kind === 'address') return { [`${id}-kind`]: 'address', ...addressValues(id, answer), ...point };
      if (answer.kind === 'description') return { [`${id}-kind`]: 'description', ...(str(answer.description) ? { [`${id}-description`]: str(answer.description)! } : {}), ...point };
      return {};
    }
    case 'file':
      return {};
    default: {
      const value = str(answer);
      return value === undefined ? {} : { [id]: value };
    }
  }
}

/** '2024-02-03' → '3 February 2024' (or '3 Chwefror 2024'); anything else as it is. */
function formatDate(iso: unknown, language: Language): string {
  const match = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!match) return String(iso ?? '');
  return `${Number(match[3])} ${MONTHS[language][Number(match[2]) - 1] ?? match[2]} ${match[1]}`;
}

const fill = (template: string, params: Record<string, string>) => template.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);

/** How a saved answer reads on "Check your answers": plain text, lines joined by `\n` (escape it when rendering). */
export function answerSummary(question: QuestionDefinition, answer: unknown, language: Language): string {
  const t = (text: Text) => text[language];
  if (question.type === 'file') {
    const files = Array.isArray(answer) ? answer.filter((file): file is { name: string } => isRecord(file) && typeof file.name === 'string') : [];
    return files.length ? files.map((file) => file.name).join('\n') : t(TEXT.notProvided);
  }
  if (answer === undefined || answer === null || answer === '' || (Array.isArray(answer) && answer.length === 0)) return t(TEXT.notProvided);
  const optionLabel = (value: unknown) => {
    const option = 'options' in question ? question.options.find((candidate) => candidate.value === value) : undefined;
    return option ? t(option.label) : String(value);
  };
  const lines = (...parts: unknown[]) => parts.filter((part) => typeof part === 'string' && part !== '').join('\n');
  switch (question.type) {
    case 'radios':
    case 'select':
      return optionLabel(answer);
    case 'checkboxes':
      return [answer].flat().map(optionLabel).join('\n');
    case 'yes-no':
      return answer === 'yes' ? t(TEXT.yes) : answer === 'no' ? t(TEXT.no) : String(answer);
    case 'number': {
      const number = typeof answer === 'number' ? answer : Number(answer);
      const text = Number.isFinite(number) ? new Intl.NumberFormat('en-GB', { maximumFractionDigits: 20 }).format(number) : String(answer);
      return question.unit ? `${text} ${t(question.unit)}` : text;
    }
    case 'date':
      return formatDate(answer, language);
    case 'approximate-datetime': {
      if (!isRecord(answer)) return String(answer);
      if (answer.kind === 'exact') {
        const date = formatDate(answer.date, language);
        return str(answer.time) ? fill(t(TEXT.at), { date, time: str(answer.time)! }) : date;
      }
      return lines(fill(t(TEXT.between), { from: formatDate(answer.from, language), to: formatDate(answer.to, language) }), answer.description);
    }
    case 'address':
      return isRecord(answer) ? lines(...ADDRESS_PARTS.map((part) => answer[part])) : String(answer);
    case 'location': {
      if (!isRecord(answer)) return String(answer);
      const point = typeof answer.latitude === 'number' ? fill(t(TEXT.locationGiven), { latitude: String(answer.latitude), longitude: String(answer.longitude) }) : undefined;
      return answer.kind === 'description' ? lines(answer.description, point) : lines(...ADDRESS_PARTS.map((part) => answer[part]), point);
    }
    default:
      return String(answer);
  }
}
