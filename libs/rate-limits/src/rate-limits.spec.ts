import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { pino } from 'pino';
import { AppMetrics } from '@front-counter/metrics';
import type { RateLimitsConfig } from '@front-counter/config';
import { clientKey, RateLimits } from './rate-limits.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = pino({ level: 'silent' });

function config(overrides: Partial<RateLimitsConfig> = {}): RateLimitsConfig {
  const rule = { points: 3, seconds: 60 };
  return { enabled: true, rules: { postsPerClient: rule, postsPerForce: rule, trackingPerClient: rule, graphqlCostPerClient: { points: 100, seconds: 60 } }, ...overrides };
}

function redisAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('clientKey', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('RateLimits in memory', () => {
  it('allows the rule\'s points, then refuses with a wait, counting the refusal by limit and force', async () => {
    const metrics = new AppMetrics('web');
    const limits = await RateLimits.create(config(), { metrics, logger: silent });
    for (let index = 0; index < 3; index++) await expect(limits.consume('postsPerClient', 'a', { force: 'northshire' })).resolves.toEqual({ allowed: true });
    const refused = await limits.consume('postsPerClient', 'a', { force: 'northshire' });
    expect(refused).toMatchObject({ allowed: false, limit: 'postsPerClient' });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(55);
    // Another key, and another limit for the same key, are untouched.
    await expect(limits.consume('postsPerClient', 'b')).resolves.toEqual({ allowed: true });
    await expect(limits.consume('trackingPerClient', 'a')).resolves.toEqual({ allowed: true });
    expect(await metrics.registry.metrics()).toMatch(/front_counter_rate_limited_total\{limit="postsPerClient",force="northshire"[^}]*\} 1/);
    await limits.close();
  });

  it('spends points by cost, and stops at the first refusal of several limits', async () => {
    const limits = await RateLimits.create(config(), { metrics: null, logger: silent });
    await expect(limits.consume('graphqlCostPerClient', 'c', { points: 60 })).resolves.toEqual({ allowed: true });
    await expect(limits.consume('graphqlCostPerClient', 'c', { points: 60 })).resolves.toMatchObject({ allowed: false });
    const first = await limits.consumeAll([{ name: 'graphqlCostPerClient', key: 'c' }, { name: 'trackingPerClient', key: 'c' }]);
    expect(first).toMatchObject({ allowed: false, limit: 'graphqlCostPerClient' });
    // The tracking allowance was not spent by the refused request.
    for (let index = 0; index < 3; index++) await expect(limits.consume('trackingPerClient', 'c')).resolves.toEqual({ allowed: true });
  });

  it('allows everything when turned off', async () => {
    const limits = await RateLimits.create(config({ enabled: false }), { metrics: null, logger: silent });
    for (let index = 0; index < 10; index++) await expect(limits.consume('postsPerClient', 'd')).resolves.toEqual({ allowed: true });
  });
});

describe('RateLimits through Redis', () => {
  let available = false;
  beforeAll(async () => {
    available = await redisAnswers();
    if (!available) console.warn(`Skipping the shared-limit tests: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL)`);
  });

  it('two instances with the same REDIS_URL share one allowance', async () => {
    if (!available) return;
    const key = `spec-${randomBytes(6).toString('hex')}`;
    const [one, two] = await Promise.all([RateLimits.create(config({ redisUrl: REDIS_URL }), { metrics: null, logger: silent }), RateLimits.create(config({ redisUrl: REDIS_URL }), { metrics: null, logger: silent })]);
    try {
      await expect(one.consume('postsPerClient', key)).resolves.toEqual({ allowed: true });
      await expect(two.consume('postsPerClient', key)).resolves.toEqual({ allowed: true });
      await expect(one.consume('postsPerClient', key)).resolves.toEqual({ allowed: true });
      await expect(two.consume('postsPerClient', key)).resolves.toMatchObject({ allowed: false, limit: 'postsPerClient' });
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('with Redis unreachable, each instance limits in its own memory instead of failing', async () => {
    const limits = await RateLimits.create(config({ redisUrl: 'redis://127.0.0.1:1' }), { metrics: null, logger: silent });
    try {
      for (let index = 0; index < 3; index++) await expect(limits.consume('postsPerClient', 'e')).resolves.toEqual({ allowed: true });
      await expect(limits.consume('postsPerClient', 'e')).resolves.toMatchObject({ allowed: false });
    } finally {
      await limits.close();
    }
  });
});
