import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { Logger } from '@front-counter/logging';
import { RETENTION_CLOCK, RetentionService, type Clock, type RetentionRun } from '@front-counter/retention';
import { WORKER_LOGGER } from './worker-loop.js';
import { WorkerMetrics } from './worker-metrics.js';

/**
 * Runs retention every RETENTION_EVERY_MINUTES (hourly by default), the first five minutes after the
 * worker starts (or one period, if shorter), so that workers restarted often still run it, at the
 * time its clock gives. Several workers may run it at once: each report and
 * draft is taken with a row lock, and a run repeated, or cut short by a crash, finishes what the
 * last one left.
 */
@Injectable()
export class RetentionSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly retention: RetentionService,
    private readonly metrics: WorkerMetrics,
    @Inject(RETENTION_CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  onApplicationBootstrap(): void {
    let first = true;
    const schedule = () => {
      if (this.stopped) return;
      const period = this.config.retention.everyMinutes * 60_000;
      const delay = first ? Math.min(5 * 60_000, period) : period;
      first = false;
      this.timer = setTimeout(() => {
        this.running = this.runOnce()
          .catch((error: Error) => {
            this.metrics.count('retention', 'failed');
            this.logger.error({ err: { message: error.message } }, 'retention run failed');
          })
          .finally(schedule);
      }, delay);
      // Waiting for the next run keeps no process alive.
      this.timer.unref();
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
