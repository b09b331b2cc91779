import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { onwardHeaders } from '@front-counter/logging';

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

/** The web's only way to data: GraphQL over HTTP to the api, passing on the public host and request id. */
@Injectable()
export class ApiClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** `bearer`: a signed-in staff member's access token (staff pages); public pages send none. */
  async query<T>(query: string, variables: Record<string, unknown>, context: { host: string; requestId: string; protocol?: string; bearer?: string }): Promise<T> {
    const response = await fetch(`${this.config.api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-host': context.host,
        'x-forwarded-proto': context.protocol ?? 'http',
        ...onwardHeaders(context.requestId),
        ...(context.bearer ? { authorization: `Bearer ${context.bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: GraphQLErrorBody[] };
    if (body.errors?.length) throw new ApiError(body.errors);
    if (!response.ok || !body.data) throw new Error(`api: HTTP ${response.status}`);
    return body.data;
  }

  async ready(): Promise<boolean> {
    const response = await fetch(`${this.config.api.url}/health/ready`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
    return response?.ok ?? false;
  }
}
