export interface TimedCacheOptions {
  /** How long an entry is kept, in milliseconds. 0 (or less) keeps nothing: every read misses and every load runs. */
  ttlMs: number;
  /** At most this many entries: when full, the least recently used goes. */
  maxEntries: number;
  /** Milliseconds since the epoch; tests pass their own. */
  clock?: () => number;
}

interface Entry<V> {
  value: V;
  expires: number;
}

/**
 * A map whose entries expire: a fixed time to live and a bounded size, so keys chosen by strangers
 * (an unknown Host, a made-up issuer) cannot grow it without limit.
 *
 * `getOrLoad` keeps a load's promise as the entry, so callers arriving while it runs share it (a refresh
 * token spent twice is theft to the provider; a scrape's gauges want one read). A failed load is
 * forgotten at once, unless `keepFailure` says the failure is itself the answer to share.
 */
export class TimedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(options: TimedCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new Error(`A TimedCache needs room for at least one entry (maxEntries ${options.maxEntries})`);
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries;
    this.clock = options.clock ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value if it has not expired. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    // Map keeps insertion order: moving a used entry to the end leaves the least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    const now = this.clock();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.makeRoom(now);
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets everything, e.g. when another instance says the registry changed. */
  clear(): void {
    this.entries.clear();
  }

  /**
   * For a cache of promises: the key's load, started now unless one is kept or running. A failed load
   * is forgotten (the next caller tries again) unless `keepFailure` says to share the failure too.
   */
  getOrLoad<T>(this: TimedCache<K, Promise<T>>, key: K, load: () => Promise<T>, options: { keepFailure?: (error: unknown) => boolean } = {}): Promise<T> {
    const kept = this.get(key);
    if (kept) return kept;
    const loading = load();
    this.set(key, loading);
    loading.catch((error: unknown) => {
      // Only this load's entry: one set since (after a clear, say) is left alone.
      if (!options.keepFailure?.(error) && this.entries.get(key)?.value === loading) this.entries.delete(key);
    });
    return loading;
  }

  /** Drops the least recently used entry (and any expired ones just behind it): constant time, however full. */
  private makeRoom(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size >= this.maxEntries || entry.expires <= now) this.entries.delete(key);
      else break;
    }
  }
}
