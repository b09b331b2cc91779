import type { WebhookVerificationFailure } from '@front-counter/webhooks';

/** One request to `POST /<force>`, as the receiver saw and answered it. */
export interface ReceivedDelivery {
  /** Its place in arrival order, from 1; `/received/<seq>.json` shows it whole. */
  seq: number;
  receivedAt: string;
  /** The `webhook-id` header: the same on every attempt at one event. */
  id: string | null;
  /** The envelope's `type`. */
  type: string | null;
  /** The force the path named. */
  force: string;
  /** Front Counter's report reference, from the envelope's `data.reference`. */
  reference: string | null;
  signatureValid: boolean;
  /** Why the signature was not accepted (null when it was). */
  verificationFailure: WebhookVerificationFailure | 'unknown-force' | null;
  /** The status answered. */
  status: number;
  /** The crime or incident number answered for a `report.submitted` (the same again for a repeated webhook-id). */
  crimeNumber: string | null;
  /** An earlier delivery with this webhook-id to this force was accepted: an at-least-once repeat. */
  duplicate: boolean;
  /** The webhook-* and content-type headers as received. */
  headers: Record<string, string>;
  /** The body: parsed when it is JSON, otherwise its text. */
  body: unknown;
}

/** What `/received.json` lists for each delivery. */
export interface ReceivedSummary {
  id: string | null;
  type: string | null;
  force: string;
  reference: string | null;
  signatureValid: boolean;
  status: number;
  crimeNumber: string | null;
  duplicate: boolean;
  receivedAt: string;
}

export interface FailureMode {
  status: number;
  /** How many more deliveries to fail; null: every one until `stopFailing()`. */
  remaining: number | null;
  retryAfterSeconds?: number;
}

export const DEFAULT_KEEP = 500;
/** How many webhook-ids (for repeats) and crime numbers are remembered: well past what is listed. */
const REMEMBERED_IDS = 20_000;

/**
 * Everything the receiver holds, in memory: the last `keep` deliveries, each force's crime-number
 * counter, the numbers given per webhook-id and any failure it has been told to simulate. Kept apart
 * from the server so that a test can stop the receiver and start it again on the same port with the
 * same state ("the receiver down for a while, then back").
 */
export class ReceiverState {
  readonly keep: number;
  private readonly kept: ReceivedDelivery[] = [];
  private sequence = 0;
  private readonly counters = new Map<string, number>();
  /** `${force} ${webhook-id}` of accepted deliveries, to the crime number given (or null). */
  private readonly accepted = new Map<string, string | null>();
  private failure: FailureMode | null = null;

  constructor(options: { keep?: number } = {}) {
    this.keep = options.keep ?? DEFAULT_KEEP;
    if (!(Number.isInteger(this.keep) && this.keep >= 1)) throw new Error(`The development receiver keeps at least one delivery (keep ${options.keep})`);
  }

  /** Oldest first. */
  deliveries(): ReceivedDelivery[] {
    return [...this.kept];
  }

  delivery(seq: number): ReceivedDelivery | undefined {
    return this.kept.find((delivery) => delivery.seq === seq);
  }

  received(): ReceivedSummary[] {
    return this.kept.map(({ id, type, force, reference, signatureValid, status, crimeNumber, duplicate, receivedAt }) => ({
      id,
      type,
      force,
      reference,
      signatureValid,
      status,
      crimeNumber,
      duplicate,
      receivedAt,
    }));
  }

  record(delivery: Omit<ReceivedDelivery, 'seq'>): ReceivedDelivery {
    this.sequence += 1;
    const kept = { seq: this.sequence, ...delivery };
    this.kept.push(kept);
    if (this.kept.length > this.keep) this.kept.splice(0, this.kept.length - this.keep);
    return kept;
  }

  /** Answer the next `count` deliveries (null: all of them) with `status` instead of taking them. */
  failWith(status: number, count: number | null = null, retryAfterSeconds?: number): void {
    if (!(Number.isInteger(status) && status >= 400 && status <= 599)) throw new Error(`A simulated failure is a 4xx or 5xx status (got ${status})`);
    if (count !== null && !(Number.isInteger(count) && count >= 1)) throw new Error(`A simulated failure lasts at least one delivery (got ${count})`);
    this.failure = { status, remaining: count, retryAfterSeconds };
  }

  stopFailing(): void {
    this.failure = null;
  }

  /** The failure to answer this delivery with, if one is being simulated (and counts it). */
  takeFailure(): FailureMode | null {
    const failure = this.failure;
    if (!failure) return null;
    if (failure.remaining !== null) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.failure = null;
    }
    return failure;
  }

  /** Whether this force has accepted this webhook-id before, and the number it gave. */
  earlier(force: string, id: string): { crimeNumber: string | null } | undefined {
    const key = `${force} ${id}`;
    return this.accepted.has(key) ? { crimeNumber: this.accepted.get(key) ?? null } : undefined;
  }

  /** Remembers an accepted delivery; a `report.submitted` gets the force's next crime number. */
  accept(force: string, id: string, numbered: boolean, now: Date): string | null {
    const crimeNumber = numbered ? this.nextCrimeNumber(force, now) : null;
    this.accepted.set(`${force} ${id}`, crimeNumber);
    if (this.accepted.size > REMEMBERED_IDS) this.accepted.delete(this.accepted.keys().next().value!);
    return crimeNumber;
  }

  /** Like a force's own records system: `NO/2026/000123`, a prefix from the force, the year, a running number. */
  private nextCrimeNumber(force: string, now: Date): string {
    const year = now.getUTCFullYear();
    const key = `${force} ${year}`;
    const next = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, next);
    return `${forcePrefix(force)}/${year}/${String(next).padStart(6, '0')}`;
  }
}

/** Two letters from the slug: its initials when it has two words (`east-march` -> EM), else its first two letters. */
function forcePrefix(force: string): string {
  const words = force.split('-').filter(Boolean);
  const letters = words.length >= 2 ? words[0][0] + words[1][0] : force.slice(0, 2);
  return letters.toUpperCase();
}
