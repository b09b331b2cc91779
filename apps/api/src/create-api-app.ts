import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@front-counter/config';
import { poolStatistics, type DatabaseUrls } from '@front-counter/database';
import { AppMetrics, registerDatabasePoolMetrics, registerHttpMetrics } from '@front-counter/metrics';
import { DataSource } from 'typeorm';
import { NestPinoLogger, registerRequestLogging, requestIdFor, type Logger } from '@front-counter/logging';
import { StaffAuthService } from '@front-counter/identity';
import { RateLimits } from '@front-counter/rate-limits';
import { JourneysService } from '@front-counter/reports';
import { TenantsService } from '@front-counter/tenancy';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ApiModule } from './api.module.js';
import { graphqlErrorCounter } from './graphql/graphql-metrics.plugin.js';
import { registerGraphqlTransport } from './graphql/graphql-transport.js';
import { registerJourneyWire } from './journey-wire.js';
import { forceByHost } from './graphql/rate-limit.plugin.js';
import { registerStaffAuthentication } from './staff-authentication.js';

/**
 * The api, initialised but not listening: `main.ts`, the launcher and tests each decide where it
 * listens. Its metrics (when METRICS_ENABLED) are `app.get(APP_METRICS)`, served by the caller.
 */
export async function createApiApp(config: AppConfig, urls: DatabaseUrls, logger: Logger): Promise<NestFastifyApplication> {
  const metrics = config.metrics.enabled ? new AppMetrics('api') : null;
  const adapter = new FastifyAdapter({
    trustProxy: config.api.trustProxy,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers),
    // Above the largest legitimate page (a few 10,000-character answers) so oversize answers get a field-level message.
    bodyLimit: 2 * 1024 * 1024,
    // Signed evidence links travel in the path.
    routerOptions: { maxParamLength: 1000 },
  });
  const limits = await RateLimits.create(config.rateLimits, { metrics, logger });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(config, urls, metrics, limits), adapter, {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Evidence uploads: the body stays a stream for the evidence controller (never buffered, so no bodyLimit).
  fastify.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  registerRequestLogging(app.getHttpAdapter().getInstance(), logger);
  const countErrors = metrics ? graphqlErrorCounter(metrics) : undefined;
  registerGraphqlTransport(fastify, { maxTokens: config.api.maxQueryTokens, onRefused: countErrors && ((code) => countErrors([code])) });
  if (metrics) {
    registerHttpMetrics(fastify, metrics);
    const dataSource = app.get(DataSource);
    registerDatabasePoolMetrics(metrics, () => poolStatistics(dataSource));
  }
  registerStaffAuthentication(app.getHttpAdapter().getInstance(), app.get(StaffAuthService), logger.child({ component: 'staff-auth' }));
  registerJourneyWire(fastify, {
    journeys: app.get(JourneysService),
    tenants: app.get(TenantsService),
    schema: () => app.get(GraphQLSchemaHost).schema,
    limits,
    forceOf: forceByHost(app.get(TenantsService)),
    logger: logger.child({ component: 'journey-wire' }),
    production: config.environment === 'production',
  });
  fastify.addHook('onClose', async () => limits.close());
  await app.init();
  return app;
}
