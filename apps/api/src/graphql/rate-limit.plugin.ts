import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import { requestTenant } from '@front-counter/logging';
import { clientKey, type LimitOutcome, type RateLimits } from '@front-counter/rate-limits';
import { costOf } from './query-limits.js';

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
        async didResolveOperation({ request, document, schema, operation }) {
          const req = contextValue.req;
          // An operationName naming no operation is refused by Apollo before anything runs.
          if (!req || !operation || !limits.config.enabled) return;
          const client = clientKey(req.ip);
          const cost = costOf(schema, document, operation, request.variables ?? {});
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

/** Tracking fields anywhere in the document (aliased, or inside fragments, each counts), counted once per parsed document. */
const trackingCounts = new WeakMap<DocumentNode, number>();
function trackingAttempts(document: DocumentNode): number {
  let count = trackingCounts.get(document);
  if (count === undefined) {
    let fields = 0;
    visit(document, { Field: (field) => void (TRACKING_FIELDS.has(field.name.value) && fields++) });
    trackingCounts.set(document, (count = fields));
  }
  return count;
}
