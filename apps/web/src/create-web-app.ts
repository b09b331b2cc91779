import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@front-counter/config';
import { NestPinoLogger, registerRequestLogging, requestIdFor, type Logger } from '@front-counter/logging';
import { AppMetrics, registerHttpMetrics } from '@front-counter/metrics';
import { PageRenderer } from './pages/page-renderer.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerTenantHook } from './tenant/tenant-hook.js';
import { TenantLookup } from './tenant/tenant-lookup.js';
import { ThemeService } from './theme/theme.service.js';
import { GOVUK_FRONTEND_ROOT, WEB_ROOT } from './web-paths.js';
import { WebModule } from './web.module.js';

/**
 * The force sites, initialised but not listening. Every force is served from this one app; the Host
 * decides which. Its metrics (when METRICS_ENABLED) are `app.get(APP_METRICS)`, served by the caller.
 */
export async function createWebApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const metrics = config.metrics.enabled ? new AppMetrics('web') : null;
  let renderer: PageRenderer | undefined;
  const adapter = new FastifyAdapter({
    trustProxy: config.api.trustProxy,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers),
    // Above the largest legitimate page so an oversize answer gets the page back with a message, not a bare 413.
    bodyLimit: 2 * 1024 * 1024,
    // Signed evidence links (/staff/evidence/<token>) travel in the path.
    routerOptions: { maxParamLength: 1000 },
    // Requests Fastify refuses before any route (a malformed URL, a bad body) still get a page, not JSON.
    frameworkErrors: (error: { statusCode?: number }, _request: unknown, reply: FastifyReply) => {
      void reply
        .code(error.statusCode && error.statusCode < 500 ? error.statusCode : 400)
        .header('content-type', 'text/html; charset=utf-8')
        .send(renderer?.renderPlain('badRequest') ?? 'Bad request');
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(WebModule.register(config, logger, metrics), adapter, {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLogging(fastify, logger);
  if (metrics) registerHttpMetrics(fastify, metrics);
  await registerSecurityHeaders(fastify, { production: config.environment === 'production' });
  await app.register(fastifyCookie, { secret: config.session.secret });
  // Evidence: file parts are streamed on to the api as they arrive (which enforces each question's
  // limits); these bounds only stop a request from being absurd.
  await app.register(fastifyMultipart, { limits: { fileSize: 11 * 1024 ** 3, files: 20, fields: 200, fieldSize: 100_000, parts: 220, headerPairs: 200 } });
  // govuk-frontend's JavaScript and images (not its Sass, and not the GOV.UK fonts, which police sites do not use).
  await app.register(fastifyStatic, {
    root: GOVUK_FRONTEND_ROOT,
    prefix: '/assets/govuk/',
    decorateReply: false,
    allowedPath: (pathName: string) => /^\/(govuk-frontend\.min\.js|assets\/(images|rebrand\/images)\/[\w./-]+\.(png|svg|ico)|assets\/manifest\.json)$/.test(pathName),
    maxAge: '1d',
  });
  await app.register(fastifyStatic, { root: path.join(WEB_ROOT, 'assets'), prefix: '/assets/site/', decorateReply: false, maxAge: '1h' });
  const pages = app.get(PageRenderer);
  renderer = pages;
  registerTenantHook(fastify, {
    nationalHost: config.web.nationalHost,
    lookup: app.get(TenantLookup),
    renderer: pages,
    logger,
    secureCookies: config.environment === 'production',
  });
  app.get(ThemeService).baseCss(); // compile the shared stylesheet now, not on the first visitor's request
  await app.init();
  return app;
}
