import { generate } from 'selfsigned';
import { newWebhookSecret } from '@front-counter/webhooks';
import { createDevReceiver, ReceiverState, type ReceivedDelivery, type ReceivedSummary, type RunningDevReceiver } from '../../apps/receiver/src/dev-receiver.js';

// A real HTTPS back office on loopback for tests: the development receiver with a self-signed
// certificate made here (for 127.0.0.1, ::1 and localhost, loopback tests only; nothing is downloaded
// or committed), which a test trusts by passing `ca` to the WebhookClient. It can be told to fail, and
// stopped and started again on the same port with what it had received.

export interface TestCertificate {
  key: string;
  cert: string;
}

let certificate: Promise<TestCertificate> | undefined;

/** One self-signed loopback certificate per test process (an EC key: quick to make). */
export function loopbackCertificate(): Promise<TestCertificate> {
  certificate ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return certificate;
}

export interface TestHttpsReceiver {
  /** `https://127.0.0.1:<port>`; force `<slug>` delivers to `${url}/<slug>`. */
  url: string;
  port: number;
  /** The receiver's certificate (PEM): the `ca` a client must be given to trust it. */
  ca: string;
  /** The secret each force signs with. */
  secrets: Record<string, string>;
  /** As `/received.json`: oldest first, every request answered (see `status`), failures included. */
  received(): ReceivedSummary[];
  /** The same with headers and bodies. */
  deliveries(): ReceivedDelivery[];
  /** Answer the next `count` deliveries (null: every one until `stopFailing`) with `status`, default 503. */
  failWith(status?: number, count?: number | null, retryAfterSeconds?: number): void;
  stopFailing(): void;
  /** Down: the port is closed, connections are refused. */
  stop(): Promise<void>;
  /** Back on the same port, with what it had received and the numbers it had given. */
  start(): Promise<void>;
  /** Stops it for good (it may already be stopped). */
  close(): Promise<void>;
}

export interface TestHttpsReceiverOptions {
  /** The forces it takes deliveries for; each gets a new secret unless `secrets` gives one. */
  forces?: string[];
  secrets?: Record<string, string>;
  toleranceSeconds?: number;
  keep?: number;
  /** Answer each delivery this long after taking it. */
  answerAfterMs?: number;
}

export async function startHttpsReceiver(options: TestHttpsReceiverOptions = {}): Promise<TestHttpsReceiver> {
  const forces = options.forces ?? (options.secrets ? [] : ['northshire', 'eastmarch', 'dyffryn']);
  const secrets: Record<string, string> = { ...Object.fromEntries(forces.map((force) => [force, newWebhookSecret()])), ...options.secrets };
  const tls = await loopbackCertificate();
  const state = new ReceiverState({ keep: options.keep });
  const listen = (port: number) => createDevReceiver({ port, host: '127.0.0.1', secrets, tls, state, toleranceSeconds: options.toleranceSeconds, answerAfterMs: options.answerAfterMs });
  let running: RunningDevReceiver | null = await listen(0);
  const { port, url } = running;
  return {
    url,
    port,
    ca: tls.cert,
    secrets,
    received: () => state.received(),
    deliveries: () => state.deliveries(),
    failWith: (status = 503, count = null, retryAfterSeconds) => state.failWith(status, count, retryAfterSeconds),
    stopFailing: () => state.stopFailing(),
    async stop() {
      await running?.close();
      running = null;
    },
    async start() {
      if (running) return;
      running = await listen(port);
    },
    async close() {
      await running?.close();
      running = null;
    },
  };
}
