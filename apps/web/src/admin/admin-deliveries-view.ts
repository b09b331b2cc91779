import { formatReference } from '@front-counter/public-kit';
import { formatDateTime } from '../staff/staff-view.js';
import type { Delivery, Destination } from './admin-api.js';
import { fill } from './admin-forms.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

// The back-office pages in words: the api answers with event types, statuses and addresses as the
// worker keeps them; a force administrator reads "New report", "Dead letter" and where it goes.

/** report.submitted → "New report"; an event the pages do not know yet is shown as it is. */
export const eventText = (eventType: string): string => T.deliveries.events[eventType] ?? eventType;

/**
 * Where a destination sends, never a secret: for a webhook whose address is held outside the force's
 * file, the environment variable's name (the api answers "the address in NAME").
 */
export function addressText(destination: Pick<Destination, 'type' | 'address'>): string {
  const fromVariable = /^the address in ([A-Z][A-Z0-9_]*)$/.exec(destination.address);
  if (fromVariable) return fill(T.backOffice.addressFromVariable, { variable: fromVariable[1] });
  if (destination.type === 'email') return fill(T.backOffice.addressMailbox, { mailbox: destination.address });
  return fill(T.backOffice.addressUrl, { url: withoutCredentials(destination.address) });
}

/** A URL's user name and password are never shown, nor its query (where a token may travel). */
function withoutCredentials(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return address;
  }
}

export function destinationRow(destination: Destination) {
  const state = destination.retired
    ? { text: T.backOffice.retired, classes: 'govuk-tag--grey', detail: T.backOffice.retiredHint }
    : destination.suspendedAt
      ? { text: T.backOffice.suspended, classes: 'govuk-tag--orange', detail: fill(T.backOffice.suspendedSince, { when: formatDateTime(destination.suspendedAt), who: destination.suspendedBy ?? '' }) }
      : { text: T.backOffice.active, classes: 'govuk-tag--green', detail: '' };
  return {
    name: destination.name,
    type: T.backOffice.types[destination.type] ?? destination.type,
    address: addressText(destination),
    events: destination.events.map(eventText),
    pending: destination.pending,
    dead: destination.dead,
    state,
    suspendHref: `/admin/back-office/${encodeURIComponent(destination.name)}/suspend`,
    resumeAction: `/admin/back-office/${encodeURIComponent(destination.name)}/resume`,
    canSuspend: !destination.retired && !destination.suspendedAt,
    canResume: !destination.retired && Boolean(destination.suspendedAt),
  };
}

const STATUS_TAGS: Record<string, string> = { DEAD: 'govuk-tag--red', DELIVERED: 'govuk-tag--green', PENDING: 'govuk-tag--yellow' };

export function deliveryRow(delivery: Delivery) {
  const report = delivery.reportReference ? formatReference(delivery.reportReference) : T.deliveries.noReport;
  const event = eventText(delivery.eventType);
  const notes = [
    delivery.status === 'PENDING' && delivery.blocked ? T.deliveries.blocked : '',
    delivery.status === 'PENDING' && !delivery.blocked && delivery.nextAttemptAt ? fill(T.deliveries.nextAttempt, { when: formatDateTime(delivery.nextAttemptAt) }) : '',
    delivery.deliveredAt ? fill(T.deliveries.deliveredAt, { when: formatDateTime(delivery.deliveredAt) }) : '',
    delivery.externalReference ? fill(T.deliveries.externalReference, { reference: delivery.externalReference }) : '',
    delivery.replayedBy ? fill(T.deliveries.replayedBy, { who: delivery.replayedBy }) : '',
  ].filter(Boolean);
  return {
    id: delivery.id,
    report,
    reportHref: delivery.reportReference ? `/admin/deliveries?report=${encodeURIComponent(report)}` : null,
    event,
    destination: delivery.destination,
    status: { text: T.deliveries.statuses[delivery.status] ?? delivery.status, classes: STATUS_TAGS[delivery.status] ?? 'govuk-tag--grey' },
    dead: delivery.status === 'DEAD',
    attemptCount: delivery.attemptCount,
    lastError: delivery.lastError ?? T.deliveries.noError,
    madeAt: formatDateTime(delivery.createdAt),
    notes,
    selectLabel: fill(T.deliveries.selectDelivery, { event, report, destination: delivery.destination }),
    attemptsSummary: fill(T.deliveries.attemptsSummary, { report, destination: delivery.destination }),
    attempts: delivery.attempts.map((attempt) => ({
      at: formatDateTime(attempt.attemptedAt),
      status: attempt.statusCode === null ? T.deliveries.noAnswer : String(attempt.statusCode),
      ok: attempt.ok ? T.deliveries.yes : T.deliveries.no,
      error: attempt.error ?? T.deliveries.noError,
      duration: fill(T.deliveries.milliseconds, { count: attempt.durationMs }),
    })),
  };
}
