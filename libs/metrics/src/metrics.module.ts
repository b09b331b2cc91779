import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppMetrics } from './app-metrics.js';

export const APP_METRICS = Symbol('APP_METRICS');

/** Makes the app's metrics injectable (`@Inject(APP_METRICS) metrics: AppMetrics | null`); null when METRICS_ENABLED is false. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: AppMetrics | null): DynamicModule {
    return { module: MetricsModule, providers: [{ provide: APP_METRICS, useValue: metrics }], exports: [APP_METRICS] };
  }
}
