import { PassThrough } from 'node:stream';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { Logger } from '@front-counter/logging';
import { operationText } from '../api-client.js';
import { StaffReportChangesDocument, type StaffReportChangesSubscription } from '../graphql/operations.generated.js';

export const HEARTBEAT_MS = 25_000;
/** How long a browser waits before reconnecting after the stream ends (the session's end, a restart). */
const RETRY_MS = 5_000;
/** setTimeout's limit; a longer session is ended by the next reconnect instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Live updates for staff pages, as Server-Sent Events: browsers cannot put a token on a WebSocket
 * without exposing it to script, so the web holds the graphql-ws connection to the api with the
 * member's token and forwards each `reportChanges` event as a `data:` line. The first event, `ready`,
 * says the subscription is open. The api's socket is closed when the browser goes away, when the
 * session would end, and when the web shuts down.
 */
@Injectable()
export class StaffEvents implements OnModuleDestroy {
  private readonly open = new Set<() => void>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Streams changes to the reply until one side goes away or `endsAt` (ms since the epoch) passes. */
  stream(reply: FastifyReply, accessToken: string, endsAt: number, logger: Logger): void {
    const body = new PassThrough();
    const write = (text: string) => {
      if (!body.writableEnded) body.write(text);
    };
    const client = createClient({
      url: `${this.config.api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${accessToken}` },
      retryAttempts: 0,
      lazy: true,
    });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.open.delete(close);
      clearInterval(heartbeat);
      clearTimeout(deadline);
      unsubscribe();
      void client.dispose();
      body.end();
    };
    this.open.add(close);
    client.on('connected', () => write('event: ready\ndata: {}\n\n'));
    const unsubscribe = client.subscribe<StaffReportChangesSubscription>(
      { query: operationText(StaffReportChangesDocument) },
      {
        next: (value) => {
          if (value.data?.reportChanges) write(`data: ${JSON.stringify(value.data.reportChanges)}\n\n`);
        },
        // The api went away or refused the token: end the stream; the browser reconnects with a fresh one.
        error: (error) => {
          logger.info({ err: error instanceof Error ? error : undefined }, 'staff live updates: api subscription ended');
          close();
        },
        complete: close,
      },
    );
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    const deadline = setTimeout(close, Math.min(Math.max(endsAt - Date.now(), 0), MAX_TIMER_MS));
    reply.raw.on('close', close);
    write(`retry: ${RETRY_MS}\n\n`);
    void reply
      .code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(body);
  }

  /** Streams open now (each holding a connection to the api). */
  get openStreams(): number {
    return this.open.size;
  }

  onModuleDestroy(): void {
    for (const close of [...this.open]) close();
  }
}
