import { formatReference, localText } from '@front-counter/public-kit';
import type { Language } from '@front-counter/tenancy';
import { escapeHtml } from '../rendering/escape-html.js';
import type { ViewEngine } from '../rendering/handlebars.js';
import type { ReportStatus, TrackedEvent, TrackedReport, TrackingError } from './tracking-api.js';
import { isTrackingTextKey, trackingText, WELSH_CHARACTER_COUNT, type TrackingTextKey } from './tracking-text.js';

/** The longest reply the api accepts. */
export const REPLY_MAX_LENGTH = 5000;

const TIME_ZONE = 'Europe/London';
const STATUS_TAG: Record<ReportStatus, string | undefined> = {
  AWAITING_TRIAGE: 'govuk-tag--blue',
  AWAITING_REPORTER: 'govuk-tag--yellow',
  ALLOCATED: 'govuk-tag--turquoise',
  DISPATCHED: 'govuk-tag--purple',
  REFERRED: 'govuk-tag--pink',
  CLOSED: 'govuk-tag--grey',
};

/** `14 November 2026` in the UK's time, in English or Welsh. */
export function formatDate(iso: string, language: Language): string {
  return new Date(iso).toLocaleDateString(language === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE });
}

/** `3:05pm` (GOV.UK style) in the UK's time; `3:05yp` in Welsh. */
export function formatTime(iso: string, language: Language): string {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE }).formatToParts(new Date(iso));
  const hour = Number(parts.find((part) => part.type === 'hour')!.value);
  const minute = parts.find((part) => part.type === 'minute')!.value;
  const afternoon = hour >= 12;
  const suffix = language === 'cy' ? (afternoon ? 'yp' : 'yb') : afternoon ? 'pm' : 'am';
  return `${hour % 12 || 12}:${minute}${suffix}`;
}

/** `14 November 2026 at 3:05pm`. */
export function formatDateTime(iso: string, language: Language): string {
  return trackingText(language, 'dateTime', { date: formatDate(iso, language), time: formatTime(iso, language) });
}

/** A message as it was written: one paragraph per line, blank lines dropped. */
export const paragraphsOf = (message: string | null) => (message ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

export function statusText(status: ReportStatus, language: Language): string {
  const key = `status.${status}`;
  return isTrackingTextKey(key) ? trackingText(language, key) : status;
}

function eventTitle(event: TrackedEvent, language: Language): string {
  const force = (name: TrackedEvent['fromForce']) => localText(name, language) || trackingText(language, 'anotherForce');
  const key = `event.${event.kind}`;
  return trackingText(language, isTrackingTextKey(key) ? key : 'event.other', { from: force(event.fromForce), to: force(event.toForce) });
}

export interface TimelineStep {
  title: string;
  occurredAt: string;
  datetime: string;
  messageLabel?: string;
  paragraphs: string[];
  /** What the step means for the reporter, when its title alone does not say (a file that could not be processed). */
  explanation?: string;
}

/** The steps of the report, newest first, each with its date and time and the message in full. */
export function timelineSteps(report: TrackedReport, language: Language): TimelineStep[] {
  return [...report.timeline].reverse().map((event) => {
    const paragraphs = paragraphsOf(event.message);
    const own = event.kind === 'reporter-replied';
    const unprocessable = event.kind === 'evidence-unprocessable';
    const file = event.kind === 'evidence-added' || unprocessable;
    return {
      title: eventTitle(event, language),
      occurredAt: formatDateTime(event.occurredAt, language),
      datetime: new Date(event.occurredAt).toISOString(),
      messageLabel: paragraphs.length ? trackingText(language, file ? 'fileLabel' : own ? 'yourMessage' : 'ourMessage') : undefined,
      paragraphs,
      explanation: unprocessable ? trackingText(language, 'fileUnprocessable') : undefined,
    };
  });
}

/** The force's latest request for information, when the report is waiting for the reporter. */
export function informationRequest(report: TrackedReport): string[] | undefined {
  if (report.status !== 'AWAITING_REPORTER') return undefined;
  const asked = report.timeline.filter((event) => event.kind === 'decision:request-information').at(-1);
  return asked ? paragraphsOf(asked.message) : [];
}

/** The summary list of the report: reference, service, date sent and status. */
export function summaryRows(report: TrackedReport, language: Language) {
  const t = (key: TrackingTextKey) => trackingText(language, key);
  return [
    { key: { text: t('reference') }, value: { text: formatReference(report.reference) } },
    { key: { text: t('service') }, value: { text: localText(report.serviceTitle, language) } },
    { key: { text: t('dateSent') }, value: { text: formatDateTime(report.submittedAt, language) } },
    { key: { text: t('statusLabel') }, value: { html: `<strong class="govuk-tag ${STATUS_TAG[report.status] ?? ''}">${escapeHtml(statusText(report.status, language))}</strong>` } },
  ];
}

/** The error summary's params: each message links to its field. */
export function errorSummary(errors: TrackingError[], language: Language) {
  if (errors.length === 0) return undefined;
  return { titleText: trackingText(language, 'errorTitle'), errorList: errors.map((error) => ({ text: localText(error.message, language), href: `#${error.field}` })) };
}

/** The inline error of one field, in the govuk-frontend errorMessage shape. */
export function fieldError(errors: TrackingError[], field: string, language: Language) {
  const error = errors.find((candidate) => candidate.field === field);
  return error ? { text: localText(error.message, language), visuallyHiddenText: trackingText(language, 'error') } : undefined;
}

/** The reply box: a textarea with a character count of 5,000, its messages in the page's language. */
export function replyParams(language: Language, value: string, errors: TrackingError[]) {
  return {
    id: 'message',
    name: 'message',
    rows: 8,
    maxlength: REPLY_MAX_LENGTH,
    value,
    label: { text: trackingText(language, 'replyLabel'), classes: 'govuk-label--s' },
    hint: { text: trackingText(language, 'replyHint') },
    errorMessage: fieldError(errors, 'message', language),
    ...(language === 'cy' ? WELSH_CHARACTER_COUNT : {}),
  };
}

/**
 * `{{trackingText "link.home"}}`: the tracking pages' texts in the page's language, for the links
 * to them from other pages (the home page, a report's confirmation).
 */
export function registerTrackingHelpers(engine: ViewEngine): void {
  engine.registerHelper('trackingText', (key: string, options: { data: { root: { lang?: Language } } }) => {
    if (!isTrackingTextKey(key)) throw new Error(`Missing tracking text "${key}"`);
    return trackingText(options.data.root.lang === 'cy' ? 'cy' : 'en', key);
  });
}
