import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import { GraphQLError, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, fieldExtensionsEstimator, simpleEstimator } from 'graphql-query-complexity';
import { requestTenant } from '@front-counter/logging';
import { clientKey, type LimitOutcome, type RateLimits } from '@front-counter/rate-limits';

/** Operations that try to open a report's tracking: limited per client far more tightly than the rest. */
const TRACKING_FIELDS = new Set(['requestTrackingCode', 'verifyTrackingCode']);

function refusal(outcome: Extract<LimitOutcome, { allowed: false }>): GraphQLError {
  return new GraphQLError(`Too many requests from this client. Try again in ${outcome.retryAfterSeconds} seconds.`, {
    extensions: {
      code: 'RATE_LIMITED',
      limit: outcome.limit,
      retryAfterSeconds: outcome.retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(outcome.retryAfterSeconds)]]) },
    },
  });
}

/**
 * Spends each operation's cost (every field and every alias counts, as the cost limit counts them)
 * from its client's allowance, and each tracking attempt from the client's tracking allowance, before
 * anything runs. The client is the address the request came from, or the reader's address the
 * force site passes on (X-Forwarded-For, believed only from TRUST_PROXY).
 */
export function rateLimitPlugin(limits: RateLimits, forceOf: (request: FastifyRequest) => Promise<string | undefined>): ApolloServerPlugin<{ req?: FastifyRequest }> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ request, document, schema }) {
          const req = contextValue.req;
          if (!req || !limits.config.enabled) return;
          const client = clientKey(req.ip);
          const cost = costOf(schema, document, request.operationName ?? undefined, request.variables ?? {});
          const checks: { name: 'graphqlCostPerClient' | 'trackingPerClient'; key: string; points?: number }[] = [{ name: 'graphqlCostPerClient', key: client, points: cost }];
          const tracking = trackingAttempts(document);
          if (tracking > 0) checks.push({ name: 'trackingPerClient', key: client, points: tracking });
          const outcome = await limits.consumeAll(checks, async () => requestTenant(req) ?? (await forceOf(req)));
          if (!outcome.allowed) throw refusal(outcome);
        },
      };
    },
  };
}

/**
 * The operation's cost, once per parsed document: Apollo keeps each parsed document and hands the same
 * object to every request with the same text, and no field's cost depends on its arguments' values.
 * A document with @include or @skip costs what its variables make it, so it is counted every time.
 */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
function costOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): number {
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];
  if (/@(include|skip)\b/.test(document.loc?.source.body ?? '@skip')) return getComplexity({ schema, query: document, operationName, variables, estimators });
  let byOperation = costs.get(document);
  if (!byOperation) costs.set(document, (byOperation = new Map()));
  const known = byOperation.get(operationName ?? '');
  if (known !== undefined) return known;
  const cost = getComplexity({ schema, query: document, operationName, variables, estimators });
  byOperation.set(operationName ?? '', cost);
  return cost;
}

/** Tracking fields anywhere in the document (aliased, or inside fragments, each counts). */
function trackingAttempts(document: DocumentNode): number {
  let count = 0;
  visit(document, { Field: (field) => void (TRACKING_FIELDS.has(field.name.value) && count++) });
  return count;
}
