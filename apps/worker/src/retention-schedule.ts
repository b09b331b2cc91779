import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@front-counter/logging';
import { RETENTION_CLOCK, RetentionService, type Clock, type RetentionRun } from '@front-counter/retention';
import { WORKER_LOGGER } from './worker-logger.js';
import { WorkerMetrics } from './worker-metrics.js';

/**
 * One retention run, as the `retention-run` job does it on its schedule (RETENTION_EVERY_MINUTES,
 * hourly by default). Several workers may run it at once: each report and draft is taken with a row
 * lock, and a run repeated, or cut short by a crash, finishes what the last one left.
 */
@Injectable()
export class RetentionSchedule {
  constructor(
    private readonly retention: RetentionService,
    private readonly metrics: WorkerMetrics,
    @Inject(RETENTION_CLOCK) private readonly clock: Clock,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {}

  /** One run as of the clock's time (or the time given): what the schedule does, callable directly by tests. */
  async runOnce(now: Date = this.clock.now()): Promise<RetentionRun> {
    const run = await this.retention.run(now);
    this.metrics.count('retention', 'reports-deleted', run.reportsDeleted);
    this.metrics.count('retention', 'drafts-deleted', run.draftsDeleted);
    this.metrics.count('retention', 'outbox-pruned', run.outboxEventsPruned);
    this.metrics.count('retention', 'failed', run.failures.length);
    const { failures, servicesWithoutRetention, ...counts } = run;
    if (run.reportsDeleted + run.draftsDeleted + run.outboxEventsPruned > 0) this.logger.info(counts, 'retention: deleted what was past its time');
    if (servicesWithoutRetention.length > 0) this.logger.warn({ services: servicesWithoutRetention }, 'retention: these services set no retention period; their reports are kept');
    for (const failure of failures) this.logger.error({ failure }, 'retention: could not delete; it will be tried again on the next run');
    return run;
  }
}
