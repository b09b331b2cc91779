import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

// Models whose records belong to a grant, so that signing out (revoking the grant) removes them all.
const GRANT_BOUND = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const SWEEP_EVERY_WRITES = 500;

/**
 * In-memory storage for one realm's provider: sessions, codes, grants and refresh tokens, gone on
 * restart (signing keys are what must survive, and they are kept elsewhere). oidc-provider's own
 * memory adapter shares one 1000-entry LRU between every Provider in the process and warns on
 * start-up; each realm here has its own store, and entries leave when they expire.
 */
export class RealmStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sessionsByUid = new Map<string, string>();
  private readonly keysByGrant = new Map<string, Set<string>>();
  private writes = 0;

  /** The `adapter` option of oidc-provider: one adapter per model, all on this store. */
  readonly adapterFor = (model: string): Adapter => new RealmStoreAdapter(model, this);

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(model: string, key: string, payload: AdapterPayload, expiresInSeconds: number): void {
    this.entries.set(key, { payload, expiresAt: Date.now() + expiresInSeconds * 1000 });
    if (model === 'Session' && payload.uid) this.sessionsByUid.set(payload.uid, key);
    if (GRANT_BOUND.has(model) && payload.grantId) {
      const keys = this.keysByGrant.get(payload.grantId) ?? new Set<string>();
      this.keysByGrant.set(payload.grantId, keys.add(key));
    }
    if (++this.writes % SWEEP_EVERY_WRITES === 0) this.sweep();
  }

  sessionKeyByUid(uid: string): string | undefined {
    return this.sessionsByUid.get(uid);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  revokeGrant(grantId: string): void {
    for (const key of this.keysByGrant.get(grantId) ?? []) this.entries.delete(key);
    this.keysByGrant.delete(grantId);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [uid, key] of this.sessionsByUid) if (!this.entries.has(key)) this.sessionsByUid.delete(uid);
    for (const [grantId, keys] of this.keysByGrant) {
      for (const key of keys) if (!this.entries.has(key)) keys.delete(key);
      if (keys.size === 0) this.keysByGrant.delete(grantId);
    }
  }
}

class RealmStoreAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: RealmStore,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.store.set(this.model, this.key(id), payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = this.store.sessionKeyByUid(uid);
    return key ? this.store.get(key) : undefined;
  }

  // The device flow (the only user of user codes) is not enabled.
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.store.revokeGrant(grantId);
  }
}
