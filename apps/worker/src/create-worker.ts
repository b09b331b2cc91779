import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@front-counter/config';
import type { DatabaseUrls } from '@front-counter/database';
import { NestPinoLogger, type Logger } from '@front-counter/logging';
import { AppMetrics } from '@front-counter/metrics';
import { WorkerModule } from './worker.module.js';

/**
 * The worker, running its loop once initialised; `close()` stops it after the current round. It has
 * no HTTP server of its own: its metrics and health answer on its metrics port, which the caller
 * serves (`app.get(APP_METRICS)`, `app.get(JobWorker)` for health).
 */
export async function createWorker(config: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<INestApplicationContext> {
  const metrics = config.metrics.enabled ? new AppMetrics('worker') : null;
  const worker = await NestFactory.createApplicationContext(WorkerModule.register(config, urls, logger, metrics), { logger: new NestPinoLogger(logger.child({ component: 'nest' })) });
  try {
    await worker.init();
  } catch (error) {
    // What did start (the database pool) stops, so a worker that cannot start leaves nothing running.
    await worker.close().catch(() => undefined);
    throw error;
  }
  return worker;
}
