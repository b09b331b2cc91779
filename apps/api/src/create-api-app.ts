import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@front-counter/config';
import type { DatabaseUrls } from '@front-counter/database';
import { NestPinoLogger, registerRequestLogging, requestIdFor, type Logger } from '@front-counter/logging';
import { StaffAuthService } from '@front-counter/identity';
import { ApiModule } from './api.module.js';
import { registerStaffAuthentication } from './staff-authentication.js';

/** The api, initialised but not listening: `main.ts`, the launcher and tests each decide where it listens. */
export async function createApiApp(config: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: config.api.trustProxy,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers),
    // Above the largest legitimate page (a few 10,000-character answers) so oversize answers get a field-level message.
    bodyLimit: 2 * 1024 * 1024,
    // Signed evidence links travel in the path.
    routerOptions: { maxParamLength: 1000 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(config, urls), adapter, {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Evidence uploads: the body stays a stream for the evidence controller (never buffered, so no bodyLimit).
  fastify.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  registerRequestLogging(app.getHttpAdapter().getInstance(), logger);
  registerStaffAuthentication(app.getHttpAdapter().getInstance(), app.get(StaffAuthService), logger.child({ component: 'staff-auth' }));
  await app.init();
  return app;
}
