import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listening, type MetricsEndpoint } from '@front-counter/config';
import type { AppMetrics } from './app-metrics.js';
import { APP_METRICS } from './metrics.module.js';

export interface MetricsServer {
  /** http://host:port of the server, with the real port when 0 was asked for. */
  url: string;
  close(): Promise<void>;
}

/** Optional health answers on the same port, for a process with no HTTP server of its own (the worker). */
export interface HealthChecks {
  live(): boolean;
  ready(): Promise<boolean>;
}

/**
 * `GET /metrics` on a port of its own (METRICS_PORT), never on the public one: no ingress routes it,
 * and a NetworkPolicy lets only the monitoring namespace reach it. Errors in a collector answer 500
 * with nothing else, so Prometheus marks the scrape failed rather than storing half of it.
 */
export async function startMetricsServer(endpoint: MetricsEndpoint, metrics: AppMetrics | null, health?: HealthChecks, what = `${metrics?.app ?? 'worker'} metrics`): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = (status: number, contentType: string, body: string) => response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body);
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'text/plain', 'Method not allowed\n');
    if (path === '/metrics' && metrics) {
      metrics.exposition().then(
        ({ contentType, body }) => answer(200, contentType, body),
        () => answer(500, 'text/plain', 'Metrics could not be collected\n'),
      );
      return;
    }
    if (health && path === '/health/live') return health.live() ? answer(200, 'application/json', '{"status":"ok"}') : answer(503, 'application/json', '{"status":"stopping"}');
    if (health && path === '/health/ready') {
      health.ready().then(
        (ready) => (ready ? answer(200, 'application/json', '{"status":"ok","database":"ok"}') : answer(503, 'application/json', '{"status":"unavailable","database":"unreachable"}')),
        () => answer(503, 'application/json', '{"status":"unavailable"}'),
      );
      return;
    }
    answer(404, 'text/plain', 'Not found\n');
  });
  server.keepAliveTimeout = 65_000; // longer than Prometheus's scrape interval: one connection per target
  await listen(server, endpoint, what);
  const { port } = server.address() as AddressInfo;
  const host = endpoint.host === '0.0.0.0' || endpoint.host === '::' ? '127.0.0.1' : endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Listens, turning "address in use" into a message that names the port and what wanted it. */
function listen(server: http.Server, endpoint: MetricsEndpoint, what: string): Promise<void> {
  return listening(endpoint.port, what, () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoint.port, endpoint.host, () => {
      server.off('error', reject);
      resolve();
    });
  }));
}
/**
 * Serves a Nest app's metrics (APP_METRICS) on its metrics endpoint, and the health checks given:
 * nothing for an app without metrics and without health checks.
 */
export async function serveMetrics(app: { get(token: symbol): unknown }, endpoint: MetricsEndpoint, health?: HealthChecks, what?: string): Promise<MetricsServer | null> {
  const metrics = app.get(APP_METRICS) as AppMetrics | null;
  if (!metrics && !health) return null;
  return startMetricsServer(endpoint, metrics, health, what);
}
