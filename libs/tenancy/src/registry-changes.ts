import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_URLS, type DatabaseUrls } from '@front-counter/database';

/** The channel the registry's triggers notify on (migration 1764300000000). */
export const REGISTRY_CHANNEL = 'front_counter_registry';

export interface RegistryChange {
  table: 'tenants' | 'tenant_domains' | 'form_versions' | 'routing_rule_sets';
  tenantId: string | null;
}

const RECONNECT_MS = 1000;

/**
 * Changes to the registry as they commit, from PostgreSQL's LISTEN/NOTIFY: every api instance hears
 * every change, whichever instance (or tenant sync) made it, and drops what it cached. Listening starts
 * with the application and reconnects after a dropped connection; while it is down, caches still
 * expire on their own (TENANT_CACHE_SECONDS).
 */
@Injectable()
export class RegistryChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly logger = new Logger('RegistryChanges');
  private client: pg.Client | null = null;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(@Inject(DATABASE_URLS) private readonly urls: DatabaseUrls) {}

  /** Calls `listener` for each change; returns a function that stops it. */
  subscribe(listener: (change: RegistryChange) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.urls.app, application_name: 'front-counter-registry-changes' });
    client.on('notification', (message) => {
      if (message.channel !== REGISTRY_CHANNEL || !message.payload) return;
      try {
        this.events.emit('change', JSON.parse(message.payload) as RegistryChange);
      } catch {
        // Not ours to understand; ignore.
      }
    });
    client.on('error', (error) => {
      if (this.closed) return;
      this.logger.warn(`registry change listener lost its connection (${error.message}); reconnecting`);
      this.client = null;
      client.end().catch(() => undefined);
      // Whatever changed while we were away: everyone drops their caches once more.
      this.events.emit('change', { table: 'tenants', tenantId: null } satisfies RegistryChange);
      this.retry = setTimeout(() => void this.connect().catch(() => undefined), RECONNECT_MS).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REGISTRY_CHANNEL}`);
      this.client = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn(`registry change listener could not connect (${(error as Error).message}); retrying`);
      this.retry = setTimeout(() => void this.connect().catch(() => undefined), RECONNECT_MS).unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
