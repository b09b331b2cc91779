import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import type { Logger } from '@front-counter/logging';
import { EmailTemplates, Mailer, emailHandlers } from '@front-counter/notifications';
import { OutboxDispatcher } from '@front-counter/outbox';
import { SlaMonitor } from '@front-counter/casework';
import { EvidenceService } from '@front-counter/evidence';
import { JourneysService } from '@front-counter/reports';
import { RetentionService } from '@front-counter/retention';
import { listForces } from '@front-counter/tenancy';
import { WorkerMetrics } from './worker-metrics.js';

export const WORKER_LOGGER = Symbol('WORKER_LOGGER');
const CLEAN_UP_EVERY_MS = 60 * 60 * 1000;

/**
 * The worker's one job loop: deliver the outbox (e-mail now; back-office systems later), mark SLA
 * breaches as deadlines pass, and scan new evidence files and make their copies, every
 * OUTBOX_POLL_MS; delete expired drafts and abandoned evidence hourly. Several workers may run: the
 * outbox and the evidence files are taken with row locks.
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
    private readonly sla: SlaMonitor,
    private readonly evidence: EvidenceService,
    private readonly metrics: WorkerMetrics,
    retention: RetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {
    const mailer = new Mailer(config.mail);
    const templates = new EmailTemplates(config.tenants.directory);
    // Links in e-mail: the force's primary domain; in development its <slug>.localhost site on this machine.
    const siteUrl = ({ slug, primaryDomain }: { slug: string; primaryDomain: string | null }) =>
      config.environment === 'production' || !config.tenants.allowLocalhostSlugs ? `https://${primaryDomain ?? `${slug}.localhost`}` : `http://${slug}.localhost:${config.web.port}`;
    this.dispatcher = new OutboxDispatcher(dataSource, transactions, { ...emailHandlers({ mailer, templates, siteUrl }), ...retention.outboxHandlers }, (error, event) =>
      this.logger.warn({ eventId: event.id, type: event.type, err: { message: (error as Error).message } }, 'outbox delivery failed; will retry'),
    );
    metrics.deliveredTypes = this.dispatcher.types;
  }

  /** The loop is running (the worker's liveness probe): false once it has been told to stop. */
  get live(): boolean {
    return !this.stopped;
  }

  /** The worker can work: its database answers (the readiness probe). */
  async ready(): Promise<boolean> {
    return this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /** One round: what the loop does each tick, callable directly by tests. */
  async tick(): Promise<void> {
    const { delivered, failed } = await this.dispatcher.deliverPendingCounted();
    this.metrics.count('outbox', 'delivered', delivered);
    this.metrics.count('outbox', 'failed', failed);
    if (delivered > 0) this.logger.info({ delivered }, 'outbox delivered');
    const active = await listForces(this.dataSource, { activeOnly: true });
    const breaches = await this.sla.markBreaches(active.map((tenant) => tenant.id));
    this.metrics.count('sla-breaches', 'marked', breaches);
    if (breaches > 0) this.logger.info({ breaches }, 'SLA breaches marked');
    const processed = await this.evidence.processPending(active.map((tenant) => tenant.id));
    this.metrics.count('evidence-scan', 'processed', processed);
    if (processed > 0) this.logger.info({ processed }, 'evidence files scanned');
    if (Date.now() - this.lastCleanUp >= CLEAN_UP_EVERY_MS) {
      this.lastCleanUp = Date.now();
      const tenants = await listForces(this.dataSource);
      const deleted = await this.journeys.deleteExpired(tenants.map((tenant) => tenant.id));
      this.metrics.count('clean-up', 'drafts-deleted', deleted);
      if (deleted > 0) this.logger.info({ deleted }, 'expired drafts deleted');
      const abandoned = await this.evidence.deleteAbandoned(tenants.map((tenant) => tenant.id));
      this.metrics.count('clean-up', 'files-deleted', abandoned);
      if (abandoned > 0) this.logger.info({ abandoned }, 'abandoned evidence files deleted');
    }
  }

  onApplicationBootstrap(): void {
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .then(() => this.metrics.roundFinished())
          .catch((error: Error) => {
            this.metrics.count('round', 'failed');
            this.logger.error({ err: { message: error.message } }, 'worker round failed');
          })
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
