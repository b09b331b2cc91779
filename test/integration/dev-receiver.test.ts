import https from 'node:https';
import { envelopeBody, newMessageId, newWebhookSecret, signWebhook, WebhookClient, type WebhookEventType } from '@front-counter/webhooks';
import { createDevReceiver, developmentWebhookSecret, ReceiverState } from '../../apps/receiver/src/dev-receiver.js';
import { startHttpsReceiver, type TestHttpsReceiver } from '../support/https-receiver.js';

// The development back office over real HTTPS on loopback: it checks each force's signature, answers
// a submitted report with a crime number, lists what it received, and can fail, go down and come back.

const client = new WebhookClient();
const YEAR = new Date().getUTCFullYear();

interface Delivery {
  force?: string;
  type?: WebhookEventType;
  reference?: string;
  id?: string;
  secret?: string;
}

async function deliver(receiver: TestHttpsReceiver, { force = 'northshire', type = 'report.submitted', reference = '7KQ2MX9P4', id = newMessageId(), secret }: Delivery = {}) {
  const body = envelopeBody(type, new Date(), { reference, service: 'report-a-crime' });
  const headers = signWebhook({ id, body, secret: secret ?? receiver.secrets[force] ?? newWebhookSecret() });
  return client.post({ url: `${receiver.url}/${force}`, body, headers: { ...headers }, ca: receiver.ca });
}

function get(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      })
      .on('error', reject);
  });
}

describe('the development receiver', () => {
  let receiver: TestHttpsReceiver;
  beforeEach(async () => {
    receiver = await startHttpsReceiver();
  });
  afterEach(() => receiver.close());

  it('answers a signed report.submitted with a crime number and lists it as valid', async () => {
    const id = newMessageId();
    const result = await deliver(receiver, { id, reference: '7KQ2MX9P4' });
    expect(result).toMatchObject({ ok: true, status: 200, body: { reference: `NO/${YEAR}/000001` } });
    expect(receiver.received()).toEqual([
      { id, type: 'report.submitted', force: 'northshire', reference: '7KQ2MX9P4', signatureValid: true, status: 200, crimeNumber: `NO/${YEAR}/000001`, duplicate: false, receivedAt: expect.any(String) },
    ]);
    const [delivery] = receiver.deliveries();
    expect(delivery.headers['webhook-id']).toBe(id);
    expect(delivery.body).toMatchObject({ type: 'report.submitted', data: { reference: '7KQ2MX9P4' } });
  });

  it('numbers each force’s reports in turn, gives a repeated webhook-id the same number, and answers other events with {}', async () => {
    const first = newMessageId();
    await expect(deliver(receiver, { id: first })).resolves.toMatchObject({ body: { reference: `NO/${YEAR}/000001` } });
    await expect(deliver(receiver, { reference: 'AAA222BBB' })).resolves.toMatchObject({ body: { reference: `NO/${YEAR}/000002` } });
    await expect(deliver(receiver, { force: 'eastmarch' })).resolves.toMatchObject({ body: { reference: `EA/${YEAR}/000001` } });
    await expect(deliver(receiver, { id: first })).resolves.toMatchObject({ status: 200, body: { reference: `NO/${YEAR}/000001` } });
    await expect(deliver(receiver, { type: 'triage.decided' })).resolves.toMatchObject({ ok: true, status: 200, body: {} });
    expect(receiver.received().map(({ force, type, crimeNumber, duplicate }) => [force, type, crimeNumber, duplicate])).toEqual([
      ['northshire', 'report.submitted', `NO/${YEAR}/000001`, false],
      ['northshire', 'report.submitted', `NO/${YEAR}/000002`, false],
      ['eastmarch', 'report.submitted', `EA/${YEAR}/000001`, false],
      ['northshire', 'report.submitted', `NO/${YEAR}/000001`, true],
      ['northshire', 'triage.decided', null, false],
    ]);
  });

  it('answers 401 to a signature made with another secret, and lists it as invalid', async () => {
    const result = await deliver(receiver, { secret: newWebhookSecret(), reference: 'BAD000SIG' });
    expect(result).toMatchObject({ ok: false, status: 401, retryable: false, body: { error: 'no-matching-signature' } });
    expect(receiver.received()).toEqual([expect.objectContaining({ force: 'northshire', reference: 'BAD000SIG', signatureValid: false, status: 401, crimeNumber: null })]);
    expect(receiver.deliveries()[0].verificationFailure).toBe('no-matching-signature');
  });

  it('answers 401 to a delivery whose body was changed after signing', async () => {
    const body = envelopeBody('report.submitted', new Date(), { reference: '7KQ2MX9P4' });
    const headers = signWebhook({ id: newMessageId(), body, secret: receiver.secrets.northshire });
    const result = await client.post({ url: `${receiver.url}/northshire`, body: body.replace('7KQ', '8KQ'), headers: { ...headers }, ca: receiver.ca });
    expect(result).toMatchObject({ status: 401 });
    expect(receiver.received()[0]).toMatchObject({ reference: '8KQ2MX9P4', signatureValid: false });
  });

  it('answers 401 to a replay older than the tolerance', async () => {
    const body = envelopeBody('report.submitted', new Date(), { reference: '7KQ2MX9P4' });
    const headers = signWebhook({ id: newMessageId(), body, secret: receiver.secrets.northshire, timestamp: Math.floor(Date.now() / 1000) - 301 });
    const result = await client.post({ url: `${receiver.url}/northshire`, body, headers: { ...headers }, ca: receiver.ca });
    expect(result).toMatchObject({ status: 401, body: { error: 'timestamp-too-old' } });
  });

  it('answers 404 to a force it has no secret for, 400 to a body that is no envelope, and lists both', async () => {
    await expect(deliver(receiver, { force: 'southmoor', secret: newWebhookSecret() })).resolves.toMatchObject({ status: 404, body: { error: 'unknown_force' } });
    const body = 'not json';
    const headers = signWebhook({ id: newMessageId(), body, secret: receiver.secrets.northshire });
    await expect(client.post({ url: `${receiver.url}/northshire`, body, headers: { ...headers }, ca: receiver.ca })).resolves.toMatchObject({ status: 400, body: { error: 'bad_envelope' } });
    expect(receiver.received().map(({ force, status, signatureValid }) => [force, status, signatureValid])).toEqual([
      ['southmoor', 404, false],
      ['northshire', 400, true],
    ]);
  });

  it('serves /received.json in the agreed shape, oldest first, and each delivery whole', async () => {
    const ids = [newMessageId(), newMessageId()];
    await deliver(receiver, { id: ids[0], reference: 'AAA111AAA' });
    await deliver(receiver, { id: ids[1], force: 'dyffryn', type: 'report.updated', reference: 'BBB222BBB' });
    const response = await get(`${receiver.url}/received.json`, receiver.ca);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const list = JSON.parse(response.text) as Record<string, unknown>[];
    expect(list.map(({ id, type, force, reference, signatureValid }) => ({ id, type, force, reference, signatureValid }))).toEqual([
      { id: ids[0], type: 'report.submitted', force: 'northshire', reference: 'AAA111AAA', signatureValid: true },
      { id: ids[1], type: 'report.updated', force: 'dyffryn', reference: 'BBB222BBB', signatureValid: true },
    ]);
    const whole = JSON.parse((await get(`${receiver.url}/received/2.json`, receiver.ca)).text);
    expect(whole).toMatchObject({ seq: 2, id: ids[1], headers: { 'webhook-id': ids[1] }, body: { type: 'report.updated', data: { reference: 'BBB222BBB' } } });
    expect((await get(`${receiver.url}/received/99.json`, receiver.ca)).status).toBe(404);
  });

  it('shows a readable page, newest first, that escapes what it was sent', async () => {
    await deliver(receiver, { reference: 'FIRST0001' });
    await deliver(receiver, { reference: '<script>alert("x")</script>&<img src=x onerror=alert(1)>' });
    const page = await get(`${receiver.url}/`, receiver.ca);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain('<script');
    expect(page.text).not.toContain('<img');
    expect(page.text).toContain(`NO/${YEAR}/000002`);
    expect(page.text.indexOf('&lt;script&gt;')).toBeLessThan(page.text.indexOf('FIRST0001')); // newest first
  });

  it('says when nothing has arrived yet', async () => {
    const page = await get(`${receiver.url}/`, receiver.ca);
    expect(page.text).toContain('Nothing received yet');
  });

  it('fails the next deliveries when told to, with Retry-After, then takes them again', async () => {
    receiver.failWith(503, 2, 30);
    await expect(deliver(receiver)).resolves.toMatchObject({ ok: false, status: 503, retryable: true, retryAfterSeconds: 30 });
    await expect(deliver(receiver)).resolves.toMatchObject({ status: 503 });
    await expect(deliver(receiver)).resolves.toMatchObject({ ok: true, body: { reference: `NO/${YEAR}/000001` } });
    expect(receiver.received().map((entry) => entry.status)).toEqual([503, 503, 200]);
  });

  it('fails every delivery until told to stop', async () => {
    receiver.failWith();
    for (let attempt = 0; attempt < 3; attempt += 1) await expect(deliver(receiver)).resolves.toMatchObject({ status: 503 });
    receiver.stopFailing();
    await expect(deliver(receiver)).resolves.toMatchObject({ status: 200 });
  });

  it('goes down and comes back on the same port with what it had', async () => {
    const id = newMessageId();
    await expect(deliver(receiver, { id })).resolves.toMatchObject({ ok: true });
    await receiver.stop();
    await expect(deliver(receiver)).resolves.toMatchObject({ ok: false, status: null, retryable: true, error: { code: 'connection' } });
    await receiver.start();
    await expect(deliver(receiver, { id })).resolves.toMatchObject({ ok: true, body: { reference: `NO/${YEAR}/000001` } });
    await expect(deliver(receiver)).resolves.toMatchObject({ ok: true, body: { reference: `NO/${YEAR}/000002` } });
    expect(receiver.received().map((entry) => entry.duplicate)).toEqual([false, true, false]);
  });
});

describe('createDevReceiver', () => {
  it('runs over plain HTTP on loopback, accepts either secret during a rotation and keeps the last N', async () => {
    const [old, next] = [newWebhookSecret(), newWebhookSecret()];
    const receiver = await createDevReceiver({ port: 0, secrets: { northshire: [old, next] }, state: new ReceiverState({ keep: 2 }) });
    try {
      expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}`);
      const local = new WebhookClient({ allowInsecureLoopback: true });
      for (const [secret, reference] of [[old, 'OLD000001'], [next, 'NEW000001'], [next, 'NEW000002']]) {
        const body = envelopeBody('report.submitted', new Date(), { reference });
        await expect(local.post({ url: `${receiver.url}/northshire`, body, headers: { ...signWebhook({ id: newMessageId(), body, secret }) } })).resolves.toMatchObject({ ok: true });
      }
      expect(receiver.received().map((entry) => entry.reference)).toEqual(['NEW000001', 'NEW000002']);
      expect(receiver.deliveries().map((entry) => entry.seq)).toEqual([2, 3]);
    } finally {
      await receiver.close();
    }
  });

  it('refuses a secret that is not a whsec_ secret, naming the force', async () => {
    await expect(createDevReceiver({ port: 0, secrets: { northshire: 'letmein' } })).rejects.toThrow(/secret for northshire is not usable: .*whsec_/);
    await expect(createDevReceiver({ port: 0, secrets: { 'North Shire': newWebhookSecret() } })).rejects.toThrow(/slugs/);
  });

  it('works out the same development secret from the same seed, a different one per force', () => {
    const seed = 'a-development-seed-of-some-length';
    expect(developmentWebhookSecret(seed, 'northshire')).toBe(developmentWebhookSecret(seed, 'northshire'));
    expect(developmentWebhookSecret(seed, 'northshire')).not.toBe(developmentWebhookSecret(seed, 'eastmarch'));
    expect(developmentWebhookSecret(seed, 'northshire')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(() => developmentWebhookSecret('short', 'northshire')).toThrow(/16 characters/);
  });
});
