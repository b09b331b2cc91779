import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@front-counter/config';
import { NestPinoLogger, registerRequestLogging, requestIdFor, type Logger } from '@front-counter/logging';
import { AppMetrics, registerHttpMetrics } from '@front-counter/metrics';
import { FORM_LIMITS } from './bad-requests/bad-request.js';
import { registerHostGuard, registerInputGuards, sendUnroutableRefusal } from './bad-requests/request-guards.js';
import { parseUrlEncodedForm } from './bad-requests/request-text.js';
import { RateLimits } from '@front-counter/rate-limits';
import { PageRenderer } from './pages/page-renderer.js';
import { PageReply, sendPageReply } from './pages/web-reply.js';
import { registerRateLimits } from './rate-limiting.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerTenantHook } from './tenant/tenant-hook.js';
import { TenantLookup } from './tenant/tenant-lookup.js';
import { ThemeService } from './theme/theme.service.js';
import { GOVUK_FRONTEND_ROOT, WEB_ROOT } from './web-paths.js';
import { WebModule } from './web.module.js';

/** Above the largest legitimate page so an oversize answer gets the page back with a message, not a bare 413. */
const BODY_LIMIT = 2 * 1024 * 1024;

/** Nest's Fastify adapter, sending a handler's PageReply whole (see pages/web-reply.ts); anything else as Nest does. */
class WebFastifyAdapter extends FastifyAdapter {
  override reply(...[response, body, statusCode]: Parameters<FastifyAdapter['reply']>) {
    if (body instanceof PageReply && typeof (response as FastifyReply).code === 'function') return sendPageReply(response as FastifyReply, body);
    return super.reply(response, body, statusCode);
  }
}

/**
 * The force sites, initialised but not listening. Every force is served from this one app; the Host
 * decides which. Its metrics (when METRICS_ENABLED) are `app.get(APP_METRICS)`, served by the caller.
 */
export async function createWebApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const metrics = config.metrics.enabled ? new AppMetrics('web') : null;
  let renderer: PageRenderer | undefined;
  let lookup: TenantLookup | undefined;
  const adapter = new WebFastifyAdapter({
    trustProxy: config.api.trustProxy,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers),
    bodyLimit: BODY_LIMIT,
    // Signed evidence links (/staff/evidence/<token>) travel in the path.
    routerOptions: { maxParamLength: 1000 },
    // Requests Fastify refuses before any route (a URL it cannot decode) still get a page naming the problem, not JSON.
    frameworkErrors: (_error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      if (!renderer || !lookup) return void reply.code(400).header('content-type', 'text/plain; charset=utf-8').send('Bad request');
      void sendUnroutableRefusal(request, reply, { pages: renderer, lookup, trustProxy: config.api.trustProxy });
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
  // limits); these bounds only stop a request from being absurd (see bad-requests/multipart-parts.ts).
  await app.register(fastifyMultipart, { limits: { fileSize: 11 * 1024 ** 3, ...FORM_LIMITS } });
  // Forms are decoded strictly: broken escapes, too many fields and text no page sends are refused with a page saying so.
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, parseUrlEncodedForm(body.toString('utf8'))));
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
  const tenants = app.get(TenantLookup);
  lookup = tenants;
  // The Host decides the force: an ambiguous one is refused before the force is looked up.
  registerHostGuard(fastify, config.api.trustProxy);
  registerTenantHook(fastify, {
    nationalHost: config.web.nationalHost,
    lookup: tenants,
    renderer: pages,
    logger,
    secureCookies: config.environment === 'production',
  });
  const limits = await RateLimits.create(config.rateLimits, { metrics, logger });
  registerRateLimits(fastify, limits, pages);
  fastify.addHook('onClose', async () => limits.close());
  registerInputGuards(fastify);
  app.get(ThemeService).baseCss(); // compile the shared stylesheet now, not on the first visitor's request
  await app.init();
  return app;
}
