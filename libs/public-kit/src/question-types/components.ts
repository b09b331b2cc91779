import { ADDRESS_PARTS, DATE_PARTS } from './parsing.js';
import type { FieldError } from './question.js';
import type { QuestionView, ViewContext } from './question-type.js';

// Components several types are built from: a text input, a date input, the four address inputs and
// the "which kind of answer" radios.

type Params = Record<string, unknown>;

/** What every labelled control named by the question's id takes (input, textarea, select, file upload). */
export const controlParams = (context: ViewContext) => ({ id: context.id, name: context.id, label: context.label, hint: context.hint, errorMessage: context.errorMessage(context.error) });

/** A single text input named by the question's id. */
export const input = (context: ViewContext, params: Params): QuestionView => ({
  partial: 'govuk/input',
  params: { ...controlParams(context), value: context.value(context.id), ...params },
});

/** A date input's params (for `<prefix>-day` and so on), its failing parts marked. */
export function dateInput(context: ViewContext, prefix: string, shown: FieldError | undefined, legend: Params, hint: Params | undefined): Params {
  const { value, texts } = context;
  const names = DATE_PARTS.map((part) => `${prefix}-${part}`);
  const named = shown && names.includes(shown.field);
  // A missing part is named by the error: mark every missing part. Otherwise (not a real date,
  // out of range) the date as a whole is wrong: mark them all.
  const missing = names.filter((name) => !value(name)?.trim());
  const failing = !shown ? [] : named && missing.length > 0 ? missing : names;
  return {
    id: prefix,
    namePrefix: prefix,
    fieldset: { legend },
    hint,
    errorMessage: context.errorMessage(shown),
    items: DATE_PARTS.map((part, index) => ({
      name: part,
      id: names[index],
      label: texts.date[part],
      value: value(names[index]) ?? '',
      error: failing.includes(names[index]) || undefined,
      classes: part === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2',
    })),
  };
}

/** The four address inputs as HTML, each showing its own error. */
export function addressHtml(context: ViewContext, shown: FieldError | undefined, autocomplete: boolean): string {
  const { id, value, texts } = context;
  const fallback = shown && !ADDRESS_PARTS.some((part) => shown.field === `${id}-${part}`) ? 'line1' : undefined;
  const widths: Record<(typeof ADDRESS_PARTS)[number], string | undefined> = { line1: undefined, line2: undefined, town: 'govuk-!-width-two-thirds', postcode: 'govuk-input--width-10' };
  const autocompletes = { line1: 'address-line1', line2: 'address-line2', town: 'address-level2', postcode: 'postal-code' };
  return ADDRESS_PARTS.map((part) => {
    const name = `${id}-${part}`;
    const failing = shown && (shown.field === name || fallback === part);
    return context.render('govuk/input', {
      id: name,
      name,
      label: { text: texts.address[part] },
      value: value(name),
      classes: widths[part],
      autocomplete: autocomplete ? autocompletes[part] : undefined,
      spellcheck: part === 'postcode' ? false : undefined,
      errorMessage: context.errorMessage(failing ? shown : undefined),
    });
  }).join('\n');
}

/** The "which kind of answer" radios (approximate date-time, location), each revealing its own inputs. */
export const kindRadios = (context: ViewContext, items: Params[], radiosError: FieldError | undefined): QuestionView => ({
  partial: 'govuk/radios',
  params: {
    name: `${context.id}-kind`,
    idPrefix: `${context.id}-kind`,
    fieldset: { legend: context.legend },
    hint: context.hint,
    errorMessage: context.errorMessage(radiosError),
    value: context.value(`${context.id}-kind`),
    items,
  },
});
