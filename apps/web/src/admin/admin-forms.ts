import type { RenderPartial } from '../journey/question-view.js';
import type { FieldError } from '../staff/staff-forms.js';
import { fill } from '../staff/staff-texts.js';
import type { FieldProblem, SiteSettings } from './admin-api.js';
import { ADMIN_TEXT } from './admin-texts.js';

const T = ADMIN_TEXT.site;
export type SiteValues = Record<string, string>;

/** The site form's fields, by id; the api's field paths map onto them (see fieldOf). */
export const SITE_FIELDS = [
  'name-en',
  'name-cy',
  'brandColour',
  'secondaryColour',
  'logoText-en',
  'logoText-cy',
  'removeLogo',
  'nonEmergency',
  'textRelayEmergency',
  'textRelayNonEmergency',
  'email',
  'website',
  'triageWithinMinutes',
  'replyWithinHours',
  'whatHappensNext-en',
  'whatHappensNext-cy',
] as const;

/** An api field path (branding.brandColour, name.cy, promises.whatHappensNext.en) as the form's field id. */
export function fieldOf(path: string): string {
  const id = path
    .replace(/^(branding|contact|promises)\./, '')
    .replace(/^logo(Svg|Png)$/, 'logo')
    .replace(/\.(en|cy)$/, '-$1');
  return (SITE_FIELDS as readonly string[]).includes(id) || id === 'logo' ? id : 'name-en';
}

export function problemsAsErrors(problems: FieldProblem[], fieldFor: (path: string) => string): FieldError[] {
  return problems.map((problem) => ({ field: fieldFor(problem.field), text: problem.message.charAt(0).toUpperCase() + problem.message.slice(1) }));
}

export function siteValues(settings: SiteSettings): SiteValues {
  return {
    'name-en': settings.name.en,
    'name-cy': settings.name.cy ?? '',
    brandColour: settings.branding.brandColour,
    secondaryColour: settings.branding.secondaryColour,
    'logoText-en': settings.branding.logoText.en,
    'logoText-cy': settings.branding.logoText.cy ?? '',
    removeLogo: '',
    nonEmergency: settings.contact.nonEmergency,
    textRelayEmergency: settings.contact.textRelayEmergency,
    textRelayNonEmergency: settings.contact.textRelayNonEmergency ?? '',
    email: settings.contact.email ?? '',
    website: settings.website ?? '',
    triageWithinMinutes: String(settings.promises.triageWithinMinutes),
    replyWithinHours: String(settings.promises.replyWithinHours),
    'whatHappensNext-en': settings.promises.whatHappensNext?.en ?? '',
    'whatHappensNext-cy': settings.promises.whatHappensNext?.cy ?? '',
  };
}

const text = (en: string, cy: string) => (cy ? { en, cy } : { en });
const optional = (value: string) => (value ? value : undefined);

/**
 * The settings the form describes. Whole numbers are checked here (the api would only see NaN);
 * everything else the api checks, naming each field.
 */
export function siteSettingsFrom(values: SiteValues, logo: { svg: string | null; png: string | null }): { settings: SiteSettings } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const whole = (name: 'triageWithinMinutes' | 'replyWithinHours') => {
    if (!/^\d{1,6}$/.test(values[name])) errors.push({ field: name, text: T.wholeNumber });
    return Number(values[name]);
  };
  const settings: SiteSettings = {
    name: text(values['name-en'], values['name-cy']),
    website: values.website || null,
    branding: { brandColour: values.brandColour, secondaryColour: values.secondaryColour, logoText: text(values['logoText-en'], values['logoText-cy']), logoSvg: logo.svg, logoPng: logo.png },
    contact: JSON.parse(
      JSON.stringify({ nonEmergency: values.nonEmergency, textRelayEmergency: values.textRelayEmergency, textRelayNonEmergency: optional(values.textRelayNonEmergency), email: optional(values.email) }),
    ),
    promises: JSON.parse(
      JSON.stringify({
        triageWithinMinutes: whole('triageWithinMinutes'),
        replyWithinHours: whole('replyWithinHours'),
        whatHappensNext: values['whatHappensNext-en'] ? text(values['whatHappensNext-en'], values['whatHappensNext-cy']) : undefined,
      }),
    ),
  };
  return errors.length ? { errors } : { settings };
}

/** The site form's inputs as govuk-frontend partials. */
export function siteFormHtml(render: RenderPartial, values: SiteValues, errors: FieldError[], welsh: boolean, hasLogo: boolean): Record<string, string> {
  const error = (field: string) => {
    const found = errors.find((candidate) => candidate.field === field);
    return found ? { text: found.text } : undefined;
  };
  const input = (id: string, label: string, options: { hint?: string; classes?: string; type?: string; spellcheck?: boolean } = {}) =>
    render('govuk/input', {
      id,
      name: id,
      label: { text: label },
      hint: options.hint ? { text: options.hint } : undefined,
      value: values[id] ?? '',
      classes: options.classes,
      type: options.type,
      spellcheck: options.spellcheck,
      errorMessage: error(id),
    });
  const textarea = (id: string, label: string) => render('govuk/textarea', { id, name: id, label: { text: label }, value: values[id] ?? '', rows: 3, errorMessage: error(id) });
  const cy = (html: string) => (welsh ? html : '');
  return {
    name: input('name-en', T.name) + cy(input('name-cy', `${T.name} ${T.welsh}`)),
    colours:
      input('brandColour', T.brandColour, { hint: T.brandColourHint, classes: 'govuk-input--width-10', spellcheck: false }) +
      input('secondaryColour', T.secondaryColour, { hint: T.secondaryColourHint, classes: 'govuk-input--width-10', spellcheck: false }),
    logo:
      input('logoText-en', T.logoText) +
      cy(input('logoText-cy', `${T.logoText} ${T.welsh}`)) +
      render('govuk/file-upload', { id: 'logo', name: 'logo', label: { text: T.logo }, hint: { text: T.logoHint }, attributes: { accept: '.svg,.png,image/svg+xml,image/png' }, errorMessage: error('logo') }) +
      (hasLogo ? render('govuk/checkboxes', { name: 'removeLogo', idPrefix: 'removeLogo', classes: 'govuk-checkboxes--small', items: [{ value: 'yes', text: T.removeLogo, checked: values.removeLogo === 'yes' }] }) : ''),
    contact:
      input('nonEmergency', T.nonEmergency, { classes: 'govuk-input--width-10', type: 'tel' }) +
      input('textRelayEmergency', T.textRelayEmergency, { classes: 'govuk-input--width-10', type: 'tel' }) +
      input('textRelayNonEmergency', T.textRelayNonEmergency, { classes: 'govuk-input--width-10', type: 'tel' }) +
      input('email', T.email, { type: 'email', spellcheck: false }) +
      input('website', T.website, { type: 'url', spellcheck: false }),
    promises:
      input('triageWithinMinutes', T.triageWithinMinutes, { classes: 'govuk-input--width-4' }) +
      input('replyWithinHours', T.replyWithinHours, { classes: 'govuk-input--width-4' }) +
      textarea('whatHappensNext-en', T.whatHappensNext) +
      cy(textarea('whatHappensNext-cy', `${T.whatHappensNext} ${T.welsh}`)),
  };
}

/** A JSON leaf for the differences table: strings as they are, anything else as short JSON. */
export function showValue(value: unknown, nothing: string): string {
  if (value === undefined || value === null) return nothing;
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 297)}...` : value;
  const json = JSON.stringify(value);
  return json.length > 300 ? `${json.slice(0, 297)}...` : json;
}

/** The api's refusals as one line for a banner: their messages. */
export const problemMessages = (problems: FieldProblem[]) => problems.map((problem) => problem.message).join(' ');

/** The api's refusals, each naming its field, e.g. "texts.questions.x: no such question". */
export const problemLines = (problems: FieldProblem[]) => problems.map((problem) => `${problem.field}: ${problem.message}`);

export { fill };
