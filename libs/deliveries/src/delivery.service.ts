import { readFileSync } from 'node:fs';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import { sendJob } from '@front-counter/jobs';
import { envelopeBody, newMessageId, signWebhook, WebhookClient, type WebhookChange, type WebhookEventType } from '@front-counter/webhooks';
import { DELIVERY_DOCUMENTS, type DeliveryDocuments, type ReportDocumentData } from './delivery-documents.port.js';
import type { Delivery, Destination } from './delivery.entities.js';
import { chainHeads, deliveryById, lastDocumentFor, destinationById, destinationsFor, earlierUndelivered, insertDelivery, lockDelivery, lockDeliveryWaiting, nextInChain, recordAttempt, setSuspended, updateDelivery } from './deliveries.repository.js';

/** How e-mail destinations send: the force's own channel (GOV.UK Notify or SMTP), given by the worker. */
export const DELIVERY_MAIL = Symbol('DELIVERY_MAIL');
export interface DeliveryMail {
  send(tenantId: string, message: { to: string; subject: string; text: string; attachment: { filename: string; contentType: string; content: Buffer }; reference: string }): Promise<void>;
}

export type AttemptOutcome = 'delivered' | 'retrying' | 'dead' | 'waiting' | 'done';

/** What became of an attempt; for one that was made, the destination's name, and once delivered, how long after its event. */
export interface AttemptResult {
  outcome: AttemptOutcome;
  destination?: string;
  /** From the event (deliveries.occurred_at) to delivered, in seconds. */
  delaySeconds?: number;
}

/** A worker's claim on a delivery it sends lasts the request's timeout and this much more. */
const CLAIM_MARGIN_MS = 5000;
/** Retries come at most this far apart. */
const MAX_RETRY_SECONDS = 6 * 3600;
/** A receiver's own reference for a report: short, printable. */
const EXTERNAL_REFERENCE = /^[\w./ -]{1,64}$/;

/** The delay before retry `attempt` (1 = after the first failure): doubling from the base, at most 6 hours, ±20 % so retries spread. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, retryAfterSeconds?: number, random = Math.random): number {
  const backOff = Math.min(baseSeconds * 2 ** (attempt - 1), MAX_RETRY_SECONDS) * (0.8 + 0.4 * random());
  return Math.min(Math.max(backOff, retryAfterSeconds ?? 0), MAX_RETRY_SECONDS);
}

/**
 * Delivers a force's reports to its back-office systems. An event about a report becomes one
 * delivery per destination that takes it, with the report document as of the event and a message id
 * kept across attempts (in the outbox job's transaction, so none is lost or made twice). Deliveries
 * of one report to one destination go in order: each waits until the one before it is delivered. A
 * failed attempt is retried with back-off for DELIVERY_GIVE_UP_SECONDS (72 hours), then the delivery
 * is a dead letter, waiting (with those behind it) for a replay. A suspended destination's deliveries
 * wait and go, in order, when it resumes.
 */
@Injectable()
export class DeliveryService {
  private readonly client: WebhookClient;
  private readonly ca?: string;

  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(DELIVERY_DOCUMENTS) private readonly documents: DeliveryDocuments,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(DELIVERY_MAIL) private readonly mail: DeliveryMail | null,
  ) {
    this.client = new WebhookClient({ allowInsecureLoopback: config.delivery.allowHttpLoopback, timeoutMs: config.delivery.timeoutMs });
    this.ca = config.delivery.caFile ? readFileSync(config.delivery.caFile, 'utf8') : undefined;
  }

  /**
   * Makes the deliveries of an event about a report, in the caller's transaction (the outbox job's):
   * one per destination of the force that takes the event, with the report's document as of now. A
   * report that has left the force (`departed`, or no longer readable here) goes with the document the
   * destination last had; a destination that never had the report hears nothing of it. Returns how many.
   */
  async fanOut(manager: EntityManager, tenantId: string, event: { type: WebhookEventType; reportId: string; occurredAt: Date; change?: WebhookChange; departed?: boolean }): Promise<number> {
    let made = 0;
    const destinations = await destinationsFor(manager, event.type);
    const current = event.departed ? new Map<string, ReportDocumentData>() : await this.documents.documentsFor(manager, { tenantId, reportId: event.reportId, destinations: destinations.map((destination) => destination.name), linkHours: this.config.delivery.linkHours });
    for (const destination of destinations) {
      const document = current.get(destination.name) ?? (await lastDocumentFor(manager, destination.id, event.reportId));
      if (!document) continue;
      const delivery = await insertDelivery(manager, {
        tenantId,
        destinationId: destination.id,
        reportId: event.reportId,
        messageId: newMessageId(),
        eventType: event.type,
        occurredAt: event.occurredAt,
        body: envelopeBody(event.type, event.occurredAt, document, event.change),
      });
      if (!destination.suspendedAt && !(await earlierUndelivered(manager, delivery))) await sendJob(manager, 'delivery', { tenantId, deliveryId: delivery.id });
      made++;
    }
    return made;
  }

  /**
   * One attempt at a delivery, when its job runs, in three steps so that no database connection is
   * held while the receiver answers: claim it (a short transaction: it is pending, its destination is
   * not suspended, nothing before it waits, no other worker's claim holds), send it, then record the
   * outcome (another short transaction). A claim lasts the request's timeout and a margin, so two
   * workers never send it at once; a worker killed mid-send leaves a claim that lapses, and the
   * delivery goes again with the same webhook-id, which a receiver uses to drop it.
   */
  async attempt(tenantId: string, deliveryId: string, environment: Record<string, string | undefined> = { ...this.config.delivery.environment, ...process.env }): Promise<AttemptResult> {
    const claimed = await this.transactions.run(tenantId, async (manager): Promise<AttemptResult | { delivery: Delivery; destination: Destination }> => {
      const delivery = await lockDelivery(manager, deliveryId);
      if (delivery === 'busy') throw new Error(`delivery ${deliveryId} is being claimed by another worker`);
      if (!delivery || delivery.status !== 'pending') return { outcome: 'done' };
      if (delivery.sendingUntil && delivery.sendingUntil.getTime() > Date.now()) {
        // Another worker is sending it: look again once its claim lapses (by then its outcome is recorded).
        await sendJob(manager, 'delivery', { tenantId, deliveryId }, { startAfter: delivery.sendingUntil });
        return { outcome: 'waiting' };
      }
      const destination = (await destinationById(manager, delivery.destinationId))!;
      if (destination.suspendedAt) return { outcome: 'waiting' };
      if (await earlierUndelivered(manager, delivery)) return { outcome: 'waiting' };
      if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > Date.now() + 1000) return { outcome: 'waiting' }; // a stale job: the retry has its own
      await updateDelivery(manager, delivery.id, { sendingUntil: new Date(Date.now() + this.config.delivery.timeoutMs + CLAIM_MARGIN_MS) });
      return { delivery, destination };
    });
    if ('outcome' in claimed) return claimed;
    const { destination } = claimed;

    const started = Date.now();
    const sent = await this.send(destination, claimed.delivery, environment).catch((error: Error) => ({ ok: false as const, status: null, error: error.message, retryAfterSeconds: undefined, reference: null }));
    const durationMs = Date.now() - started;

    return this.transactions.run(tenantId, async (manager) => {
      const delivery = await lockDeliveryWaiting(manager, deliveryId);
      if (!delivery) return { outcome: 'done' }; // deleted with its report meanwhile
      await recordAttempt(manager, { tenantId, deliveryId: delivery.id, statusCode: sent.status, ok: sent.ok, error: sent.ok ? null : sent.error.slice(0, 1000), durationMs });
      const attempts = delivery.attempts + 1;
      if (delivery.status !== 'pending') {
        // Delivered by another worker after this one's claim lapsed: the attempt is on record, nothing more.
        await updateDelivery(manager, delivery.id, { attempts });
        return { outcome: 'done' };
      }
      const firstAttemptAt = delivery.firstAttemptAt ?? new Date(started);

      if (sent.ok) {
        const reference = sent.reference && EXTERNAL_REFERENCE.test(sent.reference) ? sent.reference : null;
        const deliveredAt = new Date();
        await updateDelivery(manager, delivery.id, { status: 'delivered', attempts, firstAttemptAt, deliveredAt, nextAttemptAt: null, lastError: null, externalReference: reference, sendingUntil: null });
        if (reference && delivery.reportId) await this.documents.externalReferenceReceived(manager, { tenantId, reportId: delivery.reportId, reference, source: destination.name, deliveryId: delivery.id });
        const next = await nextInChain(manager, delivery);
        if (next) await sendJob(manager, 'delivery', { tenantId, deliveryId: next.id });
        return { outcome: 'delivered', destination: destination.name, delaySeconds: Math.max(0, (deliveredAt.getTime() - delivery.occurredAt.getTime()) / 1000) };
      }
      if (Date.now() - firstAttemptAt.getTime() >= this.config.delivery.giveUpSeconds * 1000) {
        await updateDelivery(manager, delivery.id, { status: 'dead', attempts, firstAttemptAt, nextAttemptAt: null, lastError: sent.error.slice(0, 1000), sendingUntil: null });
        return { outcome: 'dead', destination: destination.name };
      }
      const nextAttemptAt = new Date(Date.now() + retryDelaySeconds(attempts, this.config.delivery.retryBaseSeconds, sent.retryAfterSeconds) * 1000);
      await updateDelivery(manager, delivery.id, { attempts, firstAttemptAt, nextAttemptAt, lastError: sent.error.slice(0, 1000), sendingUntil: null });
      await sendJob(manager, 'delivery', { tenantId, deliveryId: delivery.id }, { startAfter: nextAttemptAt });
      return { outcome: 'retrying', destination: destination.name };
    });
  }

  /**
   * Sends dead or waiting deliveries again now (an administrator's replay): a dead letter gets a new
   * 72 hours. Returns those reset and those queued (one behind an undelivered one goes when that one has).
   */
  async replay(manager: EntityManager, tenantId: string, deliveryIds: string[], by: string): Promise<{ queued: string[]; reset: string[] }> {
    const queued: string[] = [];
    const reset: string[] = [];
    for (const id of deliveryIds) {
      const delivery = await deliveryById(manager, id);
      if (!delivery || delivery.status === 'delivered') continue;
      await updateDelivery(manager, id, { status: 'pending', firstAttemptAt: null, nextAttemptAt: null, replayedBy: by });
      reset.push(id);
      const destination = (await destinationById(manager, delivery.destinationId))!;
      if (!destination.suspendedAt && !(await earlierUndelivered(manager, delivery))) {
        await sendJob(manager, 'delivery', { tenantId, deliveryId: id });
        queued.push(id);
      }
    }
    return { queued, reset };
  }

  /** Suspends a destination (its deliveries are made and wait) or resumes it (the first waiting delivery of each report goes now). */
  async setSuspended(manager: EntityManager, tenantId: string, destinationId: string, suspendedBy: string | null): Promise<number> {
    await setSuspended(manager, destinationId, suspendedBy);
    if (suspendedBy) return 0;
    const heads = await chainHeads(manager, destinationId);
    for (const head of heads) await sendJob(manager, 'delivery', { tenantId, deliveryId: head.id });
    return heads.length;
  }

  private async send(destination: Destination, delivery: Delivery, environment: Record<string, string | undefined>): Promise<{ ok: true; status: number | null; reference: string | null } | { ok: false; status: number | null; error: string; retryAfterSeconds?: number }> {
    if (destination.type === 'email') {
      if (!this.mail) return { ok: false, status: null, error: 'this process cannot send e-mail' };
      const envelope = JSON.parse(delivery.body) as { change?: Record<string, unknown>; data: { reference?: string; service?: { title?: string } } };
      const reference = envelope.data.reference ?? delivery.reportId ?? delivery.id;
      const shown = /^[0-9A-Z]{9}$/.test(reference) ? reference.match(/.{3}/g)!.join('-') : reference;
      await this.mail.send(delivery.tenantId, {
        to: destination.address!,
        subject: `${EVENT_WORDS[delivery.eventType] ?? delivery.eventType}: ${envelope.data.service?.title ?? 'report'} ${shown}`,
        text: emailSummary(delivery, envelope),
        attachment: { filename: `${reference}-${delivery.eventType}.json`, contentType: 'application/json', content: Buffer.from(JSON.stringify(envelope, null, 2)) },
        reference: delivery.messageId,
      });
      return { ok: true, status: null, reference: null };
    }
    const url = destination.url ?? (destination.urlEnv ? environment[destination.urlEnv] : undefined);
    if (!url) return { ok: false, status: null, error: `${destination.urlEnv} is not set in the worker's environment: the destination has no address` };
    const secret = destination.secretEnv ? environment[destination.secretEnv] : undefined;
    if (!secret) return { ok: false, status: null, error: `${destination.secretEnv} is not set in the worker's environment: deliveries cannot be signed` };
    const headers = signWebhook({ id: delivery.messageId, body: delivery.body, secret: secret.split(/\s+/).filter(Boolean) });
    const result = await this.client.post({ url, body: delivery.body, headers: { ...headers, 'content-type': 'application/json' }, ca: this.ca });
    if (result.ok) {
      const reference = typeof result.body === 'object' && result.body !== null ? (result.body as { reference?: unknown }).reference : undefined;
      return { ok: true, status: result.status, reference: typeof reference === 'string' ? reference : null };
    }
    const detail = result.error?.message ?? `answered ${result.status}`;
    return { ok: false, status: result.status, error: result.retryable ? detail : `refused by the receiver: ${detail}`, retryAfterSeconds: result.retryAfterSeconds };
  }
}

/** What each event is called in an e-mail destination's subject line. */
const EVENT_WORDS: Record<string, string> = {
  'report.submitted': 'New report',
  'report.updated': 'Report updated',
  'report.transferred': 'Report transferred',
  'triage.decided': 'Triage decision',
};

/** What changed, in a sentence or two, for an e-mail destination. */
export function changeInWords(type: string, change: Record<string, unknown>): string[] {
  const text = (key: string) => (typeof change[key] === 'string' || typeof change[key] === 'number' ? String(change[key]) : '');
  switch (type) {
    case 'report.updated':
      return change.what === 'reply'
        ? ['The reporter replied through tracking:', text('message'), '']
        : [`The reporter added ${text('files') || 'some'} file(s) through tracking (listed in the evidence of the attached report).`, ''];
    case 'report.transferred':
      return change.direction === 'out'
        ? [`This report was transferred to ${text('to')} (${text('reason')}). It is now that force's; below is the report as it was sent to you.`, '']
        : [`This report was transferred here from ${text('from')} (${text('reason')}).`, ''];
    case 'triage.decided':
      return [`Triage decision: ${text('decision')}.`, ''];
    default:
      return [];
  }
}

/** A readable account of a delivery for a mailbox: what happened and the report's answers, the JSON attached. */
function emailSummary(delivery: Delivery, envelope: { change?: Record<string, unknown>; data: Record<string, unknown> }): string {
  const data = envelope.data as { reference?: string; service?: { title?: string }; submittedAt?: string; answers?: { label?: string; valueText?: string }[] };
  const lines = [
    `Event: ${delivery.eventType}`,
    ...changeInWords(delivery.eventType, envelope.change ?? {}),
    `Report: ${data.reference ?? ''}`,
    data.service?.title ? `Service: ${data.service.title}` : null,
    data.submittedAt ? `Sent: ${data.submittedAt}` : null,
    '',
    ...(data.answers ?? []).map((answer) => `${answer.label ?? ''}: ${answer.valueText ?? ''}`),
    '',
    'The full report, as structured data, is attached (JSON Schema: /schemas/report/v1.json).',
  ];
  return lines.filter((line) => line !== null).join('\n');
}
