import { isRetryableStatus, parseRetryAfter, WebhookClient } from './webhook-client.js';
import { envelopeBody, envelopeReference } from './webhook-envelope.js';

// The client's rules that need no network; test/integration/webhook-client.test.ts sends real requests.

describe('which answers are worth trying again', () => {
  it('is 408, 429 and every 5xx; not a refusal (other 4xx), a redirect or a success', () => {
    expect([408, 429, 500, 502, 503, 504, 599].filter(isRetryableStatus)).toEqual([408, 429, 500, 502, 503, 504, 599]);
    expect([200, 204, 301, 302, 400, 401, 403, 404, 409, 410, 413, 422].filter(isRetryableStatus)).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-02T10:00:00Z');

  it('reads seconds, or an HTTP date as seconds from now (0 once past)', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 02 Nov 2026 10:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Mon, 02 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('URLs the client will not send to', () => {
  const refused = async (client: WebhookClient, url: string) => {
    const result = await client.post({ url, body: '{}' });
    expect(result).toMatchObject({ ok: false, status: null, retryable: false, error: { code: 'refused-url' } });
    return result.error!.message;
  };

  it('refuses plain http, other schemes, credentials in the URL and what is not a URL', async () => {
    const client = new WebhookClient();
    await expect(refused(client, 'http://127.0.0.1:9/hook')).resolves.toMatch(/Plain http:\/\/ is refused/);
    await expect(refused(client, 'ftp://example.test/hook')).resolves.toMatch(/Only https/);
    await expect(refused(client, 'https://user:secret@example.test/hook')).resolves.toMatch(/credentials/);
    await expect(refused(client, 'not a url')).resolves.toMatch(/Not a URL/);
  });

  it('with allowInsecureLoopback, still refuses plain http anywhere but loopback', async () => {
    const client = new WebhookClient({ allowInsecureLoopback: true });
    await expect(refused(client, 'http://10.0.0.1/hook')).resolves.toMatch(/only to a loopback address/);
    await expect(refused(client, 'http://example.test/hook')).resolves.toMatch(/only to a loopback address/);
    await expect(refused(client, 'http://127.0.0.1.example.test/hook')).resolves.toMatch(/only to a loopback address/);
    await expect(refused(client, 'http://[::ffff:a00:1]/hook')).resolves.toMatch(/only to a loopback address/);
  });

  it('refuses settings that make no sense', () => {
    expect(() => new WebhookClient({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new WebhookClient({ maxResponseBytes: -1 })).toThrow(/maxResponseBytes/);
  });
});

describe('the envelope', () => {
  it('is minified { type, timestamp, data } with the event time, and carries the report reference in data', () => {
    const body = envelopeBody('report.submitted', new Date('2026-11-02T10:00:00.123Z'), { reference: '7KQ2MX9P4', persons: [] });
    expect(body).toBe('{"type":"report.submitted","timestamp":"2026-11-02T10:00:00.123Z","data":{"reference":"7KQ2MX9P4","persons":[]}}');
    expect(envelopeReference(JSON.parse(body))).toBe('7KQ2MX9P4');
    expect(envelopeReference({ type: 'x', data: { reference: 12 } })).toBeNull();
    expect(envelopeReference('text')).toBeNull();
  });
});
