import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type AppName = 'api' | 'web' | 'worker';

/** Request durations from 5 ms to 10 s: a page should take tens of milliseconds, a file upload seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One app's metrics in a registry of its own, labelled with the app: `npm start` runs the api, the
 * web and the worker in one process, and each must still answer for itself on its own port.
 * Instruments are made when first asked for, so each app exposes only what it measures.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private httpRequests?: Counter<'route' | 'method' | 'status' | 'force'>;
  private httpDurations?: Histogram<'route' | 'method' | 'force'>;

  constructor(readonly app: AppName) {
    this.registry.setDefaultLabels({ app });
    // Node's own: memory, CPU, event loop lag, garbage collection, handles.
    collectDefaultMetrics({ register: this.registry });
  }

  /** One HTTP request: its route template (never the raw path), method, status and force. */
  recordRequest(labels: { route: string; method: string; status: number; force: string }, seconds: number): void {
    this.httpRequests ??= new Counter({
      name: 'front_counter_http_requests_total',
      help: 'HTTP requests answered, by route template, method, status and force.',
      labelNames: ['route', 'method', 'status', 'force'],
      registers: [this.registry],
    });
    this.httpDurations ??= new Histogram({
      name: 'front_counter_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route template, method and force.',
      labelNames: ['route', 'method', 'force'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.httpRequests.inc({ route: labels.route, method: labels.method, status: String(labels.status), force: labels.force });
    this.httpDurations.observe({ route: labels.route, method: labels.method, force: labels.force }, seconds);
  }

  counter<Label extends string>(name: string, help: string, labelNames: readonly Label[]): Counter<Label> {
    return (this.registry.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<Label extends string>(name: string, help: string, labelNames: readonly Label[], buckets = DURATION_BUCKETS): Histogram<Label> {
    return (this.registry.getSingleMetric(name) as Histogram<Label> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A gauge whose value is read when Prometheus scrapes (`collect` may be async: it may query the database). */
  gauge<Label extends string>(name: string, help: string, labelNames: readonly Label[], collect?: (gauge: Gauge<Label>) => void | Promise<void>): Gauge<Label> {
    const existing = this.registry.getSingleMetric(name) as Gauge<Label> | undefined;
    if (existing) return existing;
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect
        ? {
            async collect(this: Gauge<Label>) {
              await collect(this);
            },
          }
        : {}),
    });
  }

  /** The text Prometheus reads. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
