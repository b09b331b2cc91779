import 'reflect-metadata';
import { Writable } from 'node:stream';
import { Controller, Get, Injectable, Logger as NestLogger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { runAsApp } from './app-logger.js';
import { createLogger } from './logger.js';
import { NestPinoLogger } from './nest-pino-logger.js';
import { registerRequestLogging } from './request-logging.js';

class ReportStoreError extends Error {
  readonly parameters = ['morwenna.q@example.com'];
}

@Controller()
class FailingController {
  @Get('/fail')
  fail(): never {
    throw new ReportStoreError('permission denied for table report_events');
  }
}

/** A job loop like the worker's: its timer is set while the app starts, and it logs through Nest's logger. */
@Injectable()
class Ticker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new NestLogger('Ticker');
  private timer?: NodeJS.Timeout;
  onApplicationBootstrap() {
    this.timer = setInterval(() => this.logger.warn('tick'), 5);
  }
  onApplicationShutdown() {
    clearInterval(this.timer);
  }
}

@Module({ controllers: [FailingController] })
class HttpAppModule {}

@Module({ providers: [Ticker] })
class JobAppModule {}

describe('Nest\'s lines in a process running several apps', () => {
  it('carry the app whose work wrote them, not the app created last', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const root = createLogger({ level: 'debug', name: 'test', destination });
    const apiLogger = root.child({ app: 'api' });
    const workerLogger = root.child({ app: 'worker' });
    // As the launcher does: the api first, then the worker, whose logger Nest keeps for the process.
    const api = await runAsApp(apiLogger, async () => {
      const app = await NestFactory.create<NestFastifyApplication>(HttpAppModule, new FastifyAdapter(), { logger: new NestPinoLogger(apiLogger.child({ component: 'nest' })) });
      registerRequestLogging(app.getHttpAdapter().getInstance(), apiLogger);
      await app.init();
      return app;
    });
    const worker = await runAsApp(workerLogger, async () => {
      const app = await NestFactory.createApplicationContext(JobAppModule, { logger: new NestPinoLogger(workerLogger.child({ component: 'nest' })) });
      await app.init();
      return app;
    });
    try {
      await api.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${await api.getUrl()}/fail`);
      expect(response.status).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 30));

      const failure = lines.find((line) => line.context === 'ExceptionsHandler');
      expect(failure).toMatchObject({ app: 'api', component: 'nest', level: 50, err: { type: 'ReportStoreError', message: 'permission denied for table report_events' } });
      expect(JSON.stringify(failure)).not.toContain('morwenna');
      const request = lines.find((line) => line.msg === 'request');
      expect(request).toMatchObject({ app: 'api', path: '/fail', status: 500 });
      expect(failure?.spanId).toBe(request?.spanId);
      const ticks = lines.filter((line) => line.msg === 'tick');
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.every((tick) => tick.app === 'worker' && tick.context === 'Ticker')).toBe(true);
      // Start-up chatter too: each app's own routes and modules under its own name.
      expect(lines.filter((line) => String(line.msg).includes('FailingController')).every((line) => line.app === 'api')).toBe(true);
      expect(lines.filter((line) => String(line.msg).includes('JobAppModule')).every((line) => line.app === 'worker')).toBe(true);
    } finally {
      await runAsApp(workerLogger, () => worker.close());
      await runAsApp(apiLogger, () => api.close());
    }
  });
});
