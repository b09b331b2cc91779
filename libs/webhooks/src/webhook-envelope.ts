// The body of every delivery, as the Standard Webhooks payload recommendation describes: the event's
// type, when it happened (not when it was sent: a retry keeps it) and the data, for report events the
// report document whose `reference` is Front Counter's reference for the report.

export const WEBHOOK_EVENT_TYPES = ['report.submitted', 'report.updated', 'report.transferred', 'triage.decided'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * What changed, for events after `report.submitted`: `report.updated` { what: 'reply' | 'evidence',
 * files? }; `report.transferred` { direction: 'out' (the report left this force; `data` is the document
 * this destination last had) | 'in' (it arrived), from, to, reason }; `triage.decided` { decision }.
 */
export type WebhookChange = Record<string, string | number>;

export interface WebhookEnvelope<Data = unknown> {
  type: WebhookEventType;
  /** ISO 8601, UTC. */
  timestamp: string;
  change?: WebhookChange;
  data: Data;
}

/** The exact bytes to sign and send: minified JSON of `{ type, timestamp, change?, data }`. */
export function envelopeBody<Data>(type: WebhookEventType, occurredAt: Date, data: Data, change?: WebhookChange): string {
  const envelope: WebhookEnvelope<Data> = { type, timestamp: occurredAt.toISOString(), ...(change ? { change } : {}), data };
  return JSON.stringify(envelope);
}

/** The report reference an envelope carries (`data.reference`), if it carries one. */
export function envelopeReference(envelope: unknown): string | null {
  const data = isObject(envelope) ? envelope.data : undefined;
  const reference = isObject(data) ? data.reference : undefined;
  return typeof reference === 'string' ? reference : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
