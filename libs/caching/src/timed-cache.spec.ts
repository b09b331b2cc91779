import { TimedCache } from './timed-cache.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (milliseconds: number) => void (now += milliseconds) };
}

describe('TimedCache', () => {
  it('keeps a value for its time to live and no longer', () => {
    const clock = manualClock();
    const cache = new TimedCache<string, string>({ ttlMs: 1000, maxEntries: 10, clock: clock.now });
    cache.set('northshire.localhost', 'northshire');
    clock.advance(999);
    expect(cache.get('northshire.localhost')).toBe('northshire');
    clock.advance(1);
    expect(cache.get('northshire.localhost')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a null answer (a Host that is no force) apart from a miss', () => {
    const cache = new TimedCache<string, string | null>({ ttlMs: 1000, maxEntries: 10 });
    cache.set('unknown.example', null);
    expect(cache.get('unknown.example')).toBeNull();
    expect(cache.has('unknown.example')).toBe(true);
    expect(cache.get('other.example')).toBeUndefined();
  });

  it('keeps nothing when the time to live is 0 (TENANT_CACHE_SECONDS=0)', async () => {
    const cache = new TimedCache<string, Promise<number>>({ ttlMs: 0, maxEntries: 10 });
    cache.set('a', Promise.resolve(1));
    expect(cache.get('a')).toBeUndefined();
    let loads = 0;
    const load = async () => ++loads;
    await expect(Promise.all([cache.getOrLoad('a', load), cache.getOrLoad('a', load)])).resolves.toEqual([1, 2]);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new TimedCache<string, number>({ ttlMs: 1000, maxEntries: 3 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // 'b' is now the least recently used
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
  });

  it('when full, drops expired entries rather than live ones behind them', () => {
    const clock = manualClock();
    const cache = new TimedCache<string, number>({ ttlMs: 1000, maxEntries: 3, clock: clock.now });
    cache.set('old', 0);
    cache.set('older', 0);
    clock.advance(600);
    cache.set('a', 1);
    clock.advance(400); // 'old' and 'older' have expired, 'a' has not
    cache.set('b', 2);
    expect(cache.size).toBe(2);
    expect([cache.get('a'), cache.get('b')]).toEqual([1, 2]);
  });

  it('stays bounded whatever keys strangers choose', () => {
    const cache = new TimedCache<string, number>({ ttlMs: 60_000, maxEntries: 100 });
    for (let index = 0; index < 10_000; index++) cache.set(`made-up-${index}.example`, index);
    expect(cache.size).toBe(100);
    expect(cache.get('made-up-9999.example')).toBe(9999);
  });

  it('setting a key again renews it', () => {
    const clock = manualClock();
    const cache = new TimedCache<string, number>({ ttlMs: 1000, maxEntries: 10, clock: clock.now });
    cache.set('a', 1);
    clock.advance(800);
    cache.set('a', 2);
    clock.advance(800);
    expect(cache.get('a')).toBe(2);
  });

  it('keeps an entry for good with an infinite time to live, until the bound retires it', () => {
    const clock = manualClock();
    const cache = new TimedCache<string, number>({ ttlMs: Infinity, maxEntries: 2, clock: clock.now });
    cache.set('a', 1);
    clock.advance(10 * 365 * 24 * 3_600_000);
    expect(cache.get('a')).toBe(1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('forgets on delete and clear', () => {
    const cache = new TimedCache<string, number>({ ttlMs: 1000, maxEntries: 10 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses a cache with no room', () => {
    expect(() => new TimedCache({ ttlMs: 1000, maxEntries: 0 })).toThrow(/maxEntries/);
  });

  describe('getOrLoad', () => {
    it('shares one load among callers arriving while it runs, and keeps its answer for the time to live', async () => {
      const clock = manualClock();
      const cache = new TimedCache<string, Promise<string>>({ ttlMs: 1000, maxEntries: 10, clock: clock.now });
      let loads = 0;
      let finish!: (value: string) => void;
      const load = () => {
        loads++;
        return new Promise<string>((resolve) => (finish = resolve));
      };
      const first = cache.getOrLoad('k', load);
      const second = cache.getOrLoad('k', load);
      finish('answer');
      await expect(Promise.all([first, second])).resolves.toEqual(['answer', 'answer']);
      clock.advance(999);
      await expect(cache.getOrLoad('k', async () => 'again')).resolves.toBe('answer');
      expect(loads).toBe(1);
      clock.advance(1);
      await expect(cache.getOrLoad('k', async () => 'again')).resolves.toBe('again');
    });

    it('forgets a failed load, so the next caller tries again', async () => {
      const cache = new TimedCache<string, Promise<string>>({ ttlMs: 60_000, maxEntries: 10 });
      await expect(cache.getOrLoad('k', async () => Promise.reject(new Error('discovery failed')))).rejects.toThrow('discovery failed');
      await Promise.resolve();
      expect(cache.size).toBe(0);
      await expect(cache.getOrLoad('k', async () => 'found')).resolves.toBe('found');
    });

    it('shares a failure when keepFailure says it is the answer', async () => {
      class Refused extends Error {}
      const cache = new TimedCache<string, Promise<string>>({ ttlMs: 60_000, maxEntries: 10 });
      const keepFailure = (error: unknown) => error instanceof Refused;
      await expect(cache.getOrLoad('k', async () => Promise.reject(new Refused('refused')), { keepFailure })).rejects.toThrow('refused');
      await Promise.resolve();
      await expect(cache.getOrLoad('k', async () => 'tried again', { keepFailure })).rejects.toThrow('refused');
    });

    it('a load that fails after a clear leaves the newer entry alone', async () => {
      const cache = new TimedCache<string, Promise<string>>({ ttlMs: 60_000, maxEntries: 10 });
      let fail!: (error: Error) => void;
      const stale = cache.getOrLoad('k', () => new Promise<string>((_resolve, reject) => (fail = reject)));
      cache.clear();
      const fresh = cache.getOrLoad('k', async () => 'fresh');
      fail(new Error('stale load failed'));
      await expect(stale).rejects.toThrow('stale load failed');
      await expect(cache.getOrLoad('k', async () => 'unused')).resolves.toBe('fresh');
      await expect(fresh).resolves.toBe('fresh');
    });
  });
});
