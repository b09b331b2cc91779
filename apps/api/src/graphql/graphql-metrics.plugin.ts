import type { ApolloServerPlugin } from '@apollo/server';
import type { AppMetrics } from '@front-counter/metrics';

/** Distinct operation names kept as labels; past this, `other`, so made-up names cannot grow the series without end. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COMPLEX',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,47}$/;

/**
 * Counts GraphQL errors by code (each code once per request): everything but INTERNAL_SERVER_ERROR is
 * a refusal of the caller's request, e.g. BAD_USER_INPUT, GRAPHQL_PARSE_FAILED, METHOD_NOT_ALLOWED.
 * Shared by the plugin and the HTTP layer's refusals (graphql-transport.ts).
 */
export function graphqlErrorCounter(metrics: AppMetrics): (codes: Iterable<string>) => void {
  const errors = metrics.counter('front_counter_graphql_errors_total', 'GraphQL requests answered with errors, by error code (each code once per request).', ['code']);
  return (codes) => {
    for (const code of new Set(codes)) errors.inc({ code: ERROR_CODE.test(code) ? code : 'OTHER' });
  };
}

/**
 * GraphQL operations counted and timed by name, type (query, mutation, subscription) and outcome:
 * `ok`, `client_error` (the caller's mistake or a refusal the caller should see, e.g. not found), or
 * `error` (ours: INTERNAL_SERVER_ERROR). The error-rate alert reads `error`. Errors are also counted by
 * code, including requests refused before they became an operation (a malformed request, GET).
 */
export function graphqlMetricsPlugin(metrics: AppMetrics): ApolloServerPlugin {
  const operations = metrics.counter('front_counter_graphql_operations_total', 'GraphQL operations, by operation name, type and outcome.', ['operation', 'type', 'outcome']);
  const durations = metrics.histogram('front_counter_graphql_operation_duration_seconds', 'Time to execute a GraphQL operation, by operation name and type.', ['operation', 'type']);
  const countErrors = graphqlErrorCounter(metrics);
  const known = new Set<string>();
  const operationLabel = (name: string | undefined | null): string => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (known.has(name)) return name;
    if (known.size >= MAX_OPERATION_NAMES) return 'other';
    known.add(name);
    return name;
  };
  const codeOf = (error: unknown) => String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  return {
    async invalidRequestWasReceived({ error }) {
      countErrors([codeOf(error)]);
    },
    async contextCreationDidFail({ error }) {
      countErrors([codeOf(error)]);
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, operationName }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map(codeOf);
          countErrors(codes);
          const outcome = codes.length === 0 ? 'ok' : codes.some((code) => code === 'INTERNAL_SERVER_ERROR') ? 'error' : 'client_error';
          // An operation that never parsed has no type; its name is not believed either.
          const type = operation?.operation ?? 'unknown';
          const name = operation ? operationLabel(operationName) : 'unparsed';
          operations.inc({ operation: name, type, outcome });
          durations.observe({ operation: name, type }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
