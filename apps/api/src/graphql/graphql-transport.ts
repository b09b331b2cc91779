import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';

export const GRAPHQL_PATH = '/graphql';

/**
 * How deeply brackets may nest in a document: the deepest operation the force sites send nests about
 * a dozen. graphql-js parses and validates recursively (and validation throws out of Apollo as a 500
 * when the stack runs out), so nesting is bounded before graphql-js sees the document.
 */
export const MAX_DOCUMENT_NESTING = 64;

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Why a document is nested too deeply to be parsed, or null. Reads at most `maxTokens` tokens without
 * recursion; a longer document, or one that does not lex, is left to graphql-js's parse to refuse.
 */
export function documentNestingProblem(query: string, maxTokens: number): string | null {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let token = lexer.advance(), count = 1; token.kind !== TokenKind.EOF && count <= maxTokens; token = lexer.advance(), count++) {
      if (OPENING.has(token.kind) && ++depth > MAX_DOCUMENT_NESTING) return `The query is nested more than ${MAX_DOCUMENT_NESTING} levels deep.`;
      if (CLOSING.has(token.kind)) depth--;
    }
  } catch {
    // Not GraphQL: parse names the problem.
  }
  return null;
}

/** The code given to each refusal the HTTP layer makes before Apollo reads a request. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

const pathOf = (url: string) => url.split('?', 1)[0];

const errorBody = (message: string, code: string) => JSON.stringify({ errors: [{ message, extensions: { code } }] });

/** The message of a refusal Fastify or Nest wrote as `{ statusCode, message }`, if there is one worth showing. */
function refusalMessage(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const message = (JSON.parse(payload) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GraphQL over HTTP as the product uses it: POST with a JSON body. Any other body is refused with 415
 * before it is read, and a document nested deeper than MAX_DOCUMENT_NESTING with 400 before graphql-js
 * parses it; the refusals Fastify makes itself on this path (a body that is not JSON, empty or too
 * large) are answered as GraphQL errors with a code, like every other answer of the endpoint.
 * `onRefused` counts them (by code).
 */
export function registerGraphqlTransport(fastify: FastifyInstance, { maxTokens, onRefused = () => {} }: { maxTokens: number; onRefused?: (code: string) => void }): void {
  // Callback hooks (every request of the api passes them; an async hook costs a promise each time).
  // A hook that answers sends its reply and does not call done.
  fastify.addHook('onRequest', (request, reply: FastifyReply, done) => {
    if (request.method !== 'POST' || pathOf(request.url) !== GRAPHQL_PATH || JSON_CONTENT_TYPE.test(request.headers['content-type'] ?? '')) return done();
    onRefused('UNSUPPORTED_MEDIA_TYPE');
    void reply
      .code(415)
      .header('content-type', 'application/json; charset=utf-8')
      .send(errorBody('The api reads GraphQL requests as POST with content-type application/json.', 'UNSUPPORTED_MEDIA_TYPE'));
  });
  fastify.addHook('preValidation', (request, reply: FastifyReply, done) => {
    if (request.method !== 'POST' || pathOf(request.url) !== GRAPHQL_PATH) return done();
    const query = (request.body as { query?: unknown } | null | undefined)?.query;
    const problem = typeof query === 'string' ? documentNestingProblem(query, maxTokens) : null;
    if (!problem) return done();
    onRefused('GRAPHQL_PARSE_FAILED');
    void reply.code(400).header('content-type', 'application/json; charset=utf-8').send(errorBody(problem, 'GRAPHQL_PARSE_FAILED'));
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode < 400 || pathOf(request.url) !== GRAPHQL_PATH) return done(null, payload);
    if (typeof payload === 'string' && /^\{\s*"errors"/.test(payload)) return done(null, payload);
    const code = CODE_BY_STATUS[reply.statusCode] ?? (reply.statusCode < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
    onRefused(code);
    void reply.header('content-type', 'application/json; charset=utf-8');
    done(null, errorBody(reply.statusCode < 500 ? (refusalMessage(payload) ?? 'The request could not be read.') : 'Something went wrong. Try again later.', code));
  });
}

/**
 * Operations come by POST only (the product never sends GET, and a GET query is a cross-site request
 * waiting to happen). Called when Apollo makes the context, that is after its CSRF check, so a simple
 * cross-site GET is still refused as such.
 */
export function refuseUnlessPost(request: unknown): void {
  const method = (request as { method?: unknown } | undefined)?.method;
  // A graphql-ws subscription's context has no method: the socket was opened (and authenticated) already.
  if (typeof method !== 'string' || method === 'POST') return;
  throw new GraphQLError(`The api takes GraphQL operations by POST only, not ${method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? method : 'this method'}.`, {
    extensions: { code: 'METHOD_NOT_ALLOWED', http: { status: 405, headers: new Map([['allow', 'POST']]) } },
  });
}

/**
 * Subscriptions are served over graphql-ws only: sent by POST, one would run as a query and fail as an
 * internal error (its resolver answers the socket, not the request), so it is refused first.
 */
export function subscriptionsOverWebSocketOnlyPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(`Subscriptions are served over WebSocket (graphql-ws) at ${GRAPHQL_PATH}, not by POST.`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        },
      };
    },
  };
}
