import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloDriver } from '@nestjs/apollo';
import type { AppConfig } from '@front-counter/config';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { DomainException } from '@front-counter/errors';
import { IdentityException, setRequestStaff, type StaffAuthService } from '@front-counter/identity';
import type { AppMetrics } from '@front-counter/metrics';
import type { RateLimits } from '@front-counter/rate-limits';
import type { FastifyRequest } from 'fastify';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin.js';
import { refuseUnlessPost, subscriptionsOverWebSocketOnlyPlugin } from './graphql-transport.js';
import { inputBoundaryPlugin } from './input-boundary.plugin.js';
import { aliasLimitRule, clientErrorStatusPlugin, depthLimitRule, parseLimits, queryCostPlugin } from './query-limits.js';
import { rateLimitPlugin } from './rate-limit.plugin.js';

const KNOWN_CLIENT_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'METHOD_NOT_ALLOWED',
]);

/** A DomainException (safe to show), however many GraphQL wrappers it arrived in. */
function isDomainError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof DomainException) return true;
    current = (current as { originalError?: unknown }).originalError ?? (unwrapResolverError(current) === current ? undefined : unwrapResolverError(current));
  }
  return false;
}

/**
 * Every answer is `Cache-Control: no-store`, as Apollo's cache-control plugin made it for a schema
 * with no cache hints (none of ours has any). That plugin is off: to find hints it wrapped every
 * field's resolver, on every request, for nothing.
 */
export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/**
 * Apollo's settings: schema generated from code (and committed as schema.gql by `npm run schema`),
 * limits on tokens, depth, aliases and cost, input checked at the boundary, POST only (no persisted
 * queries, no GET), CSRF prevention, and in production no introspection, no field suggestions and
 * never an internal error message.
 */
export function graphqlOptions(
  config: AppConfig,
  auth: StaffAuthService,
  metrics: AppMetrics | null,
  limiting?: { limits: RateLimits; forceOf: (request: FastifyRequest) => Promise<string | undefined> },
): ApolloDriverConfig {
  const production = config.environment === 'production';
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    introspection: config.api.exposeSchema,
    hideSchemaDetailsFromClientErrors: !config.api.exposeSchema,
    graphiql: false,
    csrfPrevention: true,
    // Compact JSON: the default pretty-prints every response.
    stringifyResult: (value: unknown) => JSON.stringify(value),
    includeStacktraceInErrorResponses: false,
    // The product sends whole documents by POST: no automatic persisted queries.
    persistedQueries: false,
    parseOptions: parseLimits(config.api.maxQueryTokens),
    validationRules: [depthLimitRule(config.api.maxQueryDepth), aliasLimitRule(config.api.maxQueryAliases)],
    plugins: [
      // First: its refusals (text that cannot be stored, an operation that does not exist) come before any other plugin's work.
      inputBoundaryPlugin(),
      subscriptionsOverWebSocketOnlyPlugin(),
      queryCostPlugin(config.api.maxQueryCost),
      ...(limiting ? [rateLimitPlugin(limiting.limits, limiting.forceOf)] : []),
      clientErrorStatusPlugin(),
      ...(metrics ? [graphqlMetricsPlugin(metrics)] : []),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
    ],
    // For HTTP, Nest passes the Fastify request; for a subscription, graphql-ws's context.
    context: (request: { req?: unknown; extra?: { staffRequest?: object } }) => {
      refuseUnlessPost(request);
      return { req: request.req ?? request.extra?.staffRequest };
    },
    // Live updates for staff pages: graphql-ws on the same path. The token goes in connectionParams
    // (browsers cannot set headers on a WebSocket) and is verified once, when the socket opens.
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: async (context: { connectionParams?: Record<string, unknown>; extra: unknown }) => {
          try {
            const identity = await auth.authenticate(String(context.connectionParams?.authorization ?? ''));
            const staffRequest = {};
            setRequestStaff(staffRequest, identity);
            (context.extra as { staffRequest?: object }).staffRequest = staffRequest;
            return true;
          } catch (error) {
            if (error instanceof IdentityException) return false;
            throw error;
          }
        },
      },
    },
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
      const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
      if (isDomainError(error) || KNOWN_CLIENT_ERRORS.has(code)) return formatted;
      // A variable of the wrong type is the caller's mistake, whatever graphql-js wrapped it in.
      if (/^Variable "\$\w+"/.test(formatted.message)) return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
      // Anything unexpected: the caller learns that it failed, never why (logs have the detail).
      return { message: production ? 'Something went wrong. Try again later.' : formatted.message, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  };
}
