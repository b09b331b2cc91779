import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DomainException } from '@front-counter/errors';
import { serializeError, type Logger } from '@front-counter/logging';
import { JOURNEY_WIRE_PATH, type JourneyWireCall, type JourneyWireCalls, type WireJourney } from '@front-counter/public-kit';
import type { RateLimits } from '@front-counter/rate-limits';
import { JourneysService, rawValues, type Journey } from '@front-counter/reports';
import { publicTenantOf, TenantsService } from '@front-counter/tenancy';
import { variablesProblem } from './graphql/input-boundary.plugin.js';
import { refusalMessage, spendClientAllowance, type ForceOf } from './graphql/rate-limit.plugin.js';
import { costOf } from './graphql/query-limits.js';

// The journey wire (libs/public-kit journey-wire.ts): the web's hot journey calls as plain JSON routes,
// outside Nest's pipeline and without a GraphQL execution. Each does what its GraphQL operation does,
// in the same order: the input boundary, the client's rate limit, the force from the Host, the
// JourneysService call, and the same envelope and error codes.

const JOURNEY_FIELDS = 'serviceId formVersionId formVersion language current path answers reference confirmationEmail confirmationText transferredTo { en cy } expiresAt';
const ERROR_FIELDS = 'field questionId message { en cy }';

/** What each call answers, as the GraphQL operation the web would send for it: each call costs what that operation costs. */
export const WIRE_OPERATIONS: Record<JourneyWireCall, string> = {
  startJourney: `mutation Start($serviceId: String!, $session: String!, $language: Language!) { startJourney(serviceId: $serviceId, session: $session, language: $language) { ${JOURNEY_FIELDS} } }`,
  journey: `query Journey($serviceId: String!, $session: String!) { journey(serviceId: $serviceId, session: $session) { ${JOURNEY_FIELDS} } }`,
  answerPage: `mutation Answer($serviceId: String!, $session: String!, $pageId: String!, $values: JSON!, $returnToCheck: Boolean!) { answerPage(serviceId: $serviceId, session: $session, pageId: $pageId, values: $values, returnToCheck: $returnToCheck) { journey { ${JOURNEY_FIELDS} } errors { ${ERROR_FIELDS} } nextPageId } }`,
  submitReport: `mutation Submit($serviceId: String!, $session: String!, $values: JSON!) { submitReport(serviceId: $serviceId, session: $session, values: $values) { reference errors { ${ERROR_FIELDS} } } }`,
};

/** Each call's cost against the client's GraphQL allowance, as the schema's cost rules count its operation. */
export function wireCosts(schema: GraphQLSchema): Record<JourneyWireCall, number> {
  const cost = (text: string) => {
    const document = parse(text);
    // No field's cost depends on its arguments' values, but each variable must be there to be counted.
    const variables = { serviceId: '', session: '', language: 'en', pageId: '', values: {}, returnToCheck: false };
    return costOf(schema, document, document.definitions[0] as OperationDefinitionNode, variables);
  };
  return Object.fromEntries(Object.entries(WIRE_OPERATIONS).map(([call, operation]) => [call, cost(operation)])) as Record<JourneyWireCall, number>;
}

/** A refusal in the GraphQL envelope, with the HTTP status GraphQL would give it. */
class WireRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Variables = Record<string, unknown>;

function text(variables: Variables, name: string): string {
  const value = variables[name];
  if (typeof value !== 'string') throw new WireRefusal(400, 'BAD_USER_INPUT', `Variable "$${name}" must be a string.`);
  return value;
}

/** The Language enum: GraphQL refuses any other value before anything runs. */
function language(variables: Variables): 'en' | 'cy' {
  const value = variables.language;
  if (value !== 'en' && value !== 'cy') throw new WireRefusal(400, 'BAD_USER_INPUT', 'Variable "$language" must be en or cy.');
  return value;
}

function flag(variables: Variables, name: string): boolean {
  const value = variables[name] ?? false;
  if (typeof value !== 'boolean') throw new WireRefusal(400, 'BAD_USER_INPUT', `Variable "$${name}" must be true or false.`);
  return value;
}

/** The Journey type's fields, as GraphQL would serialise them (a missing Welsh name is null, the date ISO text). */
function wireJourney(journey: Journey): WireJourney {
  const { transferredTo } = journey;
  return {
    serviceId: journey.serviceId,
    formVersionId: journey.formVersionId,
    formVersion: journey.formVersion,
    language: journey.language,
    current: journey.current,
    path: journey.path,
    answers: journey.answers,
    reference: journey.reference,
    confirmationEmail: journey.confirmationEmail,
    confirmationText: journey.confirmationText,
    expiresAt: journey.expiresAt.toISOString(),
    transferredTo: transferredTo ? { en: transferredTo.en, cy: transferredTo.cy ?? null } : null,
  };
}

const fieldErrors = <E extends { field: string; questionId: string; message: { en: string; cy?: string | null } }>(errors: E[]) =>
  errors.map((error) => ({ field: error.field, questionId: error.questionId, message: { en: error.message.en, cy: error.message.cy ?? null } })) as JourneyWireCalls['submitReport']['data']['submitReport']['errors'];

export interface JourneyWireOptions {
  journeys: JourneysService;
  tenants: TenantsService;
  /** The api's schema, once Nest has built it (the routes are registered before). */
  schema: () => GraphQLSchema;
  limits: RateLimits | null;
  /** The force a request is for, to find its limits, as the GraphQL rate limit finds it. */
  forceOf: ForceOf;
  logger: Logger;
  production: boolean;
}

/** Registers POST /journey-wire/{startJourney,journey,answerPage,submitReport} on the api's Fastify instance. */
export function registerJourneyWire(fastify: FastifyInstance, options: JourneyWireOptions): void {
  const { journeys, tenants, limits, logger } = options;
  let costs: Record<JourneyWireCall, number> | undefined;

  /** Every call names its service and the reporter's session, and is made on the force the Host names. */
  const journeyOf = async (request: FastifyRequest, variables: Variables) => ({
    serviceId: text(variables, 'serviceId'),
    session: text(variables, 'session'),
    tenant: await publicTenantOf(tenants, request),
  });

  const calls: { [Call in JourneyWireCall]: (request: FastifyRequest, variables: Variables) => Promise<JourneyWireCalls[Call]['data']> } = {
    startJourney: async (request, variables) => {
      const chosen = language(variables);
      const { tenant, serviceId, session } = await journeyOf(request, variables);
      return { startJourney: wireJourney(await journeys.start(tenant, serviceId, session, chosen)) };
    },
    journey: async (request, variables) => {
      const { tenant, serviceId, session } = await journeyOf(request, variables);
      const journey = await journeys.find(tenant, serviceId, session);
      return { journey: journey && wireJourney(journey) };
    },
    answerPage: async (request, variables) => {
      const [pageId, returnToCheck] = [text(variables, 'pageId'), flag(variables, 'returnToCheck')];
      const { tenant, serviceId, session } = await journeyOf(request, variables);
      const outcome = await journeys.answerPage(tenant, serviceId, session, pageId, rawValues(variables.values), returnToCheck);
      return { answerPage: { journey: wireJourney(outcome.journey), errors: fieldErrors(outcome.errors), nextPageId: outcome.nextPageId } };
    },
    submitReport: async (request, variables) => {
      const { tenant, serviceId, session } = await journeyOf(request, variables);
      const outcome = await journeys.submit(tenant, serviceId, session, rawValues(variables.values), request.id);
      return { submitReport: { reference: outcome.reference, errors: fieldErrors(outcome.errors) } };
    },
  };

  const spend = async (request: FastifyRequest, call: JourneyWireCall) => {
    if (!limits?.config.enabled) return;
    const refused = await spendClientAllowance(limits, request, { cost: (costs ??= wireCosts(options.schema()))[call] }, options.forceOf);
    if (refused) throw new WireRefusal(429, 'RATE_LIMITED', refusalMessage(refused), { limit: refused.limit, retryAfterSeconds: refused.retryAfterSeconds });
  };

  const refuse = (reply: FastifyReply, status: number, code: string, message: string, extensions: Record<string, unknown> = {}) =>
    reply.code(status).type('application/json').header('cache-control', 'no-store').send({ errors: [{ message, extensions: { code, ...extensions } }] });

  for (const call of Object.keys(calls) as JourneyWireCall[]) {
    fastify.post(`${JOURNEY_WIRE_PATH}/${call}`, async (request, reply) => {
      try {
        const variables = request.body;
        if (!variables || typeof variables !== 'object' || Array.isArray(variables)) throw new WireRefusal(400, 'BAD_REQUEST', 'The body must be a JSON object of the call\'s variables.');
        const problem = variablesProblem(variables as Variables);
        if (problem) throw new WireRefusal(400, 'BAD_USER_INPUT', problem);
        await spend(request, call);
        const data = await calls[call](request, variables as Variables);
        return reply.type('application/json').header('cache-control', 'no-store').send(JSON.stringify({ data }));
      } catch (error) {
        if (error instanceof WireRefusal) {
          if (error.status === 429) void reply.header('retry-after', String(error.extensions.retryAfterSeconds));
          return refuse(reply, error.status, error.code, error.message, error.extensions);
        }
        if (error instanceof DomainException) return refuse(reply, error.status, error.code, error.publicMessage);
        logger.error({ requestId: request.id, call, error: serializeError(error) }, 'journey wire call failed');
        return refuse(reply, 500, 'INTERNAL_SERVER_ERROR', options.production ? 'Something went wrong. Try again later.' : (error as Error).message);
      }
    });
  }
}
