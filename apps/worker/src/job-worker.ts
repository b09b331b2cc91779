import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { DataSource, type EntityManager } from 'typeorm';
import { SlaMonitor } from '@front-counter/casework';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { DATABASE_URLS, PreparingClient, TenantTransactions, type DatabaseUrls } from '@front-counter/database';
import { DeliveryService } from '@front-counter/deliveries';
import { EvidenceService } from '@front-counter/evidence';
import { JOB_QUEUES, JOB_SCHEMA, type JobPayloads, type JobQueueName } from '@front-counter/jobs';
import type { Logger } from '@front-counter/logging';
import { EmailTemplates, Mailer, channelFor, emailHandlers } from '@front-counter/notifications';
import { OutboxDispatcher } from '@front-counter/outbox';
import { RetentionService } from '@front-counter/retention';
import { forceSiteUrl, listForces } from '@front-counter/tenancy';
import { RetentionSchedule } from './retention-schedule.js';
import { WORKER_LOGGER } from './worker-logger.js';
import { WorkerMetrics } from './worker-metrics.js';

export { WORKER_LOGGER } from './worker-logger.js';

type Handlers = { [Name in JobQueueName]?: (data: JobPayloads[Name]) => Promise<void> };

/** The queues a worker takes jobs from as they come (the scheduled ones come on their schedule). */
const WORKED: JobQueueName[] = ['outbox', 'delivery', 'evidence-scan', 'deadline', 'worker-minutely', 'retention-run'];
/** Jobs taken at once: deliveries and e-mail come in bursts; the rest are one job for a whole force or round. */
const BATCH_SIZES: Partial<Record<JobQueueName, number>> = { outbox: 20, delivery: 10 };
/** What `runDueJobs` drains: the work that requests cause. */
const DRAINED: JobQueueName[] = ['outbox', 'delivery', 'evidence-scan', 'deadline'];

/** Options pg-boss passes through to node-postgres's Pool. */
const poolOptions = (options: { Client: typeof PreparingClient }): object => options;

/**
 * The worker: takes jobs from pg-boss's queues in PostgreSQL and does them. Outbox deliveries
 * (e-mail, deleting stored objects) and evidence scans are enqueued in the transaction of the change
 * that causes them; deadline marking runs every minute and retention every RETENTION_EVERY_MINUTES
 * on pg-boss's schedules, which only one worker fires however many run. A failed job is retried with
 * back-off and then moved to its dead-letter queue; a worker killed mid-job leaves it active until
 * its expiry, when another takes it (handlers lock what they work on, so twice is harmless).
 */
@Injectable()
export class JobWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly dispatcher: OutboxDispatcher;
  private readonly boss: PgBoss;
  private readonly handlers: Handlers;
  private readonly deliveries: DeliveryService;
  /** Each queue's pg-boss worker, to wake one at once rather than at its next poll. */
  private readonly workerIds = new Map<JobQueueName, string>();
  /** An outbox job made deliveries (committed once its job ends): the delivery worker is woken for them. */
  private deliveriesMade = false;
  private started = false;
  private stopped = false;
  private firstRound?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    transactions: TenantTransactions,
    sla: SlaMonitor,
    evidence: EvidenceService,
    private readonly metrics: WorkerMetrics,
    retention: RetentionService,
    retentionSchedule: RetentionSchedule,
    deliveries: DeliveryService,
    @Inject(DATABASE_URLS) urls: DatabaseUrls,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {
    const mailer = new Mailer(config.mail);
    const templates = new EmailTemplates(config.tenants.directory);
    // Links in e-mail: the force's primary domain; in development its <slug>.localhost site on this machine.
    const siteUrl = (force: { slug: string; primaryDomain: string | null }) => forceSiteUrl(config, force);
    this.dispatcher = new OutboxDispatcher(dataSource, transactions, {
      ...emailHandlers({ templates, siteUrl, channelFor: (force) => channelFor(force, { environment: process.env, mailer, notifyApiUrl: config.notify.apiUrl }) }),
      ...retention.outboxHandlers,
      // Each event about a report goes to each of the force's back-office destinations that takes it
      // (the dispatcher delivers events about one report in order).
      'report.submitted': async ({ tenantId, payload, manager, occurredAt }) => {
        await this.backOffice(manager, tenantId, { type: 'report.submitted', reportId: payload.reportId, occurredAt });
      },
      'report.updated': async ({ tenantId, payload, manager, occurredAt }) => {
        const change = { what: payload.change, ...(payload.files ? { files: payload.files } : {}), ...(payload.message ? { message: payload.message } : {}) };
        await this.backOffice(manager, tenantId, { type: 'report.updated', reportId: payload.reportId, occurredAt, change });
      },
      'report.transferred': async ({ tenantId, payload, manager, occurredAt }) => {
        const change = { direction: payload.direction, from: payload.from, to: payload.to, reason: payload.reason };
        await this.backOffice(manager, tenantId, { type: 'report.transferred', reportId: payload.reportId, occurredAt, change, departed: payload.direction === 'out' });
      },
      'triage.decided': async ({ tenantId, payload, manager, occurredAt }) => {
        await this.backOffice(manager, tenantId, { type: 'triage.decided', reportId: payload.reportId, occurredAt, change: { decision: payload.decision } });
      },
    }, {
      delivered: (event) => this.logger.info({ eventId: event.id, type: event.type }, 'outbox event delivered'),
      failed: (error, event) => this.logger.warn({ eventId: event.id, type: event.type, attempt: event.attempts + 1, err: { message: (error.cause as Error)?.message ?? error.message } }, 'outbox delivery failed; will retry'),
    });
    metrics.deliveredTypes = this.dispatcher.types;
    this.deliveries = deliveries;
    this.boss = new PgBoss({
      connectionString: urls.app,
      schema: JOB_SCHEMA,
      application_name: 'front-counter-jobs',
      max: 3,
      // pg-boss hands its options to node-postgres's Pool (its types do not list Pool's own):
      // its fetch and completion statements are prepared once per connection.
      ...poolOptions({ Client: PreparingClient }),
      // The owner role installs the queues (a migration); the application role only uses them.
      migrate: false,
      supervise: true,
      maintenanceIntervalSeconds: config.worker.maintenanceSeconds,
      schedule: true,
    });
    this.boss.on('error', (error: Error) => this.logger.error({ err: { message: error.message } }, 'job queue error'));
    this.handlers = {
      outbox: async ({ tenantId, eventId }) => {
        try {
          this.metrics.count('outbox', await this.dispatcher.deliver(tenantId, eventId));
        } catch (error) {
          this.metrics.count('outbox', 'failed');
          throw error;
        }
      },
      delivery: async ({ tenantId, deliveryId }) => {
        const result = await deliveries.attempt(tenantId, deliveryId);
        this.metrics.count('delivery', result.outcome);
        await this.metrics.deliveryAttempted(tenantId, result);
        if (result.outcome === 'dead') this.logger.warn({ deliveryId }, 'delivery gave up after every attempt failed: a dead letter for the force administrator');
      },
      'evidence-scan': async ({ tenantId }) => {
        const processed = await evidence.processPending([tenantId], Number.MAX_SAFE_INTEGER);
        this.metrics.count('evidence-scan', 'processed', processed);
        if (processed > 0) this.logger.info({ processed }, 'evidence files scanned');
      },
      deadline: async ({ tenantId }) => {
        const breaches = await sla.markBreaches([tenantId]);
        this.metrics.count('sla-breaches', 'marked', breaches);
        if (breaches > 0) this.logger.info({ breaches }, 'SLA breaches marked');
      },
      'worker-minutely': async () => {
        const active = (await listForces(this.dataSource, { activeOnly: true })).map((tenant) => tenant.id);
        const breaches = await sla.markBreaches(active);
        this.metrics.count('sla-breaches', 'marked', breaches);
        if (breaches > 0) this.logger.info({ breaches }, 'SLA breaches marked');
        // Files whose scan failed and whose retry is now due (new uploads have a job of their own).
        const processed = await evidence.processPending(active);
        this.metrics.count('evidence-scan', 'processed', processed);
        if (processed > 0) this.logger.info({ processed }, 'evidence files scanned');
        this.metrics.roundFinished();
      },
      'retention-run': async () => {
        await retentionSchedule.runOnce();
        const tenants = (await listForces(this.dataSource)).map((tenant) => tenant.id);
        const abandoned = await evidence.deleteAbandoned(tenants);
        this.metrics.count('clean-up', 'files-deleted', abandoned);
        if (abandoned > 0) this.logger.info({ abandoned }, 'abandoned evidence files deleted');
      },
    };
  }

  /** The worker is taking jobs (its liveness probe): false once it has been told to stop. */
  get live(): boolean {
    return this.started && !this.stopped;
  }

  /** The worker can work: its database answers (the readiness probe). */
  async ready(): Promise<boolean> {
    return this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
  }

  /**
   * Does now what the schedules and queues would do soon: one minutely round, then every queued
   * outbox delivery and scan that is due, until none is left (jobs that fail wait for their retry).
   * For tests and operators; the worker does the same by itself.
   */
  async runDueJobs(): Promise<void> {
    await this.run('worker-minutely', {});
    for (let round = 0; round < 50; round++) {
      let ran = 0;
      for (const name of DRAINED) {
        for (const job of await this.boss.fetch<object>(name, { batchSize: 100 })) {
          ran++;
          await this.run(name, job.data as never).then(
            () => this.boss.complete(name, job.id),
            (error: Error) => this.boss.fail(name, job.id, { message: error.message }),
          );
        }
      }
      if (ran === 0) return;
    }
  }

  /** An event about a report, for the force's back office (the dispatcher has delivered those before it): one delivery per destination. */
  private async backOffice(manager: EntityManager, tenantId: string, event: Parameters<DeliveryService['fanOut']>[2]): Promise<void> {
    const made = await this.deliveries.fanOut(manager, tenantId, event);
    this.metrics.count('delivery', 'made', made);
    if (made > 0) this.deliveriesMade = true;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.boss.start();
    const missing: string[] = [];
    for (const name of Object.keys(JOB_QUEUES)) if (!(await this.boss.getQueue(name))) missing.push(name);
    if (missing.length > 0) {
      await this.boss.stop({ graceful: false, wait: true });
      throw new Error(`The job queues ${missing.join(', ')} do not exist: run the migrations first (npm run tenants:sync, or the migrate job, runs them)`);
    }
    const queued = await this.dispatcher.queueWaiting();
    if (queued > 0) this.logger.info({ queued }, 'outbox events waiting without a job were queued');
    await this.boss.schedule('worker-minutely', '* * * * *', {}, { ...JOB_QUEUES['worker-minutely'], singletonKey: 'worker-minutely' });
    await this.boss.schedule('retention-run', retentionCron(this.config.retention.everyMinutes), {}, { ...JOB_QUEUES['retention-run'] });
    const pollingIntervalSeconds = Math.max(0.5, this.config.worker.pollMs / 1000);
    for (const name of WORKED) {
      const batchSize = BATCH_SIZES[name] ?? 1;
      let workerId = '';
      workerId = await this.boss.work<object>(name, { pollingIntervalSeconds, batchSize }, async (jobs) => {
        // One by one: a job that fails is failed alone (retried with back-off); the rest complete.
        for (const job of jobs) {
          await this.run(name, job.data as never).catch((error: Error) => this.boss.fail(name, job.id, { message: error.message }));
        }
        // A full batch: there may be more waiting, so look again at once instead of after the interval.
        if (jobs.length === batchSize) this.boss.notifyWorker(workerId);
        // Deliveries just made go now, not a poll later (a report reaches the back office a poll sooner).
        if (name === 'outbox' && this.deliveriesMade) {
          this.deliveriesMade = false;
          const delivery = this.workerIds.get('delivery');
          if (delivery) this.boss.notifyWorker(delivery);
        }
      });
      this.workerIds.set(name, workerId);
    }
    this.started = true;
    // The first round at once: deadlines passed while no worker ran are marked now, not in a minute.
    this.firstRound = this.run('worker-minutely', {}).catch(() => undefined);
  }

  /** Stops taking jobs (those in hand finish); `runDueJobs` still works. For tests that drive the worker by hand. */
  async pause(): Promise<void> {
    for (const name of WORKED) await this.boss.offWork(name);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.firstRound;
    // Jobs in hand finish (up to the timeout); pg-boss hands back what it could not finish.
    await this.boss.stop({ graceful: true, timeout: 10_000, wait: true });
  }

  private async run<Name extends JobQueueName>(name: Name, data: JobPayloads[Name]): Promise<void> {
    const handler = this.handlers[name] as ((data: JobPayloads[Name]) => Promise<void>) | undefined;
    if (!handler) throw new Error(`No handler for the ${name} queue`);
    try {
      await handler(data);
    } catch (error) {
      if (name !== 'outbox') {
        this.metrics.count(name, 'failed');
        this.logger.error({ job: name, err: { message: (error as Error).message } }, 'job failed; it will be retried');
      }
      throw error;
    }
  }
}

/**
 * RETENTION_EVERY_MINUTES as a cron schedule: every N minutes past the hour when N is under an hour
 * (a period that does not divide 60 restarts at each hour), every N/60 hours (rounded) otherwise.
 */
export function retentionCron(everyMinutes: number): string {
  if (everyMinutes < 60) return everyMinutes === 1 ? '* * * * *' : `*/${everyMinutes} * * * *`;
  const hours = Math.round(everyMinutes / 60);
  return hours >= 24 ? '0 0 * * *' : hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
}
