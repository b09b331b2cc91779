import { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request as send } from 'undici';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { onwardHeaders } from '@front-counter/logging';
import { JOURNEY_WIRE_PATH, type JourneyWireCall, type JourneyWireCalls } from '@front-counter/public-kit';
import { UploadInterrupted } from './bad-requests/bad-request.js';

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

/** The api answered with errors; `codes` lets callers tell "not found" from a failure. */
export class ApiError extends Error {
  constructor(readonly errors: GraphQLErrorBody[]) {
    super(`api: ${errors.map((error) => `${error.extensions?.code ?? 'ERROR'} ${error.message}`).join('; ')}`);
  }
  get codes(): string[] {
    return this.errors.map((error) => error.extensions?.code ?? 'ERROR');
  }
}

/** What the api answers a call with: GraphQL's envelope, which the journey wire uses too. */
type ApiBody<Result> = { data?: Result; errors?: GraphQLErrorBody[] };

/** Where a call goes: the public host and request id passed on, and a staff member's access token where there is one. */
export interface ApiTarget {
  host: string;
  requestId: string;
  protocol?: string;
  bearer?: string;
}

/** Each operation's text, printed once from its generated document. */
const printed = new WeakMap<TypedDocumentNode<unknown, never>, string>();

/** The text sent for a generated document (also for subscriptions, which go over a WebSocket). */
export function operationText(document: TypedDocumentNode<unknown, never>): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * The web's only way to data: GraphQL over HTTP to the api, passing on the public host and request id.
 * Operations are the documents generated from the web's .graphql files (graphql/operations.generated.ts),
 * so their results and variables are typed as the api's schema says.
 */
@Injectable()
export class ApiClient implements OnApplicationShutdown {
  /**
   * Kept-alive connections to the api for GraphQL. undici's `request` rather than `fetch`: every
   * page makes at least one call, and fetch's WHATWG streams and Request/Response objects cost a
   * twentieth of a question page's time. The timeouts are fetch's former 10 s abort.
   */
  private readonly dispatcher = new Agent({ connections: 128, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000, keepAliveTimeout: 30_000 });
  private readonly graphqlUrl: string;
  private readonly journeyWireUrl: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.graphqlUrl = `${config.api.url}/graphql`;
    this.journeyWireUrl = `${config.api.url}${JOURNEY_WIRE_PATH}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }

  /** `bearer`: a signed-in staff member's access token (staff pages); public pages send none. */
  async query<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables, context: ApiTarget): Promise<Result> {
    const query = operationText(document as TypedDocumentNode<unknown, never>);
    const response = await send(this.graphqlUrl, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: this.headersFor(context),
      body: JSON.stringify({ query, variables }),
    });
    return this.dataOf(response.statusCode, (await response.body.json().catch(() => ({}))) as ApiBody<Result>);
  }

  /**
   * One of the journey wire's calls (libs/public-kit journey-wire.ts): what the GraphQL operation of
   * the same name answers, in the same envelope, without a GraphQL document to parse and execute. The
   * question page, the answer and the submission go this way; every other call is GraphQL.
   */
  async journeyCall<Call extends JourneyWireCall>(call: Call, variables: JourneyWireCalls[Call]['variables'], context: ApiTarget): Promise<JourneyWireCalls[Call]['data']> {
    const response = await send(`${this.journeyWireUrl}/${call}`, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: this.headersFor(context),
      body: JSON.stringify(variables),
    });
    return this.dataOf(response.statusCode, (await response.body.json().catch(() => ({}))) as ApiBody<JourneyWireCalls[Call]['data']>);
  }

  /** A JSON call's headers: the public host, protocol, request id and trace passed on, and a staff member's token where there is one. */
  private headersFor(context: ApiTarget): Record<string, string> {
    return {
      'content-type': 'application/json',
      'x-forwarded-host': context.host,
      'x-forwarded-proto': context.protocol ?? 'http',
      ...onwardHeaders(context.requestId),
      ...(context.bearer ? { authorization: `Bearer ${context.bearer}` } : {}),
    };
  }

  private dataOf<Result>(status: number, body: ApiBody<Result>): Result {
    if (body.errors?.length) throw new ApiError(body.errors);
    if (status >= 400 || !body.data) throw new Error(`api: HTTP ${status}`);
    return body.data;
  }

  /**
   * Streams a file to one of the api's evidence routes as it arrives; nothing is held here. When the
   * file's stream fails part-way (the visitor's form was cut off or broke a limit), the request to
   * the api is aborted, so it stores nothing of it, and UploadInterrupted carries the stream's error.
   */
  async upload<T>(path: string, headers: Record<string, string>, file: Readable): Promise<{ status: number; body: T }> {
    const aborted = new AbortController();
    let streamError: unknown;
    // The stream may have failed before it reached here (the form was cut off while earlier parts were read).
    const failure = () => streamError ?? file.errored ?? (file.destroyed && !file.readableEnded ? new Error('the file stream was closed before its end') : undefined);
    const onStreamError = (error: unknown) => {
      streamError ??= error;
      aborted.abort(error);
    };
    if (failure()) throw new UploadInterrupted(failure());
    file.once('error', onStreamError);
    try {
      const response = await fetch(`${this.config.api.url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(file) as ReadableStream,
        duplex: 'half',
        signal: aborted.signal,
        // Without these, Node's fetch (undici) tees a streamed body to be able to replay it, and the
        // unread half keeps the whole file in memory (nodejs/undici#4058); a request that may not be
        // redirected and has no window is never replayed, so it is not copied.
        redirect: 'error',
        window: null,
      } as RequestInit);
      const body = (await response.json().catch(() => ({}))) as T;
      if (failure()) throw new UploadInterrupted(failure());
      return { status: response.status, body };
    } catch (error) {
      if (error instanceof UploadInterrupted || !failure()) throw error;
      throw new UploadInterrupted(failure());
    } finally {
      file.off('error', onStreamError);
    }
  }

  /** A plain request to one of the api's other routes (no body), answered in JSON. */
  async send<T>(method: 'POST' | 'DELETE', path: string, headers: Record<string, string>): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.config.api.url}${path}`, { method, headers, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
  }

  async ready(): Promise<boolean> {
    const response = await fetch(`${this.config.api.url}/health/ready`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
    return response?.ok ?? false;
  }
}
