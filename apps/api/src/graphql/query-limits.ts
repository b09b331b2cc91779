import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationContext, type ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** graphql-armor's rules report through the validation context (as every graphql-js rule does) instead of throwing out of `validate`. */
const reportInstead = (message: string) => ({
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null) => context?.reportError(new GraphQLError(message))],
});

/**
 * Refuses queries nested deeper than `maxDepth` at validation, before anything runs. Depth counts
 * from 0 at the root fields, through fragments as if they were written out. graphql-armor's rule
 * visits each fragment once, so a fragment cycle cannot make it recurse without end (graphql-js's
 * NoFragmentCycles rule then names the cycle).
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  // graphql-armor counts the root fields as depth 1.
  return maxDepthRule({
    n: maxDepth + 1,
    flattenFragments: true,
    ...reportInstead(`This query exceeds maximum operation depth of ${maxDepth}. Ask for less deeply nested fields.`),
  }) as ValidationRule;
}

/** Refuses an operation with more than `maxAliases` aliases (through its fragments too): one request must not repeat a field without end. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return maxAliasesRule({
    n: maxAliases,
    // Every alias counts, __typename's too (graphql-armor lets those through by default).
    allowList: [],
    ...reportInstead(`This query uses more than ${maxAliases} aliases. Ask for each field once, or send several requests.`),
  }) as ValidationRule;
}

/**
 * What parsing may cost: graphql-js stops at `maxTokens` tokens, so a huge document is refused as
 * GRAPHQL_PARSE_FAILED before it is built. (How deeply it may nest is bounded before that, in
 * graphql-transport.ts.)
 */
export function parseLimits(maxTokens: number): { maxTokens: number } {
  return { maxTokens };
}

/**
 * The cost of the operation that will run (one per field unless a field declares its own
 * `complexity`; every alias counts). Invalid variable values are the caller's mistake: BAD_USER_INPUT.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number {
  try {
    return getComplexity({
      schema,
      query: document,
      // An anonymous operation is the document's only one (graphql-js validates that).
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (error instanceof GraphQLError) throw new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    throw error;
  }
}

/**
 * The operation's cost, once per parsed document: Apollo keeps each parsed document and hands the same
 * object to every request with the same text, and no field's cost depends on its arguments' values
 * (a field's `complexity` is a number). A document with @include or @skip costs what its variables
 * make it, so it is counted every time.
 */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
export function costOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number {
  if (/@(include|skip)\b/.test(document.loc?.source.body ?? '@skip')) return operationCost(schema, document, operation, variables);
  let byOperation = costs.get(document);
  if (!byOperation) costs.set(document, (byOperation = new Map()));
  const name = operation.name?.value ?? '';
  const known = byOperation.get(name);
  if (known !== undefined) return known;
  const cost = operationCost(schema, document, operation, variables);
  byOperation.set(name, cost);
  return cost;
}

/**
 * Refuses an operation whose estimated cost exceeds `maxCost`, before any resolver runs. An
 * `operationName` that names no operation is left to Apollo (OPERATION_RESOLUTION_FAILURE).
 */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (!operation) return;
          const cost = costOf(schema, document, operation, request.variables);
          if (cost > maxCost) {
            throw new GraphQLError(`This query is too expensive: its cost is ${cost} and the limit is ${maxCost}. Ask for fewer fields or items.`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/**
 * A request that failed before execution (no `data`) only because of the caller's input answers 400,
 * not 500 (nor 200, which Apollo gives persisted-query errors). Refusals with a status of their own
 * (405, 429) keep it.
 */
export function clientErrorStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const status = response.http.status ?? 200;
          if (result && result.data === undefined && status < 400 && result.errors?.length && result.errors.every((error) => error.extensions?.code !== 'INTERNAL_SERVER_ERROR')) {
            response.http.status = 400;
          }
        },
      };
    },
  };
}
