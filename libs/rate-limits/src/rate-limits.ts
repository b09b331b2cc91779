import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitsConfig, RateLimitRule } from '@front-counter/config';
import type { Logger } from '@front-counter/logging';
import type { AppMetrics } from '@front-counter/metrics';

/** The limits the product applies; each is a rule in configuration (`RATE_LIMIT_<NAME>`). */
export type LimitName = keyof RateLimitsConfig['rules'];

/** The force a request was for (its slug), for the refusals metric; unknown stays 'unknown'. */
type Force = string | undefined | (() => Promise<string | undefined>);

export type LimitOutcome = { allowed: true } | { allowed: false; limit: LimitName; retryAfterSeconds: number };

/**
 * The platform's rate limits (rate-limiter-flexible): points spent per key in a fixed window, in
 * Redis when REDIS_URL is set (shared by every instance), else in this process's memory. Should
 * Redis fail, each instance falls back to its own memory rather than refusing or letting everything
 * through. Refusals are counted by limit and force (`front_counter_rate_limited_total`).
 */
export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();
  private readonly refusals;

  private constructor(
    readonly config: RateLimitsConfig,
    private readonly redis: Redis | null,
    metrics: AppMetrics | null,
  ) {
    this.refusals = metrics?.counter('front_counter_rate_limited_total', 'Requests refused by a rate limit, by limit and force.', ['limit', 'force'] as const);
    for (const [name, rule] of Object.entries(config.rules) as [LimitName, RateLimitRule][]) {
      const keyPrefix = `front-counter:limit:${name}`;
      const memory = new RateLimiterMemory({ keyPrefix, points: rule.points, duration: rule.seconds });
      this.limiters.set(
        name,
        redis ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points: rule.points, duration: rule.seconds, insuranceLimiter: memory, rejectIfRedisNotReady: true }) : memory,
      );
    }
  }

  /** With Redis, waits (two seconds at most) for it to answer, so the first requests share the count too. */
  static async create(config: RateLimitsConfig, options: { metrics: AppMetrics | null; logger: Logger }): Promise<RateLimits> {
    let redis: Redis | null = null;
    if (config.enabled && config.redisUrl) {
      // Fail fast to the in-memory fallback while Redis is away, rather than queueing requests behind it.
      // Loaded only when used: without REDIS_URL the client is never in memory.
      const { Redis } = await import('ioredis');
      redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
      let reported = false;
      redis.on('error', (error: Error) => {
        if (reported) return;
        reported = true;
        options.logger.warn({ err: { message: error.message } }, 'rate limits: Redis unavailable, each instance limits on its own until it returns');
      });
      redis.on('ready', () => (reported = false));
      const connection = redis;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        connection.once('ready', () => (clearTimeout(timer), resolve()));
        connection.once('end', () => (clearTimeout(timer), resolve()));
      });
    }
    return new RateLimits(config, redis, options.metrics);
  }

  /**
   * Spends `points` (default one) of `name`'s allowance for `key`. A refusal says when to try again,
   * and is counted against `force` (the force the request was for; a function is asked only then).
   */
  async consume(name: LimitName, key: string, options: { points?: number; force?: Force } = {}): Promise<LimitOutcome> {
    if (!this.config.enabled) return { allowed: true };
    const limiter = this.limiters.get(name)!;
    const points = Math.max(1, Math.ceil(options.points ?? 1));
    try {
      await limiter.consume(key, points);
      return { allowed: true };
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      const force = typeof options.force === 'function' ? await options.force().catch(() => undefined) : options.force;
      this.refusals?.inc({ limit: name, force: force ?? 'unknown' });
      return { allowed: false, limit: name, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    }
  }

  /** Spends from each in turn and answers the first refusal (so one exhausted limit does not spend the others). */
  async consumeAll(checks: { name: LimitName; key: string; points?: number }[], force?: Force): Promise<LimitOutcome> {
    for (const check of checks) {
      const outcome = await this.consume(check.name, check.key, { points: check.points, force });
      if (!outcome.allowed) return outcome;
    }
    return { allowed: true };
  }

  async close(): Promise<void> {
    const redis = this.redis;
    if (redis && redis.status !== 'end') await redis.quit().catch(() => redis.disconnect());
  }
}

/**
 * A client's key from its address: IPv6 clients by their /64 (one household or phone gets a whole
 * /64, so single addresses would let one client be many), IPv4 (and IPv4-mapped IPv6) by address.
 */
export function clientKey(address: string | undefined): string {
  const ip = (address ?? 'unknown').trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
