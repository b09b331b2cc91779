import { createHmac } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { envelopeReference, verifyWebhook, webhookSecretKey, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '@front-counter/webhooks';
import { PAGE_SECURITY_HEADERS, receivedPage } from './received-page.js';
import { ReceiverState, type FailureMode, type ReceivedDelivery, type ReceivedSummary } from './receiver-state.js';

// The development back office: stands in for forces' records systems. Each force delivers to
// `POST /<slug>`; the receiver checks the Standard Webhooks signature with that force's development
// secret, answers a `report.submitted` with a crime number, and shows what it received at `/` and
// `/received.json`. Everything a caller needs is exported from here.
export { ReceiverState, DEFAULT_KEEP, type FailureMode, type ReceivedDelivery, type ReceivedSummary } from './receiver-state.js';

export interface DevReceiverOptions {
  /** 0: any free port (the real one is in `url` and `port`). */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Each force's development secret, by slug (two during a rotation): deliveries to `POST /<slug>` are checked with them. */
  secrets: Record<string, string | readonly string[]>;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Where deliveries, numbers and simulated failures are kept: pass the same one to start again with them. */
  state?: ReceiverState;
  /** How far a webhook-timestamp may be from now; default 300 seconds. */
  toleranceSeconds?: number;
  /** Largest body taken; default 1 MiB. */
  maxBodyBytes?: number;
  clock?: () => Date;
  log?: (line: string) => void;
  /** Answer each delivery this long after taking it (a slow records system: a sender may die before it hears the answer). */
  answerAfterMs?: number;
}

export interface RunningDevReceiver {
  /** `http(s)://<host>:<port>`: forces deliver to `${url}/<slug>`. */
  url: string;
  port: number;
  state: ReceiverState;
  /** Every delivery kept, oldest first, with headers and body. */
  deliveries(): ReceivedDelivery[];
  /** What `/received.json` answers. */
  received(): ReceivedSummary[];
  close(): Promise<void>;
}

const FORCE_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const KEPT_HEADERS = [WEBHOOK_ID_HEADER, WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_SIGNATURE_HEADER, 'content-type', 'user-agent'];

class BodyTooLargeError extends Error {}

/** Starts listening (HTTP, or HTTPS with `tls`) and resolves once it does. */
export async function createDevReceiver(options: DevReceiverOptions): Promise<RunningDevReceiver> {
  const secrets = checkSecrets(options.secrets);
  const state = options.state ?? new ReceiverState();
  const handle = requestHandler(secrets, state, options);
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handle) : http.createServer(handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    state,
    deliveries: () => state.deliveries(),
    received: () => state.received(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * A force's development secret, the same wherever it is worked out from the same seed: so `npm start`
 * can give the worker (to sign) and this receiver (to verify) one secret per force without storing any.
 */
export function developmentWebhookSecret(seed: string, force: string): string {
  if (seed.length < 16) throw new Error('The seed of the development webhook secrets must be at least 16 characters');
  return `whsec_${createHmac('sha256', seed).update(`front-counter development webhook secret: ${force}`).digest('base64')}`;
}

function checkSecrets(secrets: DevReceiverOptions['secrets']): Map<string, string[]> {
  const checked = new Map<string, string[]>();
  for (const [force, value] of Object.entries(secrets)) {
    if (!FORCE_SLUG.test(force)) throw new Error(`The development receiver's forces are slugs like "northshire" (got ${JSON.stringify(force)})`);
    const list = typeof value === 'string' ? [value] : [...value];
    if (list.length === 0) throw new Error(`The development receiver has no secret for ${force}`);
    for (const secret of list) {
      try {
        webhookSecretKey(secret);
      } catch (error) {
        throw new Error(`The development receiver's secret for ${force} is not usable: ${(error as Error).message}`);
      }
    }
    checked.set(force, list);
  }
  return checked;
}

function requestHandler(secrets: Map<string, string[]>, state: ReceiverState, options: DevReceiverOptions) {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => {});
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function receive(force: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, maxBodyBytes);
    const now = clock();
    const known = secrets.get(force);
    const verification = known ? verifyWebhook(req.headers, raw, known, { now, toleranceSeconds: options.toleranceSeconds }) : null;
    const body = parseJson(raw);
    const envelope = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const id = typeof req.headers[WEBHOOK_ID_HEADER] === 'string' ? req.headers[WEBHOOK_ID_HEADER] : null;
    const entry: Omit<ReceivedDelivery, 'seq'> = {
      receivedAt: now.toISOString(),
      id,
      type: typeof envelope.type === 'string' ? envelope.type : null,
      force,
      reference: envelopeReference(body),
      signatureValid: verification?.ok ?? false,
      verificationFailure: verification === null ? 'unknown-force' : verification.ok ? null : verification.reason,
      status: 0,
      crimeNumber: null,
      duplicate: false,
      headers: Object.fromEntries(KEPT_HEADERS.flatMap((name) => (typeof req.headers[name] === 'string' ? [[name, req.headers[name]]] : []))),
      body,
    };
    const answer = (status: number, json: object, extraHeaders: Record<string, string> = {}) => {
      const kept = state.record({ ...entry, status });
      log(`${kept.seq} ${force} ${kept.type ?? '(no type)'} ${kept.reference ?? ''} signature ${kept.signatureValid ? 'valid' : `invalid (${kept.verificationFailure})`}: ${status}${kept.crimeNumber ? ` ${kept.crimeNumber}` : ''}${kept.duplicate ? ' (repeat)' : ''}`);
      if (options.answerAfterMs) setTimeout(() => sendJson(res, status, json, extraHeaders), options.answerAfterMs);
      else sendJson(res, status, json, extraHeaders);
    };

    if (!known || !verification) return answer(404, { error: 'unknown_force', message: `This development receiver has no secret for ${force}` });
    const failure = state.takeFailure();
    if (failure) return answer(failure.status, { error: 'simulated_failure' }, failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) });
    if (!verification.ok) return answer(401, { error: verification.reason, message: verification.message });
    if (body === undefined || typeof body !== 'object' || body === null || entry.type === null) {
      return answer(400, { error: 'bad_envelope', message: 'The body must be JSON: { "type", "timestamp", "data" }' });
    }
    const earlier = state.earlier(force, verification.id);
    entry.duplicate = earlier !== undefined;
    // A report new to this force's records (sent, or transferred here) gets a crime number, as an RMS would give one.
    const change = typeof envelope.change === 'object' && envelope.change !== null ? (envelope.change as Record<string, unknown>) : {};
    const arrives = entry.type === 'report.submitted' || (entry.type === 'report.transferred' && change.direction === 'in');
    entry.crimeNumber = earlier ? earlier.crimeNumber : state.accept(force, verification.id, arrives, now);
    return answer(200, entry.crimeNumber ? { reference: entry.crimeNumber } : {});
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/') {
      if (!read) return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...PAGE_SECURITY_HEADERS });
      res.end(receivedPage(state.deliveries(), state.keep));
      return;
    }
    if (path === '/received.json') {
      if (!read) return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
      return sendJson(res, 200, state.received());
    }
    const one = /^\/received\/(\d{1,9})\.json$/.exec(path);
    if (one) {
      const delivery = read ? state.delivery(Number(one[1])) : undefined;
      return delivery ? sendJson(res, 200, delivery) : sendJson(res, read ? 404 : 405, { error: read ? 'not_found' : 'method_not_allowed' });
    }
    const force = path.slice(1);
    if (FORCE_SLUG.test(force)) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed', message: 'Deliveries are POSTed' }, { allow: 'POST' });
      return receive(force, req, res);
    }
    return sendJson(res, 404, { error: 'not_found', message: 'Deliveries go to POST /<force>; what arrived is at / and /received.json' });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'too_large', message: `Bodies over ${maxBodyBytes} bytes are refused` }, { connection: 'close' });
      log(`${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: 'server_error' });
    });
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume(); // drain what is still coming, so the 413 can be read
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > 0 ? text : undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
