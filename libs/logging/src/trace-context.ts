import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { runAsApp } from './app-logger.js';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): one trace id follows a report from the
 * browser's request through the web, the api and the worker's delivery of what it caused, and is on
 * every log line written on the way. Each hop is a span of its own (a new span id, the caller's as parent).
 */
export interface TraceContext {
  traceId: string;
  spanId: string;
  /** The caller's span, when the trace came in with the request (or the outbox event). */
  parentSpanId?: string;
  sampled: boolean;
  /**
   * The address of the client the request serves (Fastify's request.ip, X-Forwarded-For honoured
   * only from TRUST_PROXY): passed on to the api so its limits count the person, not the web.
   */
  clientAddress?: string;
}

export const TRACEPARENT_HEADER = 'traceparent';

const storage = new AsyncLocalStorage<TraceContext>();
const RESOURCE = Symbol('frontCounterTraceResource');
const TRACE = Symbol('frontCounterTrace');
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The parts of a valid `traceparent` header, or null (a malformed one starts a new trace, as the specification asks). */
export function parseTraceparent(header: string | string[] | undefined | null): { traceId: string; parentSpanId: string; sampled: boolean } | null {
  if (typeof header !== 'string' || header.length > 512) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, parentSpanId, flags, rest] = match;
  // Version ff is invalid; version 00 has nothing after the flags; later versions may add fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === ZERO_TRACE || parentSpanId === ZERO_SPAN) return null;
  return { traceId, parentSpanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/**
 * Random ids, as hex, cut from a pool filled 4 KB at a time (as Node's randomUUID does): a fresh
 * `randomBytes` for every span and trace id (two calls into OpenSSL and two buffers a request) was 2 % of a page's time.
 */
const randomPool = Buffer.alloc(4096);
let poolOffset = randomPool.length;
function randomHex(bytes: number): string {
  if (poolOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const hex = randomPool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** A new span: in the incoming trace when there is a valid one, else in a new trace. */
export function childTrace(incoming?: string | string[] | null): TraceContext {
  const parent = parseTraceparent(incoming);
  const spanId = randomHex(8);
  return parent ? { traceId: parent.traceId, spanId, parentSpanId: parent.parentSpanId, sampled: parent.sampled } : { traceId: randomHex(16), spanId, sampled: false };
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}

/** Runs `work` inside `trace`: every log line it writes, and every call it makes onwards, carries it. */
export function runInTrace<T>(trace: TraceContext, work: () => T): T {
  return storage.run(trace, work);
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** The header to send onwards from the current span, if there is one. */
export function currentTraceparent(): string | undefined {
  const trace = storage.getStore();
  return trace ? formatTraceparent(trace) : undefined;
}

/** The client address of the current request, to pass on (X-Forwarded-For). */
export function currentClientAddress(): string | undefined {
  return storage.getStore()?.clientAddress;
}

/** The fields every log line gets (pino's mixin). */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const trace = storage.getStore();
  return trace ? { traceId: trace.traceId, spanId: trace.spanId } : {};
}

/**
 * Fastify hooks that put each request in its span. Fastify reads a body from stream events, which
 * can run outside the request's async context, so the context is captured once (onRequest) and
 * restored for the rest of the request once the body is in (preValidation), as
 * @fastify/request-context does. Given the app's logger, the request is also that app's work.
 */
export function registerTraceContext(fastify: FastifyInstance, appLogger?: Logger): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const trace: TraceContext = { ...childTrace(request.headers[TRACEPARENT_HEADER]), clientAddress: request.ip };
    (request as unknown as Record<symbol, TraceContext>)[TRACE] = trace;
    const enter = () =>
      storage.run(trace, () => {
        const resource = new AsyncResource('front-counter-request');
        (request as unknown as Record<symbol, AsyncResource>)[RESOURCE] = resource;
        resource.runInAsyncScope(done);
      });
    // The app serving the request goes with its trace, for Nest's process-wide logger (app-logger.ts).
    if (appLogger) runAsApp(appLogger, enter);
    else enter();
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const resource = (request as unknown as Record<symbol, AsyncResource | undefined>)[RESOURCE];
    if (resource) resource.runInAsyncScope(done);
    else done();
  });
}

/** The request's span (also outside its async context, as in an onResponse hook). */
export function requestTrace(request: FastifyRequest): TraceContext | undefined {
  return (request as unknown as Record<symbol, TraceContext | undefined>)[TRACE];
}
