import { DataSource, type EntityManager } from 'typeorm';
import { TenantTransactions } from '@front-counter/database';
import { childTrace, runInTrace } from '@front-counter/logging';
import { listForces } from '@front-counter/tenancy';
import { OutboxEvent } from './outbox-event.entity.js';
import type { OutboxEventType, OutboxPayloads } from './outbox.js';
import { dueEvents, lockDueEvent, markDelivered, markFailed } from './outbox.repository.js';

export type OutboxHandler<Type extends OutboxEventType = OutboxEventType> = (event: { tenantId: string; payload: OutboxPayloads[Type]; manager: EntityManager }) => Promise<void>;

/** After this many failed attempts an event is a dead letter: it waits for an operator (the metrics count it). */
export const OUTBOX_MAX_ATTEMPTS = 10;

/**
 * Delivers pending outbox events, tenant by tenant (row-level security confines each pass), with
 * `FOR UPDATE SKIP LOCKED` so several workers share the work without delivering one event twice at
 * once. A failure is retried with exponential back-off; types with no handler wait for a consumer.
 */
export class OutboxDispatcher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly handlers: Partial<{ [Type in OutboxEventType]: OutboxHandler<Type> }>,
    private readonly onError: (error: unknown, event: OutboxEvent) => void = () => undefined,
  ) {}

  /** The event types this dispatcher delivers (others wait for a consumer of their own). */
  get types(): string[] {
    return Object.keys(this.handlers);
  }

  /** One pass over every tenant; returns how many events were delivered (and how many attempts failed). */
  async deliverPending(batchSize = 20): Promise<number> {
    return (await this.deliverPendingCounted(batchSize)).delivered;
  }

  async deliverPendingCounted(batchSize = 20): Promise<{ delivered: number; failed: number }> {
    const tenants = await listForces(this.dataSource);
    let delivered = 0;
    let failed = 0;
    const types = this.types;
    for (const { id: tenantId } of tenants) {
      const events = await this.transactions.run(tenantId, (manager) =>
        dueEvents(manager, types, OUTBOX_MAX_ATTEMPTS, batchSize),
      );
      for (const event of events) {
        // The delivery is a span of the trace of the request that caused the event.
        const outcome = await runInTrace(childTrace(event.traceParent), () => this.transactions.run(tenantId, async (manager) => {
          // Lock this one event; another worker that got here first has it, so skip.
          if (!(await lockDueEvent(manager, event.id, OUTBOX_MAX_ATTEMPTS))) return 'skipped';
          const handler = this.handlers[event.type as OutboxEventType] as OutboxHandler | undefined;
          await manager.query('SAVEPOINT outbox_handler'); // a failing handler's own writes are undone, the attempt is still recorded
          try {
            await handler!({ tenantId, payload: event.payload as never, manager });
            await markDelivered(manager, event.id);
            return 'delivered';
          } catch (error) {
            this.onError(error, event);
            await manager.query('ROLLBACK TO SAVEPOINT outbox_handler');
            await markFailed(manager, event.id, String((error as Error).message ?? error).slice(0, 500));
            return 'failed';
          }
        }));
        if (outcome === 'delivered') delivered++;
        if (outcome === 'failed') failed++;
      }
    }
    return { delivered, failed };
  }
}
