import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { newMessageId, newWebhookSecret, signWebhook, verifyWebhook, WebhookClient } from '@front-counter/webhooks';
import { loopbackCertificate } from '../support/https-receiver.js';

// The WebhookClient against real servers on loopback: HTTPS with a self-signed certificate the client
// trusts only when given it, and plain HTTP it refuses unless told loopback is fine.

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

interface TestServer {
  url: string;
  requests: { path: string; headers: IncomingMessage['headers']; body: Buffer }[];
  close(): Promise<void>;
}

async function serve(kind: 'https' | 'http', handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  };
  const server = kind === 'https' ? https.createServer(await loopbackCertificate(), listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${kind}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const secret = newWebhookSecret();
const body = JSON.stringify({ type: 'report.submitted', timestamp: '2026-11-02T10:00:00.000Z', data: { reference: '7KQ2MX9P4' } });
const signed = () => signWebhook({ id: newMessageId(), body, secret }) as unknown as Record<string, string>;

describe('WebhookClient over HTTPS', () => {
  let ca: string;
  const servers: TestServer[] = [];
  const client = new WebhookClient();
  const start = async (handler: Handler, kind: 'https' | 'http' = 'https') => {
    const server = await serve(kind, handler);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    ca = (await loopbackCertificate()).cert;
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('delivers the signed bytes and reads the JSON answer', async () => {
    const server = await start((req, res) => json(res, 200, { reference: 'NO/2026/000001' }));
    const headers = signed();
    const result = await client.post({ url: `${server.url}/northshire`, body, headers, ca });

    expect(result).toMatchObject({ ok: true, status: 200, body: { reference: 'NO/2026/000001' }, bodyTruncated: false, retryable: false });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [received] = server.requests;
    expect(received.path).toBe('/northshire');
    expect(received.body.toString()).toBe(body);
    expect(received.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'webhook-id': headers['webhook-id'] });
    expect(verifyWebhook(received.headers, received.body, [secret]).ok).toBe(true);
  });

  it('keeps a non-JSON answer as text and an empty one as null', async () => {
    const server = await start((req, res) => {
      if (req.url === '/text') {
        res.writeHead(202, { 'content-type': 'text/plain' });
        res.end('Accepted, thanks');
      } else {
        res.writeHead(204).end();
      }
    });
    await expect(client.post({ url: `${server.url}/text`, body, headers: signed(), ca })).resolves.toMatchObject({ ok: true, status: 202, body: 'Accepted, thanks' });
    await expect(client.post({ url: `${server.url}/empty`, body, headers: signed(), ca })).resolves.toMatchObject({ ok: true, status: 204, body: null });
  });

  it('calls 503 retryable and passes on its Retry-After', async () => {
    const server = await start((req, res) => json(res, 503, { error: 'maintenance' }, { 'retry-after': '120' }));
    const result = await client.post({ url: server.url, body, headers: signed(), ca });
    expect(result).toMatchObject({ ok: false, status: 503, retryable: true, retryAfterSeconds: 120, body: { error: 'maintenance' }, error: { code: 'http-status', message: 'HTTP 503' } });
  });

  it('calls 429 and 408 retryable, and 400, 401 and 410 not', async () => {
    const server = await start((req, res) => json(res, Number(req.url!.slice(1)), { error: 'no' }));
    const statusOf = async (status: number) => {
      const result = await client.post({ url: `${server.url}/${status}`, body, headers: signed(), ca });
      return [result.status, result.ok, result.retryable];
    };
    await expect(statusOf(429)).resolves.toEqual([429, false, true]);
    await expect(statusOf(408)).resolves.toEqual([408, false, true]);
    await expect(statusOf(400)).resolves.toEqual([400, false, false]);
    await expect(statusOf(401)).resolves.toEqual([401, false, false]);
    await expect(statusOf(410)).resolves.toEqual([410, false, false]);
  });

  it('does not follow a redirect, and says where it pointed', async () => {
    const server = await start((req, res) => res.writeHead(308, { location: 'https://elsewhere.example/hook' }).end());
    const result = await client.post({ url: server.url, body, headers: signed(), ca });
    expect(result).toMatchObject({ ok: false, status: 308, retryable: false, error: { code: 'http-status' } });
    expect(result.error!.message).toMatch(/redirect to https:\/\/elsewhere\.example\/hook, not followed/);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the timeout when no answer comes, and calls it retryable', async () => {
    const server = await start(() => {}); // never answers
    const result = await client.post({ url: server.url, body, headers: signed(), ca, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status: null, retryable: true, error: { code: 'timeout', message: 'No complete answer within 300 ms' } });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('counts reading the answer in the timeout: headers then a body that never ends', async () => {
    const server = await start((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"reference":');
    });
    const result = await client.post({ url: server.url, body, headers: signed(), ca, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, status: 200, retryable: true, error: { code: 'timeout' } });
  });

  it('reads at most 64 KiB of an answer and cuts the rest off', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const server = await start((req, res) => json(res, 200, { padding: huge }));
    const result = await client.post({ url: server.url, body, headers: signed(), ca });
    expect(result).toMatchObject({ ok: true, status: 200, bodyTruncated: true });
    expect(typeof result.body).toBe('string');
    expect((result.body as string).length).toBe(64 * 1024);
    expect((result.body as string).startsWith('{"padding":"xxx')).toBe(true);

    const small = await new WebhookClient({ maxResponseBytes: 10 }).post({ url: server.url, body, headers: signed(), ca });
    expect(small).toMatchObject({ ok: true, bodyTruncated: true, body: '{"padding"' });
  });

  it('calls an answer cut off by the receiver a retryable connection failure', async () => {
    const server = await start((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"reference":"NO/');
      setTimeout(() => res.destroy(), 20);
    });
    const result = await client.post({ url: server.url, body, headers: signed(), ca });
    expect(result).toMatchObject({ ok: false, status: 200, retryable: true, error: { code: 'connection' } });
  });

  it('calls a refused connection retryable', async () => {
    const server = await start((req, res) => json(res, 200, {}));
    await server.close();
    const result = await client.post({ url: server.url, body, headers: signed(), ca });
    expect(result).toMatchObject({ ok: false, status: null, retryable: true, error: { code: 'connection' } });
    expect(result.error!.message).toMatch(/ECONNREFUSED/);
  });

  it('trusts a self-signed receiver only when given its certificate', async () => {
    const server = await start((req, res) => json(res, 200, {}));
    const untrusted = await client.post({ url: server.url, body, headers: signed() });
    expect(untrusted).toMatchObject({ ok: false, status: null, retryable: false, error: { code: 'tls' } });
    expect(untrusted.error!.message).toMatch(/self-signed|SELF_SIGNED/i);

    const another = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' });
    const wrongCa = await client.post({ url: server.url, body, headers: signed(), ca: another.cert });
    expect(wrongCa).toMatchObject({ ok: false, retryable: false, error: { code: 'tls' } });

    await expect(client.post({ url: server.url, body, headers: signed(), ca })).resolves.toMatchObject({ ok: true, status: 200 });
    expect(server.requests).toHaveLength(1); // the untrusted attempts sent nothing
  });

  it('checks the certificate is for the host it connects to, even with the CA given', async () => {
    const elsewhere = await generate([{ name: 'commonName', value: 'receiver.example.test' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'receiver.example.test' }] }],
    });
    const server = https.createServer({ key: elsewhere.private, cert: elsewhere.cert }, (req, res) => json(res, 200, {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await client.post({ url, body, headers: signed(), ca: elsewhere.cert });
      expect(result).toMatchObject({ ok: false, retryable: false, error: { code: 'tls' } });
      expect(result.error!.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('WebhookClient and plain HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve('http', (req, res) => json(res, 200, { reference: 'NO/2026/000009' }));
  });
  afterAll(() => server.close());

  it('refuses plain http, sending nothing', async () => {
    const result = await new WebhookClient().post({ url: server.url, body, headers: signed() });
    expect(result).toMatchObject({ ok: false, status: null, retryable: false, error: { code: 'refused-url' } });
    expect(server.requests).toHaveLength(0);
  });

  it('sends plain http to loopback when development allows it', async () => {
    const client = new WebhookClient({ allowInsecureLoopback: true });
    await expect(client.post({ url: server.url, body, headers: signed() })).resolves.toMatchObject({ ok: true, body: { reference: 'NO/2026/000009' } });
    await expect(client.post({ url: server.url.replace('127.0.0.1', 'localhost'), body, headers: signed() })).resolves.toMatchObject({ ok: true });
    expect(server.requests).toHaveLength(2);
  });
});
