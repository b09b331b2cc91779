import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { requestPath } from './logged-path.js';
import { currentClientAddress, currentTraceparent, registerTraceContext, requestTrace, TRACEPARENT_HEADER } from './trace-context.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;
const TENANT = Symbol('frontCounterTenantSlug');

/** Keeps an incoming request id (from the web or a proxy) when it looks like one, else makes one. */
export function requestIdFor(headers: Record<string, string | string[] | undefined>): string {
  const incoming = headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function setRequestTenant(request: FastifyRequest, slug: string): void {
  (request as unknown as Record<symbol, string>)[TENANT] = slug;
}

/** The force a request was for, once known (metrics and the request log line). */
export function requestTenant(request: FastifyRequest): string | undefined {
  return (request as unknown as Record<symbol, string | undefined>)[TENANT];
}

/**
 * One line per request: id, trace and span, method, route template and path (the template with only
 * plain-word parameters filled in: never a token, a reference or the query string; logged-path.ts),
 * status, duration and the tenant slug once known. The id is echoed in the response header. Every
 * request runs in its trace span (W3C traceparent), which every log line written for it carries, and
 * as the work of the app whose `logger` this is (app-logger.ts).
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  registerTraceContext(fastify, logger);
  // Callback hooks, not async ones: on every request, a promise each is measurable.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply);
    done();
  });

  function logRequest(request: FastifyRequest, reply: FastifyReply): void {
    const rawPath = request.url.split('?')[0];
    if (rawPath.startsWith('/health/') || rawPath.startsWith('/assets/')) return;
    const { path, route } = requestPath(request);
    const trace = requestTrace(request);
    logger.info(
      {
        requestId: request.id,
        traceId: trace?.traceId,
        spanId: trace?.spanId,
        tenant: requestTenant(request),
        method: request.method,
        route: route ?? 'unmatched',
        path,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
      },
      'request',
    );
  }
}

/** Headers for a call the current request makes to another of our services: its request id, its trace and its client's address. */
export function onwardHeaders(requestId: string): Record<string, string> {
  const traceparent = currentTraceparent();
  const clientAddress = currentClientAddress();
  return {
    [REQUEST_ID_HEADER]: requestId,
    ...(traceparent ? { [TRACEPARENT_HEADER]: traceparent } : {}),
    ...(clientAddress ? { 'x-forwarded-for': clientAddress } : {}),
  };
}
