import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook, verifyWebhook, webhookSecretKey, WebhookSecretError } from './webhook-signature.js';

// The specification's published vector (the reference libraries' "sign function works" test).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT_VECTOR_TIME = new Date(VECTOR.timestamp * 1000);

function signedVector(overrides: Partial<typeof VECTOR> = {}) {
  const input = { ...VECTOR, ...overrides };
  return { headers: signWebhook(input) as unknown as Record<string, string>, body: input.body };
}

describe('signWebhook', () => {
  it('gives the specification’s test vector', () => {
    expect(signWebhook(VECTOR)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('signs the same bytes given as a Buffer', () => {
    expect(signWebhook({ ...VECTOR, body: Buffer.from(VECTOR.body) })['webhook-signature']).toBe(VECTOR.signature);
  });

  it('signs with each secret during a rotation, space-separated', () => {
    const other = newWebhookSecret();
    const signature = signWebhook({ ...VECTOR, secret: [VECTOR.secret, other] })['webhook-signature'];
    const [first, second] = signature.split(' ');
    expect(first).toBe(VECTOR.signature);
    expect(second).toBe(`v1,${createHmac('sha256', webhookSecretKey(other)).update(`${VECTOR.id}.${VECTOR.timestamp}.${VECTOR.body}`).digest('base64')}`);
  });

  it('uses the current time in whole seconds when no timestamp is given', () => {
    const before = Math.floor(Date.now() / 1000);
    const timestamp = Number(signWebhook({ id: 'msg_1', body: '{}', secret: VECTOR.secret })['webhook-timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('refuses an id that could break the signed content or the header, and a timestamp in milliseconds’ clothing', () => {
    expect(() => signWebhook({ ...VECTOR, id: 'msg_1.2' })).toThrow(/webhook id/);
    expect(() => signWebhook({ ...VECTOR, id: 'msg 1' })).toThrow(/webhook id/);
    expect(() => signWebhook({ ...VECTOR, id: '' })).toThrow(/webhook id/);
    expect(() => signWebhook({ ...VECTOR, timestamp: 1614265330.5 })).toThrow(/whole seconds/);
    expect(() => signWebhook({ ...VECTOR, secret: [] })).toThrow(WebhookSecretError);
  });
});

describe('verifyWebhook', () => {
  it('accepts the test vector and says which message it was', () => {
    const { headers, body } = signedVector();
    expect(verifyWebhook(headers, body, [VECTOR.secret], { now: AT_VECTOR_TIME })).toEqual({ ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp });
  });

  it('reads a fetch Headers object as well as node:http’s', () => {
    const { headers, body } = signedVector();
    expect(verifyWebhook(new Headers(headers), body, [VECTOR.secret], { now: AT_VECTOR_TIME }).ok).toBe(true);
  });

  it('refuses a body changed by one character, or re-serialised', () => {
    const { headers } = signedVector();
    expect(verifyWebhook(headers, '{"test": 2432232315}', [VECTOR.secret], { now: AT_VECTOR_TIME })).toMatchObject({ ok: false, reason: 'no-matching-signature' });
    expect(verifyWebhook(headers, JSON.stringify(JSON.parse(VECTOR.body)), [VECTOR.secret], { now: AT_VECTOR_TIME })).toMatchObject({ ok: false, reason: 'no-matching-signature' });
  });

  it('refuses a changed id or timestamp: both are signed', () => {
    const { headers, body } = signedVector();
    expect(verifyWebhook({ ...headers, 'webhook-id': 'msg_other' }, body, [VECTOR.secret], { now: AT_VECTOR_TIME })).toMatchObject({ ok: false, reason: 'no-matching-signature' });
    expect(verifyWebhook({ ...headers, 'webhook-timestamp': String(VECTOR.timestamp + 1) }, body, [VECTOR.secret], { now: AT_VECTOR_TIME })).toMatchObject({ ok: false, reason: 'no-matching-signature' });
  });

  it('refuses a signature made with another secret', () => {
    const { headers, body } = signedVector({ secret: newWebhookSecret() });
    expect(verifyWebhook(headers, body, [VECTOR.secret], { now: AT_VECTOR_TIME })).toEqual({ ok: false, reason: 'no-matching-signature', message: 'No signature matches a known secret' });
  });

  it('accepts during a rotation: any one of several signatures against any one of several secrets', () => {
    const old = newWebhookSecret();
    const next = newWebhookSecret();
    // The sender signs with both while the receiver still knows only the old secret, then the other way round.
    const both = signedVector({ secret: [next, old] as unknown as string });
    expect(verifyWebhook(both.headers, both.body, [old], { now: AT_VECTOR_TIME }).ok).toBe(true);
    const onlyNew = signedVector({ secret: next });
    expect(verifyWebhook(onlyNew.headers, onlyNew.body, [old, next], { now: AT_VECTOR_TIME }).ok).toBe(true);
    expect(verifyWebhook(onlyNew.headers, onlyNew.body, [old], { now: AT_VECTOR_TIME }).ok).toBe(false);
  });

  it('skips signatures of other schemes, malformed entries and stray spaces', () => {
    const { headers, body } = signedVector();
    const mixed = `v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==  v2,${VECTOR.signature.slice(3)} nonsense v1, ${headers['webhook-signature']}`;
    expect(verifyWebhook({ ...headers, 'webhook-signature': mixed }, body, [VECTOR.secret], { now: AT_VECTOR_TIME }).ok).toBe(true);
    // The right bytes under another version label are not a v1 signature.
    expect(verifyWebhook({ ...headers, 'webhook-signature': `v2,${VECTOR.signature.slice(3)}` }, body, [VECTOR.secret], { now: AT_VECTOR_TIME }).ok).toBe(false);
    // A signature cut short never matches.
    expect(verifyWebhook({ ...headers, 'webhook-signature': VECTOR.signature.slice(0, 20) }, body, [VECTOR.secret], { now: AT_VECTOR_TIME }).ok).toBe(false);
  });

  it('names the missing header', () => {
    const { headers, body } = signedVector();
    const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
    const check = (given: Record<string, string>) => verifyWebhook(given, body, [VECTOR.secret], { now: AT_VECTOR_TIME });
    expect(check(without('webhook-id'))).toMatchObject({ ok: false, reason: 'missing-id' });
    expect(check(without('webhook-timestamp'))).toMatchObject({ ok: false, reason: 'missing-timestamp' });
    expect(check(without('webhook-signature'))).toMatchObject({ ok: false, reason: 'missing-signature' });
    expect(check({ ...headers, 'webhook-signature': '' })).toMatchObject({ ok: false, reason: 'missing-signature' });
  });

  it('refuses a timestamp that is not whole seconds', () => {
    const { headers, body } = signedVector();
    for (const timestamp of ['hello', '1614265330.0', '-1614265330', '1614265330000000000', ' 1614265330']) {
      expect(verifyWebhook({ ...headers, 'webhook-timestamp': timestamp }, body, [VECTOR.secret], { now: AT_VECTOR_TIME })).toMatchObject({ ok: false, reason: 'bad-timestamp' });
    }
  });

  it('accepts a timestamp within the tolerance either way and refuses one past it (replays)', () => {
    const { headers, body } = signedVector();
    const at = (secondsLater: number, toleranceSeconds?: number) =>
      verifyWebhook(headers, body, [VECTOR.secret], { now: new Date((VECTOR.timestamp + secondsLater) * 1000), toleranceSeconds });
    expect(at(300).ok).toBe(true);
    expect(at(-300).ok).toBe(true);
    expect(at(301)).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(at(-301)).toMatchObject({ ok: false, reason: 'timestamp-too-new' });
    expect(at(60, 30)).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    expect(at(30, 30).ok).toBe(true);
  });

  it('checks the timestamp with the current time by default', () => {
    const { headers, body } = signedVector();
    expect(verifyWebhook(headers, body, [VECTOR.secret])).toMatchObject({ ok: false, reason: 'timestamp-too-old' });
    const fresh = signedVector({ timestamp: Math.floor(Date.now() / 1000) });
    expect(verifyWebhook(fresh.headers, fresh.body, [VECTOR.secret]).ok).toBe(true);
  });

  it('will not run without a usable secret', () => {
    const { headers, body } = signedVector();
    expect(() => verifyWebhook(headers, body, [])).toThrow(WebhookSecretError);
    expect(() => verifyWebhook(headers, body, ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'])).toThrow(/starts with "whsec_"/);
  });
});

describe('webhook secrets', () => {
  it('makes a new whsec_ secret of 32 random bytes each time', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretKey(secret)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('takes the bytes after whsec_ as the key, and says what is wrong with a bad secret', () => {
    expect(webhookSecretKey(VECTOR.secret)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    expect(() => webhookSecretKey('whsec_not base64!')).toThrow(/followed by base64/);
    expect(() => webhookSecretKey(`whsec_${Buffer.alloc(23).toString('base64')}`)).toThrow(/24 to 64 bytes \(this one 23\)/);
    expect(() => webhookSecretKey(`whsec_${Buffer.alloc(65).toString('base64')}`)).toThrow(/24 to 64 bytes \(this one 65\)/);
  });
});
