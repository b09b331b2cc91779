import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@front-counter/config';
import type { DatabaseUrls } from '@front-counter/database';
import { NestPinoLogger, type Logger } from '@front-counter/logging';
import { WorkerModule } from './worker.module.js';

/** The worker, running its loop once initialised; `close()` stops it after the current round. */
export async function createWorker(config: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.register(config, urls, logger), { logger: new NestPinoLogger(logger.child({ component: 'nest' })) });
  await worker.init();
  return worker;
}
