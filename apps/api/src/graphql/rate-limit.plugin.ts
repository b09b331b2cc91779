import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import { requestTenant } from '@front-counter/logging';
import { clientKey, type LimitOutcome, type RateLimits } from '@front-counter/rate-limits';
import type { TenantsService } from '@front-counter/tenancy';
import { costOf } from './query-limits.js';

/** Operations that try to open a report's tracking: limited per client far more tightly than the rest. */
const TRACKING_FIELDS = new Set(['requestTrackingCode', 'verifyTrackingCode']);

export type LimitRefusal = Extract<LimitOutcome, { allowed: false }>;

/** The force a request is for, when no guard has set it yet. */
export type ForceOf = (request: FastifyRequest) => Promise<string | undefined>;

/** The force whose site the request's Host names. */
export const forceByHost = (tenants: TenantsService): ForceOf => async (request) => (await tenants.findByHost(request.hostname))?.slug;

/** What a client over its allowance is told, on GraphQL and on the journey wire alike. */
export const refusalMessage = (outcome: LimitRefusal) => `Too many requests from this client. Try again in ${outcome.retryAfterSeconds} seconds.`;

/**
 * Spends a request's GraphQL cost (and its tracking attempts, if any) from its client's allowances.
 * The client is the address the request came from, or the reader's address the force site passes on
 * (X-Forwarded-For, believed only from TRUST_PROXY). Answers the refusal, or null when allowed.
 */
export async function spendClientAllowance(limits: RateLimits, request: FastifyRequest, points: { cost: number; tracking?: number }, forceOf: ForceOf): Promise<LimitRefusal | null> {
  const client = clientKey(request.ip);
  const checks: { name: 'graphqlCostPerClient' | 'trackingPerClient'; key: string; points?: number }[] = [{ name: 'graphqlCostPerClient', key: client, points: points.cost }];
  if (points.tracking) checks.push({ name: 'trackingPerClient', key: client, points: points.tracking });
  const outcome = await limits.consumeAll(checks, async () => requestTenant(request) ?? (await forceOf(request)));
  return outcome.allowed ? null : outcome;
}

function refusal(outcome: LimitRefusal): GraphQLError {
  return new GraphQLError(refusalMessage(outcome), {
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
 * anything runs.
 */
export function rateLimitPlugin(limits: RateLimits, forceOf: ForceOf): ApolloServerPlugin<{ req?: FastifyRequest }> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          const req = contextValue.req;
          // An operationName naming no operation is refused by Apollo before anything runs.
          if (!req || !operation || !limits.config.enabled) return;
          const refused = await spendClientAllowance(limits, req, { cost: costOf(schema, document, operation, request.variables ?? {}), tracking: trackingAttempts(document) }, forceOf);
          if (refused) throw refusal(refused);
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
