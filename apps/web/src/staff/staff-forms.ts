import type { RenderPartial } from '../journey/question-view.js';
import { THRIVE_PARTS, type Decision, type DecisionInput, type ReportDetail, type ThriveInput } from './staff-api.js';
import { fill, STAFF_TEXT } from './staff-texts.js';

/**
 * The report page's forms: what a posted THRIVE assessment or decision says (checked here first, so
 * a mistake is shown on its field; the api checks again), and the govuk-frontend params that show
 * them, filled from what was typed or what is recorded.
 */

const T = STAFF_TEXT;
export type Values = Record<string, string>;
export interface FieldError {
  field: string;
  text: string;
}

const THRIVE_LEVELS = ['HIGH', 'MEDIUM', 'LOW'] as const;
export const DECISIONS = ['ALLOCATE', 'DISPATCH', 'TRANSFER', 'REFER', 'REQUEST_INFORMATION', 'CLOSE'] as const satisfies readonly Decision[];
export const CLOSE_REASONS = ['resolved', 'advice-given', 'no-crime', 'duplicate', 'not-a-police-matter', 'insufficient-information', 'withdrawn'] as const;

/** The posted fields this page knows, each as one trimmed-at-the-ends string (never lists). */
export function formValues(body: unknown, names: string[]): Values {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(
    names.map((name) => {
      const value = record[name];
      const text = Array.isArray(value) ? value[value.length - 1] : value;
      return [name, typeof text === 'string' ? text.replace(/\r\n/g, '\n') : ''];
    }),
  );
}

export const THRIVE_FIELDS = THRIVE_PARTS.flatMap((part) => [`thrive-${part}-level`, `thrive-${part}-note`]);
export const DECISION_FIELDS = ['decision', 'unit', 'toForce', 'agency', 'closeReason', 'messageToReporter', 'note'];

export function parseThrive(values: Values): { thrive: ThriveInput } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const entries = THRIVE_PARTS.map((part) => {
    const name = T.thrive.parts[part].toLowerCase();
    const level = values[`thrive-${part}-level`];
    const note = values[`thrive-${part}-note`].trim();
    if (!(THRIVE_LEVELS as readonly string[]).includes(level)) errors.push({ field: `thrive-${part}-level`, text: fill(T.thrive.levelError, { part: name }) });
    if (!note) errors.push({ field: `thrive-${part}-note`, text: fill(T.thrive.noteError, { part: name }) });
    else if (note.length > 2000) errors.push({ field: `thrive-${part}-note`, text: fill(T.thrive.noteTooLong, { part: name }) });
    return [part, { level, note }] as const;
  });
  return errors.length ? { errors } : { thrive: Object.fromEntries(entries) as ThriveInput };
}

/** `isForce` says whether a value could name a force (the api decides whether it is one to transfer to). */
export function parseDecision(values: Values, isForce: (slug: string) => boolean): { decision: DecisionInput } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const decision = values.decision;
  const text = (name: string) => values[name].trim();
  if (!(DECISIONS as readonly string[]).includes(decision)) errors.push({ field: 'decision', text: T.decision.chooseError });
  // Sent only when it is one of DECISIONS (checked above).
  const input: DecisionInput = { decision: decision as Decision, messageToReporter: text('messageToReporter') };
  const required = (name: 'unit' | 'agency', message: string, label: string) => {
    if (!text(name)) errors.push({ field: name, text: message });
    else if (text(name).length > 100) errors.push({ field: name, text: fill(T.decision.fieldTooLong, { field: label.toLowerCase() }) });
    else input[name] = text(name);
  };
  if (decision === 'ALLOCATE') required('unit', T.decision.unitError, T.decision.unitLabel);
  if (decision === 'REFER') required('agency', T.decision.agencyError, T.decision.agencyLabel);
  if (decision === 'TRANSFER') {
    if (!isForce(values.toForce)) errors.push({ field: 'toForce', text: T.decision.forceError });
    else input.toForce = values.toForce;
  }
  if (decision === 'CLOSE') {
    if (!(CLOSE_REASONS as readonly string[]).includes(values.closeReason)) errors.push({ field: 'closeReason', text: T.decision.closeReasonError });
    else input.closeReason = values.closeReason;
  }
  if (!input.messageToReporter) errors.push({ field: 'messageToReporter', text: T.decision.messageError });
  else if (input.messageToReporter.length > 5000) errors.push({ field: 'messageToReporter', text: T.decision.messageTooLong });
  if (text('note').length > 2000) errors.push({ field: 'note', text: T.decision.noteTooLong });
  else if (text('note')) input.note = text('note');
  return errors.length ? { errors } : { decision: input };
}

const errorFor = (errors: FieldError[], field: string) => {
  const found = errors.find((error) => error.field === field);
  return found ? { text: found.text } : undefined;
};

/** Six fieldsets, one per THRIVE part: High/Medium/Low and a note, from what was typed or what is recorded. */
export function thriveFields(recorded: ReportDetail['thrive'], typed: Values | undefined, errors: FieldError[]) {
  return THRIVE_PARTS.map((part) => {
    const level = typed ? typed[`thrive-${part}-level`] : recorded?.[part].level;
    const note = typed ? typed[`thrive-${part}-note`] : recorded?.[part].note;
    const name = T.thrive.parts[part];
    return {
      radios: {
        name: `thrive-${part}-level`,
        idPrefix: `thrive-${part}-level`,
        fieldset: { legend: { text: name, classes: 'govuk-fieldset__legend--s' } },
        classes: 'govuk-radios--inline govuk-radios--small',
        value: level,
        errorMessage: errorFor(errors, `thrive-${part}-level`),
        items: THRIVE_LEVELS.map((value) => ({ value, text: T.thrive.levels[value] })),
      },
      note: {
        id: `thrive-${part}-note`,
        name: `thrive-${part}-note`,
        label: { text: fill(T.thrive.noteLabel, { part: name.toLowerCase() }) },
        rows: 2,
        value: note ?? '',
        errorMessage: errorFor(errors, `thrive-${part}-note`),
      },
    };
  });
}

/** The six decisions as radios, each revealing the one field it needs; the message; the internal note. */
export function decisionFields(render: RenderPartial, forces: { slug: string; name: string }[], typed: Values | undefined, errors: FieldError[]) {
  const value = (name: string) => typed?.[name] ?? '';
  const input = (name: string, label: string) => render('govuk/input', { id: name, name, label: { text: label }, value: value(name), errorMessage: errorFor(errors, name), classes: 'govuk-!-width-two-thirds' });
  const select = (name: string, label: string, empty: string, options: { value: string; text: string }[]) =>
    render('govuk/select', { id: name, name, label: { text: label }, value: value(name), errorMessage: errorFor(errors, name), items: [{ value: '', text: empty }, ...options] });
  const reveal: Record<string, string | undefined> = {
    ALLOCATE: input('unit', T.decision.unitLabel),
    TRANSFER: select('toForce', T.decision.forceLabel, T.decision.chooseForce, forces.map((force) => ({ value: force.slug, text: force.name }))),
    REFER: input('agency', T.decision.agencyLabel),
    CLOSE: select('closeReason', T.decision.closeReasonLabel, T.decision.chooseReason, CLOSE_REASONS.map((reason) => ({ value: reason, text: T.decision.closeReasons[reason] }))),
  };
  return {
    radios: {
      name: 'decision',
      idPrefix: 'decision',
      fieldset: { legend: { text: T.decision.legend, classes: 'govuk-fieldset__legend--s' } },
      value: value('decision'),
      errorMessage: errorFor(errors, 'decision'),
      items: DECISIONS.map((decision) => ({ value: decision, text: T.decision.options[decision], conditional: reveal[decision] ? { html: reveal[decision] } : undefined })),
    },
    message: {
      id: 'messageToReporter',
      name: 'messageToReporter',
      label: { text: T.decision.messageLabel, classes: 'govuk-label--s' },
      hint: { text: T.decision.messageHint },
      rows: 5,
      value: value('messageToReporter'),
      errorMessage: errorFor(errors, 'messageToReporter'),
    },
    note: {
      id: 'note',
      name: 'note',
      label: { text: T.decision.noteLabel, classes: 'govuk-label--s' },
      hint: { text: T.decision.noteHint },
      rows: 3,
      value: value('note'),
      errorMessage: errorFor(errors, 'note'),
    },
  };
}
