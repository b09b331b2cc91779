import type { AppMetrics } from './app-metrics.js';

export interface PoolStatistics {
  inUse: number;
  idle: number;
  waiting: number;
  max: number;
}

/** The database connection pool, read at each scrape: saturation shows as in_use reaching max, then requests waiting. */
export function registerDatabasePoolMetrics(metrics: AppMetrics, statistics: () => PoolStatistics): void {
  metrics.gauge('front_counter_db_pool_connections', 'Database connections of this process, in use or idle.', ['state'], (gauge) => {
    const now = statistics();
    gauge.set({ state: 'in_use' }, now.inUse);
    gauge.set({ state: 'idle' }, now.idle);
  });
  metrics.gauge('front_counter_db_pool_waiting_requests', 'Requests waiting for a free database connection.', [], (gauge) => gauge.set(statistics().waiting));
  metrics.gauge('front_counter_db_pool_max_connections', 'The most connections this process opens (DATABASE_POOL_SIZE).', [], (gauge) => gauge.set(statistics().max));
}
