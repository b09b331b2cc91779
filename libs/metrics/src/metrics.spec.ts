import Fastify from 'fastify';
import { PortInUseError } from '@front-counter/config';
import { setRequestTenant } from '@front-counter/logging';
import { AppMetrics } from './app-metrics.js';
import { registerDatabasePoolMetrics } from './database-pool-metrics.js';
import { registerHttpMetrics } from './http-metrics.js';
import { startMetricsServer } from './metrics-server.js';

/** The series of a metric as { labels: value }, labels without `app`. */
async function series(metrics: AppMetrics, name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return [];
  const { values } = await metric.get();
  return values.map(({ labels, value }) => ({ labels: Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'app')) as Record<string, string | number>, value }));
}

describe('AppMetrics', () => {
  it('keeps each app in a registry of its own, every series labelled with the app, with Node\'s default metrics', async () => {
    const api = new AppMetrics('api');
    const web = new AppMetrics('web');
    api.recordRequest({ route: '/graphql', method: 'POST', status: 200, force: 'northshire' }, 0.02);
    const apiText = (await api.exposition()).body;
    const webText = (await web.exposition()).body;
    expect(apiText).toContain('front_counter_http_requests_total{route="/graphql",method="POST",status="200",force="northshire",app="api"} 1');
    expect(apiText).toMatch(/^process_cpu_user_seconds_total\{app="api"\} /m);
    // Instruments are made when first used: the web has measured no request, so it has no such series.
    expect(webText).not.toContain('front_counter_http_requests_total');
    expect(webText).toMatch(/^process_cpu_user_seconds_total\{app="web"\} /m);
    expect((await api.exposition()).contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('times requests by route, method and force (not status) in buckets from 5 ms to 10 s', async () => {
    const metrics = new AppMetrics('web');
    metrics.recordRequest({ route: '/', method: 'GET', status: 200, force: 'northshire' }, 0.003);
    metrics.recordRequest({ route: '/', method: 'GET', status: 500, force: 'northshire' }, 3);
    const durations = await series(metrics, 'front_counter_http_request_duration_seconds');
    const buckets = durations.filter((sample) => 'le' in sample.labels);
    expect(buckets.map((sample) => sample.labels.le)).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, '+Inf']);
    expect(buckets.every((sample) => !('status' in sample.labels))).toBe(true);
    expect(buckets.find((sample) => sample.labels.le === 0.005)?.value).toBe(1);
    expect(buckets.find((sample) => sample.labels.le === '+Inf')?.value).toBe(2);
    expect((await series(metrics, 'front_counter_http_requests_total')).map((sample) => sample.labels.status).sort()).toEqual(['200', '500']);
  });

  it('hands back the instrument already registered under a name instead of failing on a second registration', () => {
    const metrics = new AppMetrics('worker');
    const counter = metrics.counter('front_counter_test_total', 'A test counter.', ['job']);
    expect(metrics.counter('front_counter_test_total', 'A test counter.', ['job'])).toBe(counter);
    const gauge = metrics.gauge('front_counter_test_gauge', 'A test gauge.', []);
    expect(metrics.gauge('front_counter_test_gauge', 'A test gauge.', [])).toBe(gauge);
  });
});

describe('registerHttpMetrics', () => {
  async function app() {
    const metrics = new AppMetrics('web');
    const fastify = Fastify();
    registerHttpMetrics(fastify, metrics);
    fastify.get('/:serviceId/:pageId', async (request) => {
      setRequestTenant(request, 'northshire');
      return 'page';
    });
    fastify.get('/resume/:token', async (_request, reply) => reply.code(410).send('expired'));
    fastify.get('/boom', async () => {
      throw new Error('boom');
    });
    // Over real HTTP (Fastify's inject loads a CommonJS-only dependency that Jest's ESM mode refuses).
    const address = await fastify.listen({ host: '127.0.0.1', port: 0 });
    const send = (method: string, path: string) => fetch(`${address}${path}`, { method }).then((response) => response.text());
    return { metrics, fastify, send };
  }

  it('labels a request with its route template, never the path typed, and a path no route has as `unmatched`', async () => {
    const { metrics, fastify, send } = await app();
    await send('GET', '/report-a-crime/what-happened?email=sam@example.com');
    await send('GET', '/resume/s3cr3t-t0ken');
    await send('GET', '/NS-2026-000123/a/b/c');
    await send('POST', '/resume/another-token');
    await send('GET', '/boom');
    expect(await series(metrics, 'front_counter_http_requests_total')).toEqual(
      expect.arrayContaining([
        { labels: { route: '/:serviceId/:pageId', method: 'GET', status: '200', force: 'northshire' }, value: 1 },
        { labels: { route: '/resume/:token', method: 'GET', status: '410', force: 'none' }, value: 1 },
        { labels: { route: 'unmatched', method: 'GET', status: '404', force: 'none' }, value: 1 },
        { labels: { route: 'unmatched', method: 'POST', status: '404', force: 'none' }, value: 1 },
        { labels: { route: '/boom', method: 'GET', status: '500', force: 'none' }, value: 1 },
      ]),
    );
    expect(await series(metrics, 'front_counter_http_requests_total')).toHaveLength(5);
    const text = (await metrics.exposition()).body;
    for (const raw of ['report-a-crime', 'what-happened', 'sam@example.com', 's3cr3t-t0ken', 'NS-2026-000123', 'another-token']) expect(text).not.toContain(raw);
    await fastify.close();
  });

  it('folds methods outside the usual set into OTHER', async () => {
    const { metrics, fastify, send } = await app();
    await send('PROPFIND', '/x');
    const methods = (await series(metrics, 'front_counter_http_requests_total')).map((sample) => sample.labels.method);
    expect(methods).toEqual(['OTHER']);
    await fastify.close();
  });
});

describe('registerDatabasePoolMetrics', () => {
  it('reads the pool at each scrape: in use, idle, waiting and its size', async () => {
    const metrics = new AppMetrics('api');
    let now = { inUse: 1, idle: 2, waiting: 0, max: 10 };
    registerDatabasePoolMetrics(metrics, () => now);
    expect(await series(metrics, 'front_counter_db_pool_connections')).toEqual([
      { labels: { state: 'in_use' }, value: 1 },
      { labels: { state: 'idle' }, value: 2 },
    ]);
    now = { inUse: 10, idle: 0, waiting: 3, max: 10 };
    expect(await series(metrics, 'front_counter_db_pool_connections')).toContainEqual({ labels: { state: 'in_use' }, value: 10 });
    expect(await series(metrics, 'front_counter_db_pool_waiting_requests')).toEqual([{ labels: {}, value: 3 }]);
    expect(await series(metrics, 'front_counter_db_pool_max_connections')).toEqual([{ labels: {}, value: 10 }]);
  });
});

describe('startMetricsServer', () => {
  it('serves /metrics, and health answers only when given them; nothing else', async () => {
    const metrics = new AppMetrics('worker');
    let live = true;
    let ready = true;
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, metrics, { live: () => live, ready: async () => ready });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const scraped = await fetch(`${server.url}/metrics?x=1`);
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await scraped.text()).toContain('app="worker"');
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      live = false;
      ready = false;
      expect((await fetch(`${server.url}/health/live`)).status).toBe(503);
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
      expect((await fetch(`${server.url}/`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
    // An app's metrics server without health checks answers 404 there.
    const plain = await startMetricsServer({ host: '127.0.0.1', port: 0 }, new AppMetrics('api'));
    try {
      expect((await fetch(`${plain.url}/health/live`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('answers 500 with nothing else when a collector fails, so a scrape is never half stored', async () => {
    const metrics = new AppMetrics('worker');
    metrics.gauge('front_counter_broken', 'Fails to collect.', [], async () => {
      throw new Error('database unreachable');
    });
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, metrics);
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).not.toContain('process_cpu');
      expect(body).not.toContain('database unreachable');
    } finally {
      await server.close();
    }
  });

  it('names the port and what wanted it when the port is taken', async () => {
    const first = await startMetricsServer({ host: '127.0.0.1', port: 0 }, new AppMetrics('api'));
    try {
      const port = Number(new URL(first.url).port);
      const taken = startMetricsServer({ host: '127.0.0.1', port }, new AppMetrics('web'), undefined, 'the force sites\' metrics');
      await expect(taken).rejects.toBeInstanceOf(PortInUseError);
      await expect(taken).rejects.toThrow(`Port ${port} (the force sites' metrics) is already in use`);
    } finally {
      await first.close();
    }
  });
});
