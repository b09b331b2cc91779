import { ApolloServer } from '@apollo/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
import { documentNestingProblem, MAX_DOCUMENT_NESTING, refuseUnlessPost, registerGraphqlTransport, subscriptionsOverWebSocketOnlyPlugin } from './graphql-transport.js';

/**
 * GraphQL over HTTP as the product uses it, on a real Fastify: JSON bodies only on /graphql, documents
 * nested too deeply for graphql-js refused before it parses them, and the refusals Fastify makes
 * itself answered as GraphQL errors with a code; other routes untouched.
 */

describe('documentNestingProblem', () => {
  const selections = (depth: number) => `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`;
  const tooDeep = `The query is nested more than ${MAX_DOCUMENT_NESTING} levels deep.`;

  it(`refuses brackets of any kind nested more than ${MAX_DOCUMENT_NESTING} deep, without recursion`, () => {
    expect(documentNestingProblem(selections(MAX_DOCUMENT_NESTING), 1000)).toBeNull();
    expect(documentNestingProblem(selections(MAX_DOCUMENT_NESTING + 1), 1000)).toBe(tooDeep);
    expect(documentNestingProblem(`{ a(x: ${'['.repeat(40)}${']'.repeat(40)}, y: ${'{b: '.repeat(40)}1${'}'.repeat(40)}) }`, 1000)).toBeNull();
    expect(documentNestingProblem(`{ a(x: ${'[{b: '.repeat(40)}1${'}]'.repeat(40)}) }`, 1000)).toBe(tooDeep);
    expect(documentNestingProblem(`query(${'$v: [[[[String]]]] '.repeat(3)}) ${selections(60)}`, 1000)).toBeNull();
    expect(documentNestingProblem(selections(500_000), 10_000_000)).toBe(tooDeep);
  });

  it('does not count brackets in strings or comments, and leaves what does not lex, or is past the token limit, to parse', () => {
    const quoted = `{ a(x: "${'{'.repeat(500)}", y: """${'['.repeat(500)}""") }\n# ${'('.repeat(500)}`;
    expect(documentNestingProblem(quoted, 1000)).toBeNull();
    expect(documentNestingProblem(`{ a(x: "unterminated ${'{'.repeat(500)}`, 1000)).toBeNull();
    expect(documentNestingProblem(selections(1000), 2 * MAX_DOCUMENT_NESTING)).toBeNull();
  });
});


describe('registerGraphqlTransport', () => {
  let fastify: FastifyInstance;
  const refused: string[] = [];
  let handled = 0;
  let base: string;

  beforeAll(async () => {
    fastify = Fastify({ bodyLimit: 1024 });
    fastify.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    registerGraphqlTransport(fastify, { maxTokens: 1000, onRefused: (code) => refused.push(code) });
    fastify.post('/graphql', async (request, reply) => {
      handled++;
      if ((request.body as { query?: string }).query === 'bad') return reply.code(400).type('application/json').send('{"errors":[{"message":"Apollo said no","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}');
      return { data: { ok: true } };
    });
    fastify.post('/evidence', async () => ({ stored: true }));
    fastify.get('/missing-json', async (_request, reply) => reply.code(400).send({ message: 'left alone' }));
    base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => fastify.close());
  beforeEach(() => {
    refused.length = 0;
    handled = 0;
  });

  /** Over real HTTP; the body as bytes, so that fetch adds no content-type of its own. */
  const post = async (url: string, payload: string, contentType?: string) => {
    const response = await fetch(`${base}${url}`, { method: 'POST', body: Buffer.from(payload), headers: contentType ? { 'content-type': contentType } : {} });
    const text = await response.text();
    return { statusCode: response.status, contentType: response.headers.get('content-type'), json: () => JSON.parse(text) };
  };

  it('serves a JSON POST, and passes Apollo’s own answers through unchanged', async () => {
    expect((await post('/graphql', '{"query":"{ ok }"}', 'application/json; charset=utf-8')).json()).toEqual({ data: { ok: true } });
    const refusedByApollo = await post('/graphql?x=1', '{"query":"bad"}', 'application/json');
    expect([refusedByApollo.statusCode, refusedByApollo.json()]).toEqual([400, { errors: [{ message: 'Apollo said no', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] }]);
    expect(refused).toEqual([]);
  });

  it('refuses any other body with 415 UNSUPPORTED_MEDIA_TYPE before reading it', async () => {
    for (const type of ['text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/jsonp', undefined]) {
      const response = await post('/graphql', '{"query":"{ ok }"}', type);
      expect([type, response.statusCode, response.contentType, response.json()]).toEqual([
        type,
        415,
        'application/json; charset=utf-8',
        { errors: [{ message: 'The api reads GraphQL requests as POST with content-type application/json.', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] },
      ]);
    }
    expect(handled).toBe(0);
    expect(refused).toEqual(Array(5).fill('UNSUPPORTED_MEDIA_TYPE'));
  });

  it('answers Fastify’s own refusals (not JSON, empty, too large) as GraphQL errors with a code', async () => {
    const notJson = await post('/graphql', '{not json', 'application/json');
    expect([notJson.statusCode, notJson.json()]).toEqual([400, { errors: [{ message: expect.stringMatching(/not valid JSON/), extensions: { code: 'BAD_REQUEST' } }] }]);
    const empty = await post('/graphql', '', 'application/json');
    expect([empty.statusCode, empty.json().errors[0].extensions]).toEqual([400, { code: 'BAD_REQUEST' }]);
    const large = await post('/graphql', JSON.stringify({ query: 'x'.repeat(2000) }), 'application/json');
    expect([large.statusCode, large.json().errors[0].extensions]).toEqual([413, { code: 'PAYLOAD_TOO_LARGE' }]);
    expect(handled).toBe(0);
    expect(refused).toEqual(['BAD_REQUEST', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE']);
  });

  it('refuses a document nested too deeply with 400 GRAPHQL_PARSE_FAILED before anything parses it', async () => {
    const deep = await post('/graphql', JSON.stringify({ query: `${'{ a '.repeat(200)}${'}'.repeat(200)}` }), 'application/json');
    expect([deep.statusCode, deep.json()]).toEqual([400, { errors: [{ message: `The query is nested more than ${MAX_DOCUMENT_NESTING} levels deep.`, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] }]);
    expect(handled).toBe(0);
    expect(refused).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('leaves every other route alone', async () => {
    expect((await post('/evidence', 'bytes', 'application/octet-stream')).json()).toEqual({ stored: true });
    expect(await (await fetch(`${base}/missing-json`)).json()).toEqual({ message: 'left alone' });
    expect(refused).toEqual([]);
  });
});

describe('refuseUnlessPost', () => {
  it('lets POST and subscriptions (no method) through, and refuses every other method with 405 METHOD_NOT_ALLOWED', () => {
    expect(() => refuseUnlessPost({ method: 'POST' })).not.toThrow();
    expect(() => refuseUnlessPost({ connectionParams: {}, extra: {} })).not.toThrow();
    for (const [method, shown] of [
      ['GET', 'GET'],
      ['OPTIONS', 'OPTIONS'],
      ['BREW', 'this method'],
    ]) {
      let refusal: unknown;
      try {
        refuseUnlessPost({ method });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(GraphQLError);
      expect((refusal as GraphQLError).message).toBe(`The api takes GraphQL operations by POST only, not ${shown}.`);
      expect((refusal as GraphQLError).extensions).toEqual({ code: 'METHOD_NOT_ALLOWED', http: { status: 405, headers: new Map([['allow', 'POST']]) } });
    }
  });
});

describe('subscriptionsOverWebSocketOnlyPlugin, in a real Apollo Server', () => {
  const server = new ApolloServer({
    typeDefs: 'type Query { now: String } type Subscription { changes: String! }',
    resolvers: { Query: { now: () => 'now' }, Subscription: { changes: { subscribe: async function* () {} } } },
    plugins: [subscriptionsOverWebSocketOnlyPlugin()],
  });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('refuses a subscription sent as a request with 400 BAD_REQUEST (it would otherwise fail as an internal error), and serves queries', async () => {
    const refused = await server.executeOperation({ query: 'subscription { changes }' });
    expect([refused.http.status, refused.body.kind === 'single' && refused.body.singleResult.errors?.map((error) => [error.message, error.extensions?.code])]).toEqual([
      400,
      [['Subscriptions are served over WebSocket (graphql-ws) at /graphql, not by POST.', 'BAD_REQUEST']],
    ]);
    const served = await server.executeOperation({ query: '{ now }' });
    expect(served.body.kind === 'single' && served.body.singleResult.data).toEqual({ now: 'now' });
  });
});
