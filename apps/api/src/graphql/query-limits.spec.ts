import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSchema, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { aliasLimitRule, clientErrorStatusPlugin, depthLimitRule, operationCost, parseLimits, queryCostPlugin } from './query-limits.js';

/**
 * The query limits: depth (as graphql-depth-limit counted it, which it replaces) and aliases with
 * graphql-armor's rules, which survive fragment cycles; tokens at parse; cost, for the operation that
 * will run; and 400 rather than 500 or 200 for a request refused before it ran.
 */

const SDL = `
  type Query { tenant(slug: String): Tenant, services: [Service!]!, echo(text: String): String }
  type Mutation { start(session: String!): Service }
  type Tenant { slug: String!, branding: Branding! }
  type Branding { brandColour: String!, logoText: Text! }
  type Text { en: String! }
  type Service { id: String! }
`;
const schema = buildSchema(SDL);
const messages = (query: string, ...rules: ReturnType<typeof depthLimitRule>[]) => validate(schema, parse(query), [...specifiedRules, ...rules]).map((error) => error.message);

describe('depthLimitRule', () => {
  const limit = depthLimitRule(2);

  it('counts from 0 at the root fields, through fragments as if written out', () => {
    expect(messages('{ tenant { branding { brandColour } } }', limit)).toEqual([]);
    expect(messages('{ tenant { branding { logoText { en } } } }', limit)).toEqual(['This query exceeds maximum operation depth of 2. Ask for less deeply nested fields.']);
    expect(messages('{ tenant { ...B } } fragment B on Tenant { branding { brandColour } }', limit)).toEqual([]);
    expect(messages('{ tenant { ...B } } fragment B on Tenant { branding { ...L } } fragment L on Branding { logoText { en } }', limit)).toEqual([
      'This query exceeds maximum operation depth of 2. Ask for less deeply nested fields.',
    ]);
  });

  it('survives fragment cycles of any length, and graphql-js names the cycle', () => {
    expect(messages('{ ...A } fragment A on Query { ...A }', limit)).toEqual(['Cannot spread fragment "A" within itself.']);
    expect(messages('{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { tenant { slug } ...A }', limit)).toEqual(['Cannot spread fragment "A" within itself via "B", "C".']);
    expect(messages('{ tenant { ...T } } fragment T on Tenant { branding { brandColour } ...T }', limit)).toEqual(['Cannot spread fragment "T" within itself.']);
  });
});

describe('aliasLimitRule', () => {
  const limit = aliasLimitRule(3);
  const aliases = (count: number, field = 'services { id }') => Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');

  it('counts every alias, through fragments and __typename too', () => {
    expect(messages(`{ ${aliases(3)} }`, limit)).toEqual([]);
    expect(messages(`{ ${aliases(4)} }`, limit)).toEqual(['This query uses more than 3 aliases. Ask for each field once, or send several requests.']);
    expect(messages(`{ ${aliases(4, '__typename')} }`, limit)).toEqual(['This query uses more than 3 aliases. Ask for each field once, or send several requests.']);
    expect(messages(`{ ...F ...G } fragment F on Query { ${aliases(2)} } fragment G on Query { b: echo c: echo }`, limit)).toEqual(['This query uses more than 3 aliases. Ask for each field once, or send several requests.']);
  });

  it('survives fragment cycles', () => {
    expect(messages('{ ...A } fragment A on Query { x: echo ...A }', limit)).toEqual(['Cannot spread fragment "A" within itself.']);
  });
});

describe('parseLimits', () => {
  it('stops graphql-js at the token limit, so a huge document is never built', () => {
    expect(() => parse(`{ ${'echo '.repeat(97)}}`, parseLimits(100))).not.toThrow();
    expect(() => parse(`{ ${'echo '.repeat(99)}}`, parseLimits(100))).toThrow(new GraphQLError('Syntax Error: Document contains more that 100 tokens. Parsing aborted.'));
  });
});

describe('operationCost', () => {
  it('is the cost of the operation that will run, named or alone and anonymous', () => {
    const document = parse('query Cheap { echo } query Dear { services { id } tenant { slug branding { brandColour } } }');
    const [cheap, dear] = document.definitions as never[];
    expect(operationCost(schema, document, cheap, {})).toBe(1);
    expect(operationCost(schema, document, dear, {})).toBe(6);
    const anonymous = parse('{ services { id } }');
    expect(operationCost(schema, anonymous, anonymous.definitions[0] as never, undefined)).toBe(2);
  });

  it('refuses variables it cannot read as the caller’s mistake', () => {
    const document = parse('query($slug: String) { tenant(slug: $slug) { slug } }');
    expect(() => operationCost(schema, document, document.definitions[0] as never, { slug: ['not', 'a', 'string'] })).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } }),
    );
  });
});

describe('queryCostPlugin and clientErrorStatusPlugin, in a real Apollo Server', () => {
  const refuseWith = (status: number): ApolloServerPlugin => ({
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          if (request.operationName === 'Limited') throw new GraphQLError('Too many.', { extensions: { code: 'RATE_LIMITED', http: { status } } });
        },
      };
    },
  });
  const server = new ApolloServer({
    typeDefs: SDL,
    resolvers: { Query: { echo: () => 'echo', services: () => [] }, Mutation: { start: () => null } },
    persistedQueries: false,
    plugins: [queryCostPlugin(5), clientErrorStatusPlugin(), refuseWith(429)],
  });
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const run = async (request: Parameters<typeof server.executeOperation>[0]) => {
    const response = await server.executeOperation(request);
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    return { status: response.http.status, codes: result?.errors?.map((error) => error.extensions?.code), data: result?.data };
  };

  it('refuses an operation past the cost limit with 400 QUERY_TOO_COMPLEX, counting aliases', async () => {
    expect(await run({ query: '{ a: echo b: echo c: echo d: echo e: echo }' })).toEqual({ status: undefined, codes: undefined, data: { a: 'echo', b: 'echo', c: 'echo', d: 'echo', e: 'echo' } });
    expect(await run({ query: '{ a: echo b: echo c: echo d: echo e: echo f: echo }' })).toEqual({ status: 400, codes: ['QUERY_TOO_COMPLEX'], data: undefined });
  });

  it('leaves an operationName that names nothing to Apollo (it used to throw "Cannot read properties of undefined")', async () => {
    expect(await run({ query: '{ echo }', operationName: 'Elsewhere' })).toEqual({ status: 400, codes: ['OPERATION_RESOLUTION_FAILURE'], data: undefined });
  });

  it('answers a refusal before execution 400 (a persisted query, which Apollo answers 200), and keeps a refusal’s own status', async () => {
    expect(await run({ query: '{ echo }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })).toEqual({ status: 400, codes: ['PERSISTED_QUERY_NOT_SUPPORTED'], data: undefined });
    expect(await run({ query: 'query Limited { echo }', operationName: 'Limited' })).toEqual({ status: 429, codes: ['RATE_LIMITED'], data: undefined });
    expect(await run({ query: 'mutation($s: String!) { start(session: $s) { id } }', variables: {} })).toEqual({ status: 400, codes: ['BAD_USER_INPUT'], data: undefined });
  });
});
