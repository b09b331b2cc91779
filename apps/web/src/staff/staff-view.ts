import type { CompiledForm, FormAnswers } from '@front-counter/forms';
import { formatReference, parseReference } from '@front-counter/public-kit';
import { summaryRows } from '../journey/journey-view.js';
import { escapeHtml } from '../rendering/escape-html.js';
import { THRIVE_PARTS, type AuditEntry, type EvidenceFile, type QueueItem, type ReportDetail, type ReportStatus } from './staff-api.js';
import { fill, STAFF_TEXT } from './staff-texts.js';

/**
 * View models for the staff pages: plain data and govuk-frontend macro params, built from what the
 * api returns. Nothing here talks to the api or knows about requests.
 */

const T = STAFF_TEXT;
type Cell = { text?: string; html?: string; format?: string; classes?: string };

export const QUEUE_PAGE_SIZE = 50;
export const REPORT_STATUSES = ['AWAITING_TRIAGE', 'AWAITING_REPORTER', 'ALLOCATED', 'DISPATCHED', 'REFERRED', 'CLOSED'] as const satisfies readonly ReportStatus[];
export const REASON_CODES = ['triage', 'reporter-contact', 'supervisor-review', 'other'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

const DATE_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : DATE_TIME.format(date);
}

/** A length of time as staff read it at a glance: "12 min", "2 h 5 min", "3 days". */
export function duration(minutes: number): string {
  const value = Math.abs(Math.trunc(minutes));
  if (value < 60) return fill(T.time.minutes, { minutes: value });
  if (value < 48 * 60) {
    const hours = Math.floor(value / 60);
    const rest = value % 60;
    return rest === 0 ? fill(T.time.hours, { hours }) : fill(T.time.hoursMinutes, { hours, minutes: rest });
  }
  return fill(T.time.days, { days: Math.floor(value / (24 * 60)) });
}

const tag = (text: string, colour?: string) => `<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ''}">${escapeHtml(text)}</strong>`;

/** Time left to triage: "12 min left", or "Late by 5 min" marked red; "Triaged" once done. */
export function triageCell(item: Pick<QueueItem, 'sla'>): Cell {
  if (item.sla.triagedAt) return { text: T.time.triaged };
  const left = item.sla.triageMinutesLeft;
  if (left < 0 || item.sla.triageBreached) return { html: tag(fill(T.time.late, { duration: duration(left) }), 'red') };
  return { text: fill(T.time.left, { duration: duration(left) }) };
}

/** A deadline on the breaches page: late (red), due soon (yellow), or done. */
export function deadlineCell(minutesLeft: number, doneAt: string | null, breached: boolean): Cell {
  if (doneAt) return { text: T.time.done };
  if (minutesLeft < 0 || breached) return { html: tag(fill(T.time.late, { duration: duration(minutesLeft) }), 'red') };
  return { html: tag(fill(T.time.dueIn, { duration: duration(minutesLeft) }), 'yellow') };
}

export const statusText = (status: string) => T.statuses[status] ?? status;
export const roleText = (roles: string[]) => roles.map((role) => T.roles[role] ?? role).join(', ');
export const isSupervisor = (roles: string[]) => roles.includes('supervisor');
export const hasTriage = (roles: string[]) => roles.includes('call-handler') || roles.includes('supervisor');
export const isForceAdmin = (roles: string[]) => roles.includes('force-admin');
export const claimedByText = (item: Pick<QueueItem, 'claimedByMe' | 'claimedByName'>) => (item.claimedByMe ? T.queue.you : (item.claimedByName ?? T.queue.nobody));

/** The address of a report page, keeping the reason it was opened for. */
export function reportHref(reference: string, reason?: string): string {
  return `/staff/reports/${encodeURIComponent(formatReference(reference))}${reason ? `?${reason}` : ''}`;
}

/** A reference from a URL, or null for anything that cannot be one (answered "page not found"). */
export function referenceFromPath(value: string): string | null {
  const parsed = parseReference(value);
  return 'reference' in parsed ? parsed.reference : null;
}

/** Force names by slug (from transferDestinations), for "transferred from". */
export type ForceNames = Map<string, string>;

function referenceCell(item: QueueItem, forces: ForceNames): Cell {
  const from = item.transferredFrom ? (forces.get(item.transferredFrom) ?? item.transferredFrom) : null;
  const transferred = from ? `<br><span class="govuk-body-s">${escapeHtml(fill(T.queue.transferredFrom, { force: from }))}</span>` : '';
  return { html: `<a class="govuk-link" href="${escapeHtml(reportHref(item.reference))}">${escapeHtml(formatReference(item.reference))}</a>${transferred}` };
}

const tagsText = (tags: string[]) => (tags.length ? tags.join(', ') : T.queue.nobody);

export function queueTable(items: QueueItem[], total: number, forces: ForceNames) {
  const headings = T.queue.headings;
  return {
    caption: total === 1 ? T.queue.captionOne : fill(T.queue.caption, { total }),
    captionClasses: 'govuk-table__caption--m',
    classes: 'govuk-table--small-text-until-tablet',
    attributes: { id: 'queue-table' },
    head: [
      { text: headings.reference },
      { text: headings.service },
      { text: headings.queue },
      { text: headings.priority, format: 'numeric' },
      { text: headings.triage },
      { text: headings.status },
      { text: headings.tags },
      { text: headings.claimedBy },
      { text: headings.duplicates, format: 'numeric' },
    ],
    rows: items.map((item) => [
      referenceCell(item, forces),
      { text: item.serviceTitle.en },
      { text: item.queue },
      { text: String(item.priority), format: 'numeric' },
      triageCell(item),
      { text: statusText(item.status) },
      { text: tagsText(item.tags) },
      { text: claimedByText(item) },
      { text: String(item.possibleDuplicates), format: 'numeric' },
    ]),
  };
}

export function breachesTable(items: QueueItem[], forces: ForceNames) {
  const headings = T.breaches.headings;
  return {
    caption: T.breaches.caption,
    captionClasses: 'govuk-visually-hidden',
    classes: 'govuk-table--small-text-until-tablet',
    head: [
      { text: headings.reference },
      { text: headings.service },
      { text: headings.queue },
      { text: headings.priority, format: 'numeric' },
      { text: headings.triage },
      { text: headings.reply },
      { text: headings.status },
      { text: headings.claimedBy },
    ],
    rows: items.map((item) => [
      referenceCell(item, forces),
      { text: item.serviceTitle.en },
      { text: item.queue },
      { text: String(item.priority), format: 'numeric' },
      deadlineCell(item.sla.triageMinutesLeft, item.sla.triagedAt, item.sla.triageBreached),
      deadlineCell(item.sla.replyMinutesLeft, item.sla.firstReplyAt, item.sla.replyBreached),
      { text: statusText(item.status) },
      { text: claimedByText(item) },
    ]),
  };
}

export interface QueueQuery {
  queue?: string;
  serviceId?: string;
  statuses: ReportStatus[];
  tag?: string;
  page: number;
}

const FILTER_VALUE = /^[a-z0-9][a-z0-9-]{0,60}$/;
const many = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');

/** The queue's filters from the query string; anything malformed is ignored rather than sent on. */
export function queueQuery(query: Record<string, unknown>): QueueQuery {
  const one = (name: string) => {
    const value = many(query[name])[0]?.trim().toLowerCase();
    return value && FILTER_VALUE.test(value) ? value : undefined;
  };
  const page = Number(many(query.page)[0]);
  return {
    queue: one('queue'),
    serviceId: one('service'),
    tag: one('tag'),
    statuses: many(query.status).filter((status): status is ReportStatus => (REPORT_STATUSES as readonly string[]).includes(status)),
    page: Number.isInteger(page) && page > 1 && page <= 2000 ? page : 1,
  };
}

/** The query string for the queue with these filters (and a page, or changes), for links. */
export function queueHref(filters: QueueQuery, changes: Partial<QueueQuery> = {}): string {
  const merged = { ...filters, ...changes };
  const search = new URLSearchParams();
  if (merged.queue) search.set('queue', merged.queue);
  if (merged.serviceId) search.set('service', merged.serviceId);
  for (const status of merged.statuses) search.append('status', status);
  if (merged.tag) search.set('tag', merged.tag);
  if (merged.page > 1) search.set('page', String(merged.page));
  const text = search.toString();
  return `/staff/queue${text ? `?${text}` : ''}`;
}

/** govuk-frontend's pagination, as links; null when everything fits on one page. */
export function pagination(filters: QueueQuery, total: number) {
  const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
  if (pages <= 1) return null;
  const page = Math.min(filters.page, pages);
  return {
    label: fill(T.queue.pageOf, { page, pages }),
    previous: page > 1 ? { href: queueHref(filters, { page: page - 1 }), text: T.queue.previous } : null,
    next: page < pages ? { href: queueHref(filters, { page: page + 1 }), text: T.queue.next } : null,
    items: Array.from({ length: pages }, (_, index) => index + 1)
      .filter((number) => number === 1 || number === pages || Math.abs(number - page) <= 2)
      .flatMap((number, index, shown) => [
        ...(index > 0 && number - shown[index - 1] > 1 ? [{ ellipsis: true }] : []),
        { number, href: queueHref(filters, { page: number }), current: number === page },
      ]),
  };
}

export function queueCounts(counts: { queue: string; awaitingTriage: number; triageBreached: number }[], filters: QueueQuery) {
  const total = counts.reduce((sum, count) => sum + count.awaitingTriage, 0);
  const late = counts.reduce((sum, count) => sum + count.triageBreached, 0);
  const entry = (label: string, queue: string | undefined, awaiting: number, breached: number) => ({
    label,
    href: queueHref({ statuses: [], page: 1 }, { queue }),
    current: filters.queue === queue && filters.statuses.length === 0 && !filters.serviceId && !filters.tag,
    awaiting: fill(T.queue.awaiting, { count: awaiting }),
    late: breached > 0 ? fill(T.queue.late, { count: breached }) : undefined,
  });
  return [entry(T.queue.countsAll, undefined, total, late), ...counts.map((count) => entry(count.queue, count.queue, count.awaitingTriage, count.triageBreached))];
}

export interface OpeningReason {
  code: ReasonCode;
  details: string;
  /** As recorded in the audit trail. */
  audit: string;
  /** As carried in links and forms. */
  query: string;
}

/**
 * Why a report is being opened, from `?reason=...` (and `details` for "Other"): the reason itself,
 * errors to show on the question, or null when none was given yet.
 */
export function openingReason(query: Record<string, unknown>): { reason: OpeningReason } | { errors: { field: string; text: string }[]; code?: string; details?: string } | null {
  const code = many(query.reason)[0];
  const details = (many(query.details)[0] ?? '').trim();
  if (code === undefined) return null;
  if (!(REASON_CODES as readonly string[]).includes(code)) return { errors: [{ field: 'reason', text: T.reason.chooseError }] };
  if (code === 'other' && !details) return { errors: [{ field: 'details', text: T.reason.otherError }], code };
  if (code === 'other' && details.length > 400) return { errors: [{ field: 'details', text: T.reason.otherTooLong }], code, details };
  const search = new URLSearchParams({ reason: code, ...(code === 'other' ? { details } : {}) });
  return { reason: { code: code as ReasonCode, details: code === 'other' ? details : '', audit: fill(T.reason.audit[code], { details }), query: search.toString() } };
}

const dash = (value: string | null | undefined) => (value ? value : T.report.notGiven);
const row = (key: string, value: Cell) => ({ key: { text: key }, value });
const lines = (values: string[]) => ({ html: values.map(escapeHtml).join('<br>') });

function deadlineValue(iso: string, doneAt: string | null, breached: boolean): Cell {
  const when = escapeHtml(formatDateTime(iso));
  return { html: breached ? `${when} ${tag(T.report.breached, 'red')}` : when };
}

export function reportSummaryRows(report: ReportDetail, forces: ForceNames) {
  const rows = T.report.rows;
  return [
    row(rows.service, { text: report.serviceTitle.en }),
    row(rows.status, { text: statusText(report.status) }),
    // The force records system's crime or incident number, once a back-office destination has answered one.
    ...(report.externalReference ? [row(rows.externalReference, { text: report.externalReference })] : []),
    row(rows.queue, { text: report.queue }),
    row(rows.priority, { text: String(report.priority) }),
    row(rows.submitted, { text: formatDateTime(report.submittedAt) }),
    row(rows.triageBy, deadlineValue(report.sla.triageBy, report.sla.triagedAt, report.sla.triageBreached)),
    row(rows.replyBy, deadlineValue(report.sla.replyBy, report.sla.firstReplyAt, report.sla.replyBreached)),
    row(rows.routingRule, { text: dash(report.routingRule) }),
    row(rows.flags, { text: report.flags.length ? report.flags.join(', ') : T.report.none }),
    row(rows.tags, { text: report.tags.length ? report.tags.join(', ') : T.report.none }),
    row(rows.claimedBy, { text: claimedByText(report) }),
    ...(report.transferredFrom ? [row(rows.transferredFrom, { text: forces.get(report.transferredFrom) ?? report.transferredFrom })] : []),
    ...(report.outcome?.decision ? [row(T.report.lastDecision, { text: decisionText(report.outcome) })] : []),
    row(rows.formVersion, { text: String(report.formVersion) }),
  ];
}

function decisionText(outcome: NonNullable<ReportDetail['outcome']>): string {
  const key = String(outcome.decision ?? '').toUpperCase().replace(/-/g, '_');
  const detail = Object.values(outcome.detail ?? {}).map((value) => T.decision.closeReasons[value] ?? value);
  const by = [outcome.decidedByName, formatDateTime(outcome.decidedAt)].filter(Boolean).join(', ');
  return [T.decision.options[key] ?? outcome.decision, ...detail].join(': ') + (by ? ` (${by})` : '');
}

export function reporterRows(report: ReportDetail) {
  const rows = T.report.rows;
  return [
    row(rows.name, { text: dash(report.reporterName) }),
    row(rows.email, { text: dash(report.reporterEmail) }),
    row(rows.phone, { text: dash(report.reporterPhone) }),
    row(rows.language, { text: T.report.languages[report.language] ?? report.language }),
  ];
}

export function whereRows(report: ReportDetail) {
  const rows = T.report.rows;
  const location = report.location;
  const point = location && typeof location.latitude === 'number' && typeof location.longitude === 'number' ? `${location.latitude}, ${location.longitude}` : T.report.notGiven;
  return [row(rows.location, { text: point }), row(rows.registrations, report.vehicleRegistrations.length ? lines(report.vehicleRegistrations) : { text: T.report.none })];
}

/**
 * The answers labelled with the report's own form version, formatted exactly as the reporter saw
 * them on "Check your answers" (dates, addresses, places, repeated items), without the change links.
 */
export function answerRows(form: unknown, answers: Record<string, unknown>) {
  const compiled = form as CompiledForm | null;
  if (!compiled || !Array.isArray(compiled.pages)) {
    return Object.entries(answers).map(([page, value]) => row(page, { text: JSON.stringify(value) }));
  }
  return summaryRows(compiled, answers as FormAnswers, compiled.pages.map((page) => page.id), 'en', '').map(({ key, value }) => ({ key, value }));
}

const humanise = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1).replace(/[-:]/g, ' ');

export function timelineTable(report: ReportDetail) {
  const headings = T.report.timeline;
  return {
    caption: T.report.timelineHeading,
    captionClasses: 'govuk-visually-hidden',
    head: [{ text: headings.when }, { text: headings.what }, { text: headings.who }, { text: headings.message }],
    rows: report.timeline.map((event) => [
      { text: formatDateTime(event.occurredAt) },
      { text: T.report.events[event.kind] ?? humanise(event.kind) },
      { text: event.actorName ?? T.report.actors[event.actorType] ?? event.actorType },
      event.message ? { html: event.message.split('\n').map(escapeHtml).join('<br>') } : { text: '' },
    ]),
  };
}

/** What an audit event's details say, in words: the decision and its particulars, THRIVE levels, who was taken over from. */
export function auditDetails(entry: Pick<AuditEntry, 'details'>): string {
  const details = entry.details ?? {};
  const parts: string[] = [];
  const value = (key: string) => (typeof details[key] === 'string' || typeof details[key] === 'number' ? String(details[key]) : undefined);
  const decision = value('decision');
  // Stored as the api's internal value (request-information); the texts are keyed by the GraphQL name (REQUEST_INFORMATION).
  if (decision) parts.push(T.decision.options[decision.toUpperCase().replace(/-/g, '_')] ?? humanise(decision));
  if (value('unit')) parts.push(`${T.decision.unitLabel}: ${value('unit')}`);
  if (value('agency')) parts.push(`${T.decision.agencyLabel}: ${value('agency')}`);
  if (value('toForce')) parts.push(`${T.decision.forceLabel}: ${value('toForce')}`);
  if (value('closeReason')) parts.push(`${T.decision.closeReasonLabel}: ${T.decision.closeReasons[value('closeReason')!] ?? value('closeReason')}`);
  if (value('note')) parts.push(`${T.decision.noteLabel.replace(' (optional)', '')}: ${value('note')}`);
  if (value('tookOverFrom')) parts.push(`Taken over from ${value('tookOverFrom')}`);
  if (value('claimant')) parts.push(`Claimed by ${value('claimant')}`);
  if (value('deadline')) parts.push(value('deadline') === 'triage' ? T.report.rows.triageBy : T.report.rows.replyBy);
  if (value('previousStatus')) parts.push(`Was ${value('previousStatus')!.replace(/-/g, ' ')}`);
  const levels = details.levels as Record<string, string> | undefined;
  if (levels && typeof levels === 'object') parts.push(THRIVE_PARTS.map((part) => `${T.thrive.parts[part]} ${T.thrive.levels[String(levels[part]).toUpperCase()] ?? levels[part]}`).join(', '));
  return parts.join('; ');
}

const sizeText = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);
const STATUS_TAG: Record<string, string> = { PENDING: 'govuk-tag--grey', CLEAN: 'govuk-tag--green', INFECTED: 'govuk-tag--red', NOT_SCANNED: 'govuk-tag--yellow', UNPROCESSABLE: 'govuk-tag--orange' };

/**
 * A report's files: a thumbnail for photos, what each is, its scan state (an unscanned file says so;
 * a quarantined one, or one that could not be processed, has no link, and the reason in words), the
 * SHA-256 of the original, and a download link through this site.
 */
export function evidenceTable(files: EvidenceFile[]) {
  const T_ = T.evidence;
  return {
    caption: T_.caption,
    captionClasses: 'govuk-visually-hidden',
    classes: 'fc-evidence',
    head: [{ text: T_.headings.preview }, { text: T_.headings.file }, { text: T_.headings.status }, { text: T_.headings.fingerprint }, { text: T_.headings.action }],
    rows: files.map((file) => {
      const name = escapeHtml(file.name);
      const what = `${T_.kinds[file.kind] ?? file.kind}, ${sizeText(file.sizeBytes)}${file.source === 'tracking' ? `, ${T_.addedLater}` : ''}`;
      const status = `<strong class="govuk-tag ${STATUS_TAG[file.scanStatus] ?? ''}">${escapeHtml(T_.statuses[file.scanStatus] ?? file.scanStatus)}</strong>${file.scanDetail ? `<br><span class="govuk-body-s">${escapeHtml(file.scanDetail)}</span>` : ''}`;
      return [
        file.thumbnail ? { html: `<img src="/staff${escapeHtml(file.thumbnail.path)}" alt="${escapeHtml(fill(T_.thumbnailAlt, { name: file.name }))}" width="120" class="fc-evidence__thumbnail">` } : { text: '' },
        { html: `${name}<br><span class="govuk-body-s">${escapeHtml(what)}</span>` },
        { html: status },
        { html: `<code class="fc-evidence__hash">${escapeHtml(file.sha256)}</code>` },
        file.download ? { html: `<a class="govuk-link" href="/staff${escapeHtml(file.download.path)}" download>${T_.download}<span class="govuk-visually-hidden"> ${name}</span></a>` } : { text: T_.notAvailable },
      ];
    }),
  };
}

/** A report's audit trail as a table, oldest first. */
export function auditTable(entries: AuditEntry[]) {
  const headings = T.audit.headings;
  return {
    caption: T.audit.caption,
    captionClasses: 'govuk-visually-hidden',
    classes: 'govuk-table--small-text-until-tablet',
    head: [{ text: headings.when }, { text: headings.who }, { text: headings.what }, { text: headings.why }, { text: headings.details }],
    rows: entries.map((entry) => [
      { text: formatDateTime(entry.occurredAt) },
      { text: entry.actorName ?? T.report.actors[entry.actorType] ?? entry.actorType },
      { text: T.audit.actions[entry.action] ?? humanise(entry.action.replace(/^report\./, '')) },
      { text: entry.reason ?? '' },
      { text: auditDetails(entry) },
    ]),
  };
}

/** A recorded THRIVE assessment, read only (for anyone not working on the report). */
export function thriveSummary(thrive: NonNullable<ReportDetail['thrive']>) {
  return {
    rows: THRIVE_PARTS.map((part) => row(T.thrive.parts[part], { text: `${T.thrive.levels[thrive[part].level] ?? thrive[part].level}: ${thrive[part].note}` })),
    by: fill(T.thrive.recordedBy, { name: thrive.recordedByName ?? T.report.actors.staff, when: formatDateTime(thrive.recordedAt) }),
  };
}
