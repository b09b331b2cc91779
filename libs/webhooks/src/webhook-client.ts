import dns, { type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

// One HTTPS POST of a signed delivery, answered with what the delivery job needs to decide what next:
// whether it was delivered, whether trying again later may help, and how long the receiver asked it to
// wait. Nothing is retried here: the job queue owns retries, back-off and dead letters.

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000; // the specification recommends 15 to 30 seconds
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookClientOptions {
  /** Development only: also allow plain http:// to a loopback address (127.0.0.0/8, ::1, localhost). */
  allowInsecureLoopback?: boolean;
  /** How much of a response body is read; the rest is cut off (`bodyTruncated`). Default 64 KiB. */
  maxResponseBytes?: number;
  /** When `post` is given no `timeoutMs`. Default 15 seconds. */
  timeoutMs?: number;
  userAgent?: string;
}

export interface WebhookRequest {
  url: string;
  /** The exact bytes that were signed. */
  body: string | Buffer;
  /** The Standard Webhooks headers and any others; `content-type` defaults to application/json. */
  headers?: Record<string, string>;
  /** For the whole exchange: connecting, TLS, sending and reading the answer. */
  timeoutMs?: number;
  /** An extra CA certificate (PEM) to trust besides the usual ones, e.g. a self-signed development receiver's. */
  ca?: string | Buffer;
}

/**
 * - `refused-url`: not sent: not https (or not loopback http when that is allowed), credentials in the URL, or no URL at all.
 * - `timeout`, `connection`: no complete answer in time, or the connection failed or was cut.
 * - `tls`: the receiver's certificate is not trusted (or it does not speak TLS).
 * - `http-status`: the receiver answered with a status other than 2xx.
 */
export type WebhookErrorCode = 'refused-url' | 'timeout' | 'connection' | 'tls' | 'http-status';

export interface WebhookResult {
  /** Delivered: the receiver answered 2xx. */
  ok: boolean;
  /** The receiver's status, or null when it never answered. */
  status: number | null;
  /** The answer: parsed when it is complete JSON, otherwise its text; null when empty or none. */
  body: unknown;
  /** The answer was longer than `maxResponseBytes` and was cut there (and so not parsed). */
  bodyTruncated: boolean;
  durationMs: number;
  /**
   * Worth trying again on the normal back-off: 408, 429, 5xx, timeouts and connection failures.
   *
   * False when the receiver refused the delivery (3xx, since redirects are not followed, and 4xx other
   * than 408 and 429, 410 Gone included), when its certificate is not trusted, or when the URL was
   * refused: the same request will fail the same way until someone changes something (the receiver's
   * code, its certificate, its secret, our URL). That is advice, not a verdict: a receiver is often fixed
   * within the back-off window, so a job queue may keep trying on its slow schedule before it
   * dead-letters, and should say "refused by the receiver" rather than "unreachable" to the administrator.
   */
  retryable: boolean;
  /** From `Retry-After` (seconds, or an HTTP date turned into seconds from now), when the receiver sent one. */
  retryAfterSeconds?: number;
  error?: { code: WebhookErrorCode; message: string };
}

export class WebhookClient {
  private readonly allowInsecureLoopback: boolean;
  private readonly maxResponseBytes: number;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly contexts = new Map<string, tls.SecureContext>();

  /** A TLS context trusting Node's roots and `ca` (a private CA, as a force's records system may have). */
  private trusting(ca: string | Buffer): tls.SecureContext {
    const key = ca.toString();
    let context = this.contexts.get(key);
    if (!context) this.contexts.set(key, (context = tls.createSecureContext({ ca: [...tls.rootCertificates, key] })));
    return context;
  }

  constructor(options: WebhookClientOptions = {}) {
    this.allowInsecureLoopback = options.allowInsecureLoopback ?? false;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'FrontCounter-Webhooks/1';
    if (!(Number.isInteger(this.maxResponseBytes) && this.maxResponseBytes >= 0)) throw new Error(`maxResponseBytes must be a whole number of bytes (got ${options.maxResponseBytes})`);
    if (!(this.timeoutMs > 0)) throw new Error(`timeoutMs must be positive (got ${options.timeoutMs})`);
  }

  async post(request: WebhookRequest): Promise<WebhookResult> {
    const started = performance.now();
    const target = this.checkUrl(request.url);
    if (typeof target === 'string') return failed(null, false, 'refused-url', target, 0);
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    if (!(timeoutMs > 0)) throw new Error(`timeoutMs must be positive (got ${timeoutMs})`);
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': this.userAgent,
      ...lowerCaseNames(request.headers ?? {}),
      'content-length': String(body.length),
    };

    return new Promise<WebhookResult>((resolve) => {
      let status: number | null = null;
      let settled = false;
      const elapsed = () => Math.round(performance.now() - started);
      const finish = (result: WebhookResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const options: https.RequestOptions & { secureContext?: tls.SecureContext } = {
        method: 'POST',
        headers,
        agent: false, // one connection per delivery: no idle socket to find closed at the next one
        // Node's roots and the one given, built once per CA (building them is most of a request's cost).
        secureContext: request.ca === undefined ? undefined : this.trusting(request.ca),
        lookup: target.protocol === 'http:' ? loopbackOnlyLookup : undefined,
      };
      const outgoing = target.protocol === 'https:' ? https.request(target, options) : http.request(target, options);
      const timer = setTimeout(() => {
        finish(failed(status, true, 'timeout', `No complete answer within ${timeoutMs} ms`, elapsed()));
        outgoing.destroy();
      }, timeoutMs);

      outgoing.on('response', (response: IncomingMessage) => {
        status = response.statusCode ?? null;
        const chunks: Buffer[] = [];
        let size = 0;
        const answered = (truncated: boolean) => finish(answer(response, Buffer.concat(chunks), truncated, elapsed()));
        response.on('data', (chunk: Buffer) => {
          const room = this.maxResponseBytes - size;
          if (chunk.length <= room) {
            chunks.push(chunk);
            size += chunk.length;
            return;
          }
          chunks.push(chunk.subarray(0, room));
          answered(true);
          response.destroy(); // the rest is not wanted: stop reading and drop the connection
        });
        response.on('end', () => answered(false));
        response.on('error', (error) => finish(failed(status, true, 'connection', `The answer was cut off: ${error.message}`, elapsed())));
        response.on('close', () => {
          if (!response.complete) finish(failed(status, true, 'connection', 'The answer was cut off', elapsed()));
        });
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === NOT_LOOPBACK) return finish(failed(null, false, 'refused-url', error.message, elapsed()));
        const untrusted = isTlsError(error);
        finish(failed(status, !untrusted, untrusted ? 'tls' : 'connection', describe(error), elapsed()));
      });
      outgoing.end(body);
    });
  }

  /** The URL to send to, or why not. */
  private checkUrl(text: string): URL | string {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return `Not a URL: ${JSON.stringify(String(text).slice(0, 200))}`;
    }
    if (url.username || url.password) return 'A webhook URL must not carry credentials (the signature authenticates the sender)';
    if (url.protocol === 'https:') return url;
    if (url.protocol !== 'http:') return `Only https:// URLs are allowed (got ${url.protocol})`;
    if (!this.allowInsecureLoopback) return 'Plain http:// is refused: webhooks carry personal data; use https://';
    if (!isLoopbackHost(url.hostname)) return `Plain http:// is allowed only to a loopback address in development (got ${url.hostname})`;
    return url;
  }
}

/** Whether an answer with this status may succeed later without anyone changing anything. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `Retry-After` as seconds from now: a number of seconds, or an HTTP date (a past one is 0). */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

function answer(response: IncomingMessage, raw: Buffer, truncated: boolean, durationMs: number): WebhookResult {
  const status = response.statusCode ?? 0;
  const retryAfter = header(response, 'retry-after');
  const result: WebhookResult = {
    ok: status >= 200 && status < 300,
    status,
    body: parseBody(raw, header(response, 'content-type'), truncated),
    bodyTruncated: truncated,
    durationMs,
    retryable: false,
  };
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  if (retryAfterSeconds !== undefined) result.retryAfterSeconds = retryAfterSeconds;
  if (result.ok) return result;
  result.retryable = isRetryableStatus(status);
  const location = status >= 300 && status < 400 ? header(response, 'location') : undefined;
  result.error = { code: 'http-status', message: location ? `HTTP ${status}: a redirect to ${location}, not followed (change the URL)` : `HTTP ${status}` };
  return result;
}

function parseBody(raw: Buffer, contentType: string | undefined, truncated: boolean): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (truncated || !/[/+]json\b/i.test(contentType ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function failed(status: number | null, retryable: boolean, code: WebhookErrorCode, message: string, durationMs: number): WebhookResult {
  return { ok: false, status, body: null, bodyTruncated: false, durationMs, retryable, error: { code, message } };
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

// OpenSSL's certificate verification codes and Node's TLS and SSL errors: a configuration problem on one side, not a passing one.
const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY|DECRYPT)|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE)/;

function isTlsError(error: NodeJS.ErrnoException): boolean {
  return TLS_ERROR.test(error.code ?? '') || (error.code === 'EPROTO' && /SSL|TLS/i.test(error.message));
}

function describe(error: NodeJS.ErrnoException): string {
  return error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || isLoopbackAddress(hostname.replace(/^\[(.*)\]$/, '$1'));
}

function isLoopbackAddress(address: string): boolean {
  if (net.isIPv4(address)) return address.startsWith('127.');
  return net.isIPv6(address) && (address === '::1' || /^::ffff:127\./i.test(address));
}

const NOT_LOOPBACK = 'ERR_WEBHOOK_NOT_LOOPBACK';

/** For plain http: a name (`localhost`) must resolve to loopback addresses only, whatever /etc/hosts says. */
function loopbackOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const outside = addresses.find((entry) => !isLoopbackAddress(entry.address));
    if (outside || addresses.length === 0) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${outside?.address ?? 'nothing'}, not a loopback address: plain http:// is refused`);
      refused.code = NOT_LOOPBACK;
      return callback(refused, []);
    }
    if ((options as LookupAllOptions).all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
