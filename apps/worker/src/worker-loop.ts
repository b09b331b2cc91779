import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import type { Logger } from '@front-counter/logging';
import { EmailTemplates, Mailer, emailHandlers } from '@front-counter/notifications';
import { OutboxDispatcher } from '@front-counter/outbox';
import { JourneysService } from '@front-counter/reports';

export const WORKER_LOGGER = Symbol('WORKER_LOGGER');
const CLEAN_UP_EVERY_MS = 60 * 60 * 1000;

/**
 * The worker's one job loop: deliver the outbox (e-mail now; back-office systems later) every
 * OUTBOX_POLL_MS, and delete expired drafts hourly. Several workers may run: the outbox locks rows.
 */
@Injectable()
export class WorkerLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly dispatcher: OutboxDispatcher;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastCleanUp = 0;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    transactions: TenantTransactions,
    private readonly journeys: JourneysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {
    const mailer = new Mailer(config.mail);
    const templates = new EmailTemplates(config.tenants.directory);
    this.dispatcher = new OutboxDispatcher(dataSource, transactions, emailHandlers({ mailer, templates }), (error, event) =>
      this.logger.warn({ eventId: event.id, type: event.type, err: { message: (error as Error).message } }, 'outbox delivery failed; will retry'),
    );
  }

  /** One round: what the loop does each tick, callable directly by tests. */
  async tick(): Promise<void> {
    const delivered = await this.dispatcher.deliverPending();
    if (delivered > 0) this.logger.info({ delivered }, 'outbox delivered');
    if (Date.now() - this.lastCleanUp >= CLEAN_UP_EVERY_MS) {
      this.lastCleanUp = Date.now();
      const tenants: { id: string }[] = await this.dataSource.query('SELECT id FROM tenants');
      const deleted = await this.journeys.deleteExpired(tenants.map((tenant) => tenant.id));
      if (deleted > 0) this.logger.info({ deleted }, 'expired drafts deleted');
    }
  }

  onApplicationBootstrap(): void {
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .catch((error: Error) => this.logger.error({ err: { message: error.message } }, 'worker round failed'))
          .finally(schedule);
      }, this.config.worker.pollMs);
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
