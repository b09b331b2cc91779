import type Handlebars from 'handlebars';
import type { HelperOptions, TemplateDelegate } from 'handlebars';

/** A partial of the engine by name, compiled (createViewEngine registers them so). */
export function compiledPartial(engine: typeof Handlebars, name: string): TemplateDelegate {
  const registered: unknown = engine.partials[name];
  if (typeof registered !== 'function') throw new Error(`Unknown partial "${name}"`);
  return registered as TemplateDelegate;
}

/**
 * Macro params are untyped JSON (the shape is documented by each component's macro-options.json),
 * so helpers read them the way the Nunjucks macros do: loosely, and tolerant of missing fields.
 */
type Params = Record<string, any>;

/** Handlebars passes its options object as the last argument; variadic helpers drop it. */
function withoutOptions(args: unknown[]): unknown[] {
  return args.slice(0, -1);
}

function isMapping(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nunjucks's `in`: substring for strings, membership for arrays, key for objects. */
function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return haystack.includes(String(needle));
  if (Array.isArray(haystack)) return haystack.includes(needle);
  if (isMapping(haystack)) return String(needle) in haystack;
  return false;
}

function capitalize(value: unknown): string {
  const text = value == null ? '' : String(value);
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}

/** Copies `params` with `value` set at a dotted path, leaving the caller's object untouched. */
function withValueAt(params: Params, dottedPath: string, value: unknown): Params {
  const [head, ...rest] = dottedPath.split('.');
  const current: unknown = params[head];
  return {
    ...params,
    [head]: rest.length === 0 ? value : withValueAt(isMapping(current) ? current : {}, rest.join('.'), value),
  };
}

export function registerGovukHelpers(engine: typeof Handlebars): void {
  const { escapeExpression } = engine.Utils;
  const safe = (html: string) => new engine.SafeString(html);

  /** Nunjucks's `escape`: strings already marked safe pass through. */
  const escape = (value: unknown): string =>
    value instanceof engine.SafeString ? value.toString() : escapeExpression(value == null ? '' : String(value));

  /** ` name="value"`, ` name` for `true`, nothing for null, undefined or false (govukAttributes's `optional`). */
  const optionalAttribute = (name: string, value: unknown): string => {
    if (value === true) return ` ${escape(name)}`;
    if (value === undefined || value === null || value === false) return '';
    return ` ${escape(name)}="${escape(value)}"`;
  };

  /**
   * The govukAttributes macro (govuk/macros/attributes.njk). As there, a string is taken to be
   * ready-made attribute HTML and output as it is, so it must never come from user input.
   */
  const attributesHtml = (attributes: unknown): string => {
    if (typeof attributes === 'string' || attributes instanceof engine.SafeString) return attributes.toString();
    if (!isMapping(attributes)) return '';
    return Object.entries(attributes)
      .map(([name, item]) => {
        const { value, optional } = isMapping(item) ? item : { value: item, optional: false };
        if (optional === true) return optionalAttribute(name, value);
        return ` ${escape(name)}="${escape(value)}"`;
      })
      .join('');
  };

  /** The govukI18nAttributes macro (govuk/macros/i18n.njk). */
  const i18nAttributesHtml = (key: string, message: unknown, messages: unknown): string => {
    if (isMapping(messages)) {
      return Object.entries(messages)
        .map(([pluralRule, text]) => ` data-i18n.${key}.${pluralRule}="${escape(text)}"`)
        .join('');
    }
    return message ? ` data-i18n.${key}="${escape(message)}"` : '';
  };

  /** A partial by name (createViewEngine registers them compiled). */
  const partial = (name: string): TemplateDelegate => compiledPartial(engine, name);

  // Comparison and logic, with Nunjucks (JavaScript) truthiness.
  engine.registerHelper('eq', (left: unknown, right: unknown) => left === right);
  engine.registerHelper('or', (...args: unknown[]) => withoutOptions(args).find(Boolean) ?? false);
  engine.registerHelper('and', (...args: unknown[]) => withoutOptions(args).every(Boolean));
  engine.registerHelper('not', (value: unknown) => !value);
  engine.registerHelper('includes', (haystack: unknown, needle: unknown) => contains(haystack, needle));
  /** `(when condition value otherwise)`: Nunjucks's inline `value if condition else otherwise`. */
  engine.registerHelper('when', (condition: unknown, value: unknown, ...rest: unknown[]) =>
    condition ? value : withoutOptions(rest)[0],
  );
  /** Nunjucks's `default(value, fallback, true)`: falsy values take the fallback. */
  engine.registerHelper('default', (value: unknown, fallback: unknown) => value || fallback);

  // Building values.
  engine.registerHelper('concat', (...args: unknown[]) =>
    withoutOptions(args)
      .map((value) => (value == null ? '' : String(value)))
      .join(''),
  );
  /** Joins the truthy arguments with spaces: class lists and aria-describedby id lists. */
  engine.registerHelper('classNames', (...args: unknown[]) => withoutOptions(args).filter(Boolean).join(' '));
  /** `(object key=value ...)`: params for a nested partial, as the macros pass object literals. */
  engine.registerHelper('object', (options: HelperOptions) => ({ ...options.hash }));
  /** Nunjucks's `trim`, keeping `html` unescaped when used as `{{{trim html}}}`. */
  engine.registerHelper('trim', (value: unknown) => (value == null ? '' : String(value).trim()));
  /** The id of the nth item of radios or checkboxes: the first has no suffix so error summaries can link to it. */
  engine.registerHelper('itemId', (item: Params | undefined, idPrefix: unknown, index: number) =>
    item?.id ? item.id : `${idPrefix}${index > 0 ? `-${index + 1}` : ''}`,
  );

  /** `{{#let value ... as |name ...|}}`: Nunjucks's `set`, scoped to the block, without changing `this`. */
  engine.registerHelper('let', function (this: unknown, ...args: unknown[]) {
    const options = args[args.length - 1] as HelperOptions;
    return options.fn(this, { data: options.data, blockParams: withoutOptions(args) });
  });

  /**
   * `{{#partialWithHtml "govuk/fieldset" params}}inner{{/partialWithHtml}}` renders the partial with
   * the block's trimmed output as its `html` param (or at `path`): Nunjucks's `caller()`.
   */
  engine.registerHelper('partialWithHtml', function (this: unknown, name: string, params: Params, ...rest: unknown[]) {
    const options = rest[rest.length - 1] as HelperOptions;
    const path = typeof rest[0] === 'string' ? rest[0] : 'html';
    const inner = safe(options.fn(this, { data: options.data }).trim());
    return safe(partial(name)(withValueAt(params ?? {}, path, inner), { data: options.data }));
  });

  // Attributes.
  engine.registerHelper('govukAttributes', (attributes: unknown) => safe(attributesHtml(attributes)));
  engine.registerHelper('optionalAttribute', (name: string, value: unknown) => safe(optionalAttribute(name, value)));
  /** `{{govukI18nAttributes "key" message=text}}` or `messages=textByPluralRule`. */
  engine.registerHelper('govukI18nAttributes', (key: string, options: HelperOptions) =>
    safe(i18nAttributesHtml(key, options.hash.message, options.hash.messages)),
  );

  // Component-specific rules that are too branchy to read well as template logic.

  /** Whether a radio is checked: explicitly, or because its value is the radios' `value`. */
  engine.registerHelper('radioIsChecked', (item: Params, value: unknown) =>
    // Loose comparison, as the macro: a value of 3 checks the item whose value is "3".
    Boolean(item.checked || (value ? item.value == value && item.checked != false : false)),
  );
  /** Whether a checkbox is checked: explicitly, or because its value is among the checkboxes' `values`. */
  engine.registerHelper('checkboxIsChecked', (item: Params, values: unknown) =>
    Boolean(item.checked || (values ? contains(values, item.value) && item.checked != false : false)),
  );
  /** Whether a select option is selected; an option without a value is matched by its text. */
  engine.registerHelper('optionIsSelected', (item: Params, value: unknown) => {
    const effectiveValue = item.value === undefined ? item.text : item.value;
    return Boolean(item.selected || (value ? effectiveValue == value && item.selected != false : false));
  });

  /** Whether any summary list row has actions, so rows without get the no-actions modifier. */
  engine.registerHelper('anyRowHasActions', (rows: unknown) =>
    Array.isArray(rows) && rows.some((row: Params | null) => row?.actions?.items?.length),
  );

  /** The govukInput params for each date part (day, month, year or custom items). */
  engine.registerHelper('govukDateInputItems', (params: Params) => {
    const defaultItem = (name: string, width: number) =>
      params[name] === undefined
        ? { name, value: params.values?.[name], classes: `govuk-input--width-${width}` }
        : params[name];
    const day = defaultItem('day', 2);
    const month = defaultItem('month', 2);
    const year = defaultItem('year', 4);
    const items: (Params | null | false)[] = params.items?.length ? params.items : [day, month, year];

    const hasError = (item: Params) => Boolean(item.error || contains(item.classes, 'govuk-input--error'));
    const anyItemHasError = items.some((item) => item && hasError(item));
    const namePrefix = params.namePrefix ? `${params.namePrefix}-` : '';

    return items.filter((item): item is Params => Boolean(item)).map((item) => {
      const matches = (part: Params | false, name: string) =>
        item === part || (item.name && [name, part ? part.name : undefined].includes(item.name));
      let itemName = item.name;
      let itemValue = item.value;
      let itemWidth = 2;
      for (const [part, name, width] of [[day, 'day', 2], [month, 'month', 2], [year, 'year', 4]] as const) {
        if (matches(part, name)) {
          itemName = item.name === undefined ? name : item.name;
          itemValue = item.value === undefined ? (part ? part.value : undefined) : item.value;
          itemWidth = width;
          break;
        }
      }

      const classes: string[] = [];
      if (
        !contains(item.classes, 'govuk-input--error') &&
        // As the macro: an item opts out of the field-level error only with `error: false`.
        (hasError(item) || (item.error != false && params.errorMessage && !anyItemHasError))
      ) {
        classes.push('govuk-input--error');
      }
      if (!contains(item.classes, 'govuk-input--width-')) classes.push(`govuk-input--width-${itemWidth}`);
      if (item.classes) classes.push(item.classes);

      return {
        label: { text: item.label ? item.label : capitalize(itemName), classes: 'govuk-date-input__label' },
        id: item.id ? item.id : `${params.id}-${itemName}`,
        classes: ['govuk-date-input__input', ...classes].join(' '),
        name: namePrefix + itemName,
        value: itemValue === undefined ? params.values?.[namePrefix + itemName] : itemValue,
        type: 'text',
        inputmode: item.inputmode ? item.inputmode : 'numeric',
        autocomplete: item.autocomplete,
        pattern: item.pattern,
        attributes: item.attributes,
      };
    });
  });

  /** The character count's limit sentence, or nothing when the limit is only set in JavaScript. */
  engine.registerHelper('govukCharacterCountDescription', (params: Params) => {
    const limit = params.maxwords || params.maxlength;
    if (!limit) return undefined;
    const countType = params.countType ? params.countType : params.maxwords ? 'words' : undefined;
    const text: string =
      params.textareaDescriptionText || `You can enter up to %{count} ${countType === 'words' ? 'words' : 'characters'}`;
    return text.replaceAll('%{count}', String(limit));
  });

  /** The govukTextarea params a character count wraps, with its data attributes on the form group. */
  engine.registerHelper('govukCharacterCountTextarea', (params: Params) => {
    const id = params.id ? params.id : params.name;
    const countType = params.countType ? params.countType : params.maxwords ? 'words' : undefined;
    const hasNoLimit = !params.maxwords && !params.maxlength;
    const formGroupAttributes = [
      attributesHtml({
        'data-module': 'govuk-character-count',
        'data-maxlength': { value: params.maxlength, optional: true },
        'data-maxwords': { value: params.maxwords, optional: true },
        'data-threshold': { value: params.threshold, optional: true },
        'data-count-type': { value: countType ? countType : false, optional: true },
      }),
      hasNoLimit && params.textareaDescriptionText
        ? i18nAttributesHtml('textarea-description', undefined, { other: params.textareaDescriptionText })
        : '',
      i18nAttributesHtml('characters-under-limit', undefined, params.charactersUnderLimitText),
      i18nAttributesHtml('characters-at-limit', params.charactersAtLimitText, undefined),
      i18nAttributesHtml('characters-over-limit', undefined, params.charactersOverLimitText),
      i18nAttributesHtml('words-under-limit', undefined, params.wordsUnderLimitText),
      i18nAttributesHtml('words-at-limit', params.wordsAtLimitText, undefined),
      i18nAttributesHtml('words-over-limit', undefined, params.wordsOverLimitText),
      ...Object.entries(params.formGroup?.attributes ?? {}).map(([name, value]) => ` ${escape(name)}="${escape(value)}"`),
    ].join('');

    return {
      id,
      name: params.name,
      describedBy: `${id}-info`,
      rows: params.rows,
      spellcheck: params.spellcheck,
      value: params.value,
      formGroup: {
        classes: ['govuk-character-count', params.formGroup?.classes].filter(Boolean).join(' '),
        attributes: safe(formGroupAttributes),
        beforeInput: params.formGroup?.beforeInput,
      },
      classes: ['govuk-js-character-count', params.classes].filter(Boolean).join(' '),
      label: { ...params.label, for: id },
      hint: params.hint,
      errorMessage: params.errorMessage,
      attributes: params.attributes,
    };
  });
}
