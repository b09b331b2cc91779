import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TimedCache } from '@front-counter/caching';
import { queueHealth, type QueueHealth } from '@front-counter/casework';
import { poolStatistics, TenantTransactions } from '@front-counter/database';
import { deliveryBacklog, type AttemptResult, type DestinationBacklog } from '@front-counter/deliveries';
import { scanBacklog } from '@front-counter/evidence';
import { APP_METRICS, registerDatabasePoolMetrics, type AppMetrics } from '@front-counter/metrics';
import { outboxBacklog, type OutboxBacklog } from '@front-counter/outbox';
import { listForces } from '@front-counter/tenancy';

/** Figures are read from the database at most this often, however many Prometheus servers scrape. */
const FIGURES_MAX_AGE_MS = 5_000;
/**
 * From an event to its delivery: a second or two when all is well (two jobs, each up to a poll
 * interval), minutes while retrying, hours while a receiver is down, up to the 72 hours before a
 * dead letter (a replay can come later still: +Inf).
 */
const DELIVERY_DELAY_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 72 * 3600];
/** The outcomes of an attempt that sent something, counted by front_counter_delivery_attempts_total. */
const ATTEMPT_OUTCOMES = ['delivered', 'retrying', 'dead'] as const;

interface ForceFigures {
  slug: string;
  queue: QueueHealth;
  scans: { waiting: number; oldestWaitingSeconds: number };
  outbox: OutboxBacklog[];
  deliveries: DestinationBacklog[];
}

/**
 * The worker's metrics: what is waiting for it (the job backlog the autoscaler reads), what it has
 * done, and each force's triage queue at a glance, counted from the database when Prometheus scrapes.
 * Every worker replica exports the same per-force gauges; alerts take their max.
 */
@Injectable()
export class WorkerMetrics {
  /** One entry: every force's figures, shared by the gauges of a scrape. */
  private readonly figures = new TimedCache<'forces', Promise<ForceFigures[]>>({ ttlMs: FIGURES_MAX_AGE_MS, maxEntries: 1 });
  private readonly jobs;
  private readonly lastRound;
  private readonly deliveryAttempts;
  private readonly deliveryDelays;
  /** Force slugs by tenant id, for labels; read again when an id is new. */
  private slugs = new Map<string, string>();
  /** The outbox event types this worker delivers; set by the loop. */
  deliveredTypes: string[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    @Inject(APP_METRICS) private readonly metrics: AppMetrics | null,
  ) {
    this.jobs = metrics?.counter('front_counter_jobs_total', 'Work the worker has done, by job and outcome.', ['job', 'outcome']);
    this.lastRound = metrics?.gauge('front_counter_worker_last_round_timestamp_seconds', 'When the worker last finished a round of its loop (Unix seconds).', []);
    this.deliveryAttempts = metrics?.counter('front_counter_delivery_attempts_total', 'Attempts to deliver to a force\'s back-office destination, by force, destination and outcome (delivered, retrying, dead).', ['force', 'destination', 'outcome']);
    this.deliveryDelays = metrics?.histogram('front_counter_delivery_delay_seconds', 'Time from an event about a report (deliveries.occurred_at) to its delivery to a destination, by force and destination.', ['force', 'destination'], DELIVERY_DELAY_BUCKETS);
    if (metrics) this.register(metrics);
  }

  /** Counts work done: `job` as in front_counter_job_backlog, `outcome` what became of it. */
  count(job: string, outcome: string, amount = 1): void {
    if (amount > 0) this.jobs?.inc({ job, outcome }, amount);
  }

  /** One attempt at a back-office delivery: counted when something was sent, and timed once delivered. */
  async deliveryAttempted(tenantId: string, result: AttemptResult): Promise<void> {
    if (!this.metrics || !result.destination || !(ATTEMPT_OUTCOMES as readonly string[]).includes(result.outcome)) return;
    const labels = { force: await this.slugOf(tenantId), destination: result.destination };
    this.deliveryAttempts?.inc({ ...labels, outcome: result.outcome });
    if (result.outcome === 'delivered' && result.delaySeconds !== undefined) this.deliveryDelays?.observe(labels, result.delaySeconds);
  }

  roundFinished(): void {
    this.lastRound?.set(Date.now() / 1000);
  }

  private register(metrics: AppMetrics): void {
    registerDatabasePoolMetrics(metrics, () => poolStatistics(this.dataSource));
    const perForce = (name: string, help: string, value: (force: ForceFigures) => number) =>
      metrics.gauge(name, help, ['force'], async (gauge) => {
        gauge.reset();
        for (const force of await this.forces()) gauge.set({ force: force.slug }, value(force));
      });
    perForce('front_counter_force_reports_awaiting_triage', 'Reports in the force\'s triage queue.', (force) => force.queue.awaitingTriage);
    perForce('front_counter_force_oldest_awaiting_triage_minutes', 'How long the oldest report in the force\'s triage queue has waited since it was sent, in minutes.', (force) => force.queue.oldestAwaitingMinutes);
    perForce('front_counter_force_triage_due_soon', 'Untriaged reports whose triage deadline is in the next 15 minutes.', (force) => force.queue.triageDueSoon);
    perForce('front_counter_force_triage_overdue', 'Untriaged reports whose triage deadline has passed.', (force) => force.queue.triageOverdue);
    perForce('front_counter_force_uploads_awaiting_scan', 'Evidence files of the force waiting for their malware scan.', (force) => force.scans.waiting);
    metrics.gauge('front_counter_force_deadlines_missed_today', 'Deadlines that passed today (Europe/London), by force and deadline (triage, reply).', ['force', 'deadline'], async (gauge) => {
      gauge.reset();
      for (const force of await this.forces()) {
        gauge.set({ force: force.slug, deadline: 'triage' }, force.queue.missedToday.triage);
        gauge.set({ force: force.slug, deadline: 'reply' }, force.queue.missedToday.reply);
      }
    });
    const outbox = (name: string, help: string, value: (backlog: OutboxBacklog) => number) =>
      metrics.gauge(name, help, ['force', 'type'], async (gauge) => {
        gauge.reset();
        for (const force of await this.forces()) for (const backlog of force.outbox) gauge.set({ force: force.slug, type: backlog.type }, value(backlog));
      });
    outbox('front_counter_outbox_backlog', 'Outbox events waiting to be delivered (including those waiting to be retried), by force and type.', (backlog) => backlog.waiting);
    outbox('front_counter_outbox_oldest_waiting_seconds', 'Age of the oldest outbox event waiting to be delivered, by force and type.', (backlog) => backlog.oldestWaitingSeconds);
    outbox('front_counter_outbox_dead_letters', 'Outbox events given up on after every attempt failed, by force and type.', (backlog) => backlog.deadLetters);
    const destinations = (name: string, help: string, value: (backlog: DestinationBacklog) => number) =>
      metrics.gauge(name, help, ['force', 'destination'], async (gauge) => {
        gauge.reset();
        for (const force of await this.forces()) for (const backlog of force.deliveries) gauge.set({ force: force.slug, destination: backlog.destination }, value(backlog));
      });
    destinations('front_counter_deliveries_waiting', 'Deliveries to a force\'s back-office destination not yet delivered nor given up on (first attempt, retrying, behind an earlier one, or the destination suspended).', (backlog) => backlog.waiting);
    destinations('front_counter_delivery_oldest_waiting_seconds', 'Age of the oldest delivery waiting for a destination (since it was made); 0 when none waits.', (backlog) => backlog.oldestWaitingSeconds);
    destinations('front_counter_deliveries_dead', 'Dead letters of a destination: deliveries given up on after every attempt failed, waiting for a force administrator\'s replay.', (backlog) => backlog.dead);
    destinations('front_counter_destination_suspended', '1 while a force administrator has suspended the destination (its deliveries are made and wait).', (backlog) => (backlog.suspended ? 1 : 0));
    metrics.gauge('front_counter_job_backlog', 'Work waiting for the workers, by job (outbox, evidence-scan): what their autoscaler reads.', ['job'], async (gauge) => {
      const forces = await this.forces();
      gauge.set({ job: 'outbox' }, forces.reduce((sum, force) => sum + force.outbox.reduce((inner, backlog) => inner + backlog.waiting, 0), 0));
      gauge.set({ job: 'evidence-scan' }, forces.reduce((sum, force) => sum + force.scans.waiting, 0));
    });
    metrics.gauge('front_counter_job_oldest_waiting_seconds', 'Age of the oldest work waiting for the workers, by job.', ['job'], async (gauge) => {
      const forces = await this.forces();
      gauge.set({ job: 'outbox' }, Math.max(0, ...forces.flatMap((force) => force.outbox.map((backlog) => (backlog.waiting > 0 ? backlog.oldestWaitingSeconds : 0)))));
      gauge.set({ job: 'evidence-scan' }, Math.max(0, ...forces.map((force) => force.scans.oldestWaitingSeconds)));
    });
  }

  /** Every force's figures, one transaction per force (row-level security confines each), shared by the gauges of one scrape. */
  private forces(): Promise<ForceFigures[]> {
    // A failed read is not kept: the next scrape tries again (and this one answers 500).
    return this.figures.getOrLoad('forces', () => this.readForces());
  }

  private async readForces(): Promise<ForceFigures[]> {
    const tenants = await listForces(this.dataSource, { ordered: true });
    this.slugs = new Map(tenants.map((tenant) => [tenant.id, tenant.slug]));
    const figures: ForceFigures[] = [];
    for (const tenant of tenants) {
      figures.push(
        await this.transactions.run(tenant.id, async (manager) => ({
          slug: tenant.slug,
          queue: await queueHealth(manager),
          scans: await scanBacklog(manager),
          outbox: await outboxBacklog(manager, this.deliveredTypes),
          deliveries: await deliveryBacklog(manager),
        })),
      );
    }
    // Every destination's attempt counts exist from the start, at 0, so that rate() and increase() see the first one.
    for (const force of figures) {
      for (const backlog of force.deliveries) for (const outcome of ATTEMPT_OUTCOMES) this.deliveryAttempts?.inc({ force: force.slug, destination: backlog.destination, outcome }, 0);
    }
    return figures;
  }

  private async slugOf(tenantId: string): Promise<string> {
    // A failed look-up costs the label, never the job (the attempt is already recorded).
    if (!this.slugs.has(tenantId)) this.slugs = new Map((await listForces(this.dataSource).catch(() => [])).map((tenant) => [tenant.id, tenant.slug]));
    return this.slugs.get(tenantId) ?? 'unknown';
  }
}
