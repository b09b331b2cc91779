import { DataSource, type EntityManager } from 'typeorm';
import { TenantTransactions } from '@front-counter/database';
import { childTrace, runInTrace } from '@front-counter/logging';
import { listForces } from '@front-counter/tenancy';
import type { OutboxEvent } from './outbox-event.entity.js';
import { BACK_OFFICE_EVENT_TYPES, type OutboxEventType, type OutboxPayloads } from './outbox.js';
import { lockEarlierUndeliveredAbout, lockUndeliveredEvent, markDelivered, markFailed, markUnqueued, queueEvent, unqueuedEvents } from './outbox.repository.js';

export type OutboxHandler<Type extends OutboxEventType = OutboxEventType> = (event: { id: string; tenantId: string; payload: OutboxPayloads[Type]; manager: EntityManager; occurredAt: Date }) => Promise<void>;

/** After this many failed attempts an event is a dead letter: its job moves to `outbox-dead` and it waits for an operator (the metrics count it). */
export const OUTBOX_MAX_ATTEMPTS = 10;

const ORDERED: ReadonlySet<string> = new Set(BACK_OFFICE_EVENT_TYPES);

export type DeliveryOutcome = 'delivered' | 'skipped' | 'no-consumer';

/** A delivery attempt that failed; the job queue retries it with back-off. */
export class OutboxDeliveryFailed extends Error {
  constructor(
    readonly eventId: string,
    readonly type: string,
    cause: unknown,
  ) {
    super(`Outbox event ${eventId} (${type}) could not be delivered: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

/**
 * Delivers one outbox event when its job runs: under the force's row-level security, with the event
 * locked (`FOR UPDATE SKIP LOCKED`), so two workers holding the same job (one that died holding it,
 * and the one its expiry gave it to) never deliver it at once and a delivered event is not sent again.
 * Handlers are chosen by type from a registry, never loaded by name from data.
 */
export class OutboxDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly handlers: Partial<{ [Type in OutboxEventType]: OutboxHandler<Type> }>,
    /** Told of each delivered event and each failed attempt, in the trace of the request that caused it. */
    private readonly observer: { delivered?: (event: OutboxEvent) => void; failed?: (error: OutboxDeliveryFailed, event: OutboxEvent) => void } = {},
  ) {}

  /** The event types this dispatcher delivers (others wait for a consumer of their own). */
  get types(): string[] {
    return Object.keys(this.handlers);
  }

  /**
   * Delivers the event, or records the failed attempt and throws OutboxDeliveryFailed (the job is
   * retried). 'skipped': another worker has it, or it was delivered or deleted already.
   */
  async deliver(tenantId: string, eventId: string): Promise<DeliveryOutcome> {
    let failure: unknown;
    const outcome = await this.transactions.run(tenantId, async (manager): Promise<DeliveryOutcome | 'failed'> => {
      const event = await lockUndeliveredEvent(manager, eventId);
      if (event === 'busy') {
        // Another worker holds it (a job that expired while its worker still ran): try again later, lest both give up.
        failure = new OutboxDeliveryFailed(eventId, 'unknown', new Error('another worker is delivering it'));
        return 'failed';
      }
      if (!event) return 'skipped';
      const handler = this.handlers[event.type as OutboxEventType] as OutboxHandler | undefined;
      if (!handler) {
        await markUnqueued(manager, event.id);
        return 'no-consumer';
      }
      // The delivery is a span of the trace of the request that caused the event.
      return runInTrace(childTrace(event.traceParent), async () => {
        await manager.query('SAVEPOINT outbox_handler'); // a failing handler's own writes are undone, the attempt is still recorded
        try {
          // Events about one report for its back office go in the order they were written: any earlier one
          // still undelivered goes first, here (one another worker is delivering is waited for).
          const reportId = (event.payload as { reportId?: unknown }).reportId;
          if (ORDERED.has(event.type) && typeof reportId === 'string') {
            for (const earlier of await lockEarlierUndeliveredAbout(manager, String(event.id), BACK_OFFICE_EVENT_TYPES, reportId)) {
              await this.handlers[earlier.type as OutboxEventType]?.({ id: String(earlier.id), tenantId, payload: earlier.payload as never, manager, occurredAt: earlier.createdAt });
              await markDelivered(manager, earlier.id);
            }
          }
          await handler({ id: String(event.id), tenantId, payload: event.payload as never, manager, occurredAt: event.createdAt });
          await markDelivered(manager, event.id);
          this.observer.delivered?.(event);
          return 'delivered';
        } catch (error) {
          failure = new OutboxDeliveryFailed(event.id, event.type, error);
          this.observer.failed?.(failure as OutboxDeliveryFailed, event);
          await manager.query('ROLLBACK TO SAVEPOINT outbox_handler');
          await markFailed(manager, event.id, String((error as Error).message ?? error).slice(0, 500));
          return 'failed';
        }
      });
    });
    if (outcome === 'failed') throw failure;
    return outcome;
  }

  /**
   * Enqueues the jobs of undelivered events of the types delivered here that have none (written before
   * jobs moved to pg-boss, or waiting for a consumer of their type); returns how many. Run when a worker starts.
   */
  async queueWaiting(batchSize = 500): Promise<number> {
    let queued = 0;
    for (const { id: tenantId } of await listForces(this.dataSource)) {
      for (;;) {
        const events = await this.transactions.run(tenantId, async (manager) => {
          const waiting = await unqueuedEvents(manager, this.types, batchSize);
          for (const event of waiting) await queueEvent(manager, event);
          return waiting.length;
        });
        queued += events;
        if (events < batchSize) break;
      }
    }
    return queued;
  }
}
