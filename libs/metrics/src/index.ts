// Metrics: each app's Prometheus metrics (prom-client) in a registry of its own, served on a port of
// its own; HTTP requests by route template, the database pool, and whatever an app adds.
export { AppMetrics, type AppName } from './app-metrics.js';
export { registerHttpMetrics } from './http-metrics.js';
export { registerDatabasePoolMetrics, type PoolStatistics } from './database-pool-metrics.js';
export { serveMetrics, startMetricsServer, type HealthChecks, type MetricsServer } from './metrics-server.js';
export { APP_METRICS, MetricsModule } from './metrics.module.js';
