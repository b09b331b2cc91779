import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { createLogger } from './logger.js';
import { registerRequestLogging } from './request-logging.js';
import { childTrace, currentTraceparent, formatTraceparent, parseTraceparent, runInTrace } from './trace-context.js';

const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', name: 'test', destination }) };
}

describe('W3C trace context', () => {
  it('reads a valid traceparent and refuses malformed or all-zero ones', () => {
    expect(parseTraceparent(INCOMING)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', sampled: true });
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.sampled).toBe(false);
    for (const bad of [
      undefined,
      '',
      'nonsense',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      `${INCOMING}-extra`,
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
    // A later version may add fields after the flags; the known part is still used.
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('continues the caller\'s trace with a span of its own, or starts a new trace', () => {
    const child = childTrace(INCOMING);
    expect(child).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', sampled: true });
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe('00f067aa0ba902b7');
    expect(formatTraceparent(child)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${child.spanId}-01`);
    const fresh = childTrace('garbage');
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.parentSpanId).toBeUndefined();
  });

  it('gives every new trace and span ids of their own, well past one fill of the random pool', () => {
    const traces = Array.from({ length: 1000 }, () => childTrace());
    expect(traces.every((trace) => /^[0-9a-f]{32}$/.test(trace.traceId) && /^[0-9a-f]{16}$/.test(trace.spanId))).toBe(true);
    expect(new Set(traces.map((trace) => trace.traceId)).size).toBe(1000);
    expect(new Set(traces.map((trace) => trace.spanId)).size).toBe(1000);
  });

  it('puts the trace on every log line written inside it, and sends it onwards', async () => {
    const { lines, logger } = capture();
    const trace = childTrace(INCOMING);
    await runInTrace(trace, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside');
      expect(currentTraceparent()).toBe(formatTraceparent(trace));
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', traceId: trace.traceId, spanId: trace.spanId });
    expect(lines[1].traceId).toBeUndefined();
    expect(currentTraceparent()).toBeUndefined();
  });

  it('keeps a request\'s trace through Fastify\'s body parsing to the handler and the request line', async () => {
    const { lines, logger } = capture();
    const app = Fastify();
    registerRequestLogging(app, logger);
    app.post('/things', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ size: JSON.stringify(request.body).length }, 'handled');
      return { onward: currentTraceparent() };
    });
    try {
      // Over a real socket: a large body arrives in several chunks, as from a browser.
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${address}/things`, { method: 'POST', headers: { traceparent: INCOMING, 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(200_000) }) });
      const onward = parseTraceparent(((await response.json()) as { onward: string }).onward);
      expect(onward?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(onward?.parentSpanId).not.toBe('00f067aa0ba902b7'); // the api's own span goes onwards
      expect(lines.find((line) => line.msg === 'handled')).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: onward?.parentSpanId });
      expect(lines.find((line) => line.msg === 'request')).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', path: '/things', status: 200 });
    } finally {
      await app.close();
    }
  });
});
