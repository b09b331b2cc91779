import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks, symmetric scheme (https://www.standardwebhooks.com): the signed content is
// `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 keyed with the bytes of a `whsec_` secret,
// sent as `v1,<base64>`; several space-separated signatures let a secret be rotated without downtime.

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

const SECRET_PREFIX = 'whsec_';
/** The specification's bounds on a symmetric key: at least 24 bytes (192 bits), at most 64 (512 bits). */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A message id goes into the signed content and a header: no `.` (the content's separator), no spaces or controls. */
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;
export const DEFAULT_TOLERANCE_SECONDS = 300;

export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignWebhookInput {
  /** The message id: the same on every attempt at one event (the receiver's idempotency key). */
  id: string;
  /** When this attempt is made, in whole seconds since the epoch; default now. */
  timestamp?: number;
  /** The exact bytes sent as the request body. */
  body: string | Buffer;
  /** A `whsec_` secret; during a rotation, the new and the old one (each gives one signature). */
  secret: string | readonly string[];
}

/** The three Standard Webhooks headers for one delivery attempt. */
export function signWebhook({ id, timestamp = Math.floor(Date.now() / 1000), body, secret }: SignWebhookInput): WebhookHeaders {
  if (!MESSAGE_ID.test(id)) throw new Error(`A webhook id must be 1 to 128 letters, digits, "_" or "-" (got ${JSON.stringify(id)})`);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error(`A webhook timestamp is whole seconds since the epoch (got ${timestamp})`);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new WebhookSecretError('A webhook needs at least one secret to be signed with');
  const signatures = secrets.map((one) => `v1,${hmac(webhookSecretKey(one), id, String(timestamp), body).toString('base64')}`);
  return { [WEBHOOK_ID_HEADER]: id, [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp), [WEBHOOK_SIGNATURE_HEADER]: signatures.join(' ') };
}

export type WebhookVerificationFailure =
  | 'missing-id'
  | 'missing-timestamp'
  | 'missing-signature'
  | 'bad-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'no-matching-signature';

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: WebhookVerificationFailure; message: string };

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, either way (replay protection); default 300 seconds. */
  toleranceSeconds?: number;
  now?: Date;
}

/** Request headers as node:http gives them (lower-case names) or a fetch `Headers`. */
export type IncomingWebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery against the secrets the receiver accepts (several during a rotation). The body
 * must be the raw bytes received: parsing and re-serialising JSON changes them.
 */
export function verifyWebhook(headers: IncomingWebhookHeaders, body: string | Buffer, secrets: readonly string[], options: VerifyWebhookOptions = {}): WebhookVerification {
  const keys = secrets.map(webhookSecretKey);
  if (keys.length === 0) throw new WebhookSecretError('A webhook cannot be verified without at least one secret');
  const id = header(headers, WEBHOOK_ID_HEADER);
  const timestampText = header(headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatureList = header(headers, WEBHOOK_SIGNATURE_HEADER);
  if (!id) return failure('missing-id', `No ${WEBHOOK_ID_HEADER} header`);
  if (!timestampText) return failure('missing-timestamp', `No ${WEBHOOK_TIMESTAMP_HEADER} header`);
  if (!signatureList) return failure('missing-signature', `No ${WEBHOOK_SIGNATURE_HEADER} header`);
  if (!/^\d{1,15}$/.test(timestampText)) return failure('bad-timestamp', `${WEBHOOK_TIMESTAMP_HEADER} is not whole seconds since the epoch`);
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (timestamp < now - tolerance) return failure('timestamp-too-old', `${WEBHOOK_TIMESTAMP_HEADER} is more than ${tolerance} seconds old`);
  if (timestamp > now + tolerance) return failure('timestamp-too-new', `${WEBHOOK_TIMESTAMP_HEADER} is more than ${tolerance} seconds ahead`);

  const expected = keys.map((key) => hmac(key, id, timestampText, body));
  // Every given v1 signature against every secret, without stopping early: the time taken says nothing about which matched.
  let matched = false;
  for (const entry of signatureList.split(' ')) {
    const [version, encoded] = splitOnce(entry, ',');
    if (version !== 'v1' || encoded === undefined) continue; // other schemes (v1a) are not ours to check
    const given = Buffer.from(encoded, 'base64');
    for (const signature of expected) {
      if (given.length === signature.length && timingSafeEqual(given, signature)) matched = true;
    }
  }
  return matched ? { ok: true, id, timestamp } : failure('no-matching-signature', 'No signature matches a known secret');
}

/** A new secret to share with one receiver: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a `whsec_` secret; throws, saying what is wrong, for anything else. */
export function webhookSecretKey(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) throw new WebhookSecretError(`A webhook secret starts with "${SECRET_PREFIX}"`);
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!STRICT_BASE64.test(encoded)) throw new WebhookSecretError(`A webhook secret is "${SECRET_PREFIX}" followed by base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(`A webhook secret holds ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes (this one ${key.length})`);
  }
  return key;
}

function hmac(key: Buffer, id: string, timestamp: string, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

function header(headers: IncomingWebhookHeaders, name: string): string | undefined {
  const value = headers instanceof Headers ? headers.get(name) : headers[name];
  // A header sent twice is ambiguous: treat it as missing rather than pick one.
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function failure(reason: WebhookVerificationFailure, message: string): WebhookVerification {
  return { ok: false, reason, message };
}
