import { EventEmitter, on } from 'node:events';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_URLS, type DatabaseUrls } from '@front-counter/database';
import { REPORT_CHANGES_CHANNEL, type ReportChange } from '@front-counter/reports';

/**
 * Report changes as they commit, from PostgreSQL's LISTEN/NOTIFY (so every api instance hears every
 * change, whichever instance made it), handed to open staff pages of the same force only.
 */
@Injectable()
export class ReportChangesService implements OnApplicationShutdown {
  private readonly events = new EventEmitter().setMaxListeners(0);
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(@Inject(DATABASE_URLS) private readonly urls: DatabaseUrls) {}

  private async listen(): Promise<void> {
    if (this.client || this.closed) return;
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.urls.app, application_name: 'front-counter-report-changes' });
      client.on('notification', (message) => {
        if (message.channel !== REPORT_CHANGES_CHANNEL || !message.payload) return;
        try {
          this.events.emit('change', JSON.parse(message.payload) as ReportChange);
        } catch {
          // Not ours to understand; ignore.
        }
      });
      client.on('error', () => {
        // The connection dropped: listen again on the next subscriber (live updates resume; pages also refresh).
        this.client = null;
        client.end().catch(() => undefined);
      });
      await client.connect();
      await client.query(`LISTEN ${REPORT_CHANGES_CHANNEL}`);
      this.client = client;
    })().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  /** Changes to reports of `tenantId`, until the returned iterator is closed. */
  async *changes(tenantId: string, signal?: AbortSignal): AsyncGenerator<ReportChange> {
    await this.listen();
    for await (const [change] of on(this.events, 'change', { signal }) as AsyncIterable<[ReportChange]>) {
      if (change.tenantId === tenantId) yield change;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
