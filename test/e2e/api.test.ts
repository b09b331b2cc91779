import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchemaText, SCHEMA_FILE } from '../../apps/api/src/schema.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  // A low depth limit so that this schema's deepest path (tenant.branding.logoText.en, depth 3 counting from 0) exceeds it.
  stack = await startTestStack({ GRAPHQL_MAX_DEPTH: '2' });
});
afterAll(() => stack?.close());

async function graphql(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('public tenant query', () => {
  it('finds a force by slug with its public settings', async () => {
    const { status, body } = await graphql({ query: '{ tenant(slug: "dyffryn") { slug name { en cy } languages primaryDomain branding { brandColour } promises { triageWithinMinutes } } }' });
    expect(status).toBe(200);
    expect(body.data.tenant).toEqual({
      slug: 'dyffryn',
      name: { en: 'Dyffryn Police', cy: 'Heddlu Dyffryn' },
      languages: ['en', 'cy'],
      primaryDomain: 'report.dyffryn.police.example',
      branding: { brandColour: '#00543c' },
      promises: { triageWithinMinutes: 45 },
    });
  });

  it('finds a force by the host a trusted proxy (the force site) forwards, by exact domain or <slug>.localhost', async () => {
    const byDomain = await graphql({ query: '{ tenant { slug } }' }, { 'x-forwarded-host': 'online.eastmarch.police.example' });
    expect(byDomain.body.data.tenant.slug).toBe('eastmarch');
    const byLocalhost = await graphql({ query: '{ tenant { slug } }' }, { 'x-forwarded-host': 'northshire.localhost:3000' });
    expect(byLocalhost.body.data.tenant.slug).toBe('northshire');
  });

  it('answers an unknown host or slug with TENANT_NOT_FOUND, naming no force', async () => {
    for (const response of [
      await graphql({ query: '{ tenant { slug } }' }, { 'x-forwarded-host': 'report.nowhere.example' }),
      await graphql({ query: '{ tenant(slug: "nowhere") { slug } }' }),
    ]) {
      expect(response.body.data).toBeNull();
      expect(response.body.errors).toEqual([expect.objectContaining({ message: 'No police force is served at this address.', extensions: expect.objectContaining({ code: 'TENANT_NOT_FOUND' }) })]);
    }
  });

  it('refuses a malformed slug with a specific message', async () => {
    const { body } = await graphql({ query: '{ tenant(slug: "DROP TABLE") { slug } }' });
    expect(body.errors?.[0]).toMatchObject({ message: 'slug must be lower-case letters, digits and hyphens.', extensions: { code: 'INVALID_TENANT_REQUEST' } });
  });
});

describe('GraphQL hardening', () => {
  it('answers malformed GraphQL with a 400 and the parse error', async () => {
    const { status, body } = await graphql({ query: '{ tenant(slug: "northshire") { slug ' });
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers a variable of the wrong type with a 400 naming the variable', async () => {
    const { status, body } = await graphql({ query: 'query Find($slug: String) { tenant(slug: $slug) { slug } }', variables: { slug: ['northshire'] } });
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringContaining('$slug'), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('answers a body that is not JSON with a 400', async () => {
    const { status } = await graphql('{not json');
    expect(status).toBe(400);
  });

  it('refuses a query nested deeper than the limit before running it', async () => {
    const allowed = await graphql({ query: '{ tenant(slug: "northshire") { branding { brandColour } } }' });
    expect(allowed.body.data.tenant.branding.brandColour).toBe('#003a70');
    const { status, body } = await graphql({ query: '{ tenant(slug: "northshire") { branding { logoText { en } } } }' });
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/exceeds maximum operation depth of 2/);
  });

  it('refuses a query whose cost exceeds the limit', async () => {
    const fields = 'slug name { en cy } branding { brandColour secondaryColour } contact { nonEmergency }';
    const aliases = Array.from({ length: 120 }, (_, index) => `t${index}: tenant(slug: "northshire") { ${fields} }`).join(' ');
    const { status, body } = await graphql({ query: `{ ${aliases} }` });
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', maxCost: 1000 } });
  });

  it('blocks a cross-site simple request (CSRF prevention)', async () => {
    const response = await fetch(`${stack.apiUrl}/graphql?query=${encodeURIComponent('{ tenant(slug: "northshire") { slug } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });

  it('serves the schema that is committed in apps/api/schema.gql', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(await buildApiSchemaText()).toBe(committed);
    const live = printSchema(lexicographicSortSchema(stack.api.get(GraphQLSchemaHost).schema));
    expect(committed).toContain(live);
  });
});

describe('health', () => {
  it('reports live and ready with the database reachable', async () => {
    expect(await (await fetch(`${stack.apiUrl}/health/live`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${stack.apiUrl}/health/ready`)).json()).toEqual({ status: 'ok', database: 'ok' });
  });
});

describe('in production', () => {
  let production: TestStack;
  beforeAll(async () => {
    production = await startTestStack({ NODE_ENV: 'production', DATABASE_URL: 'postgres://unused.invalid/x', DATABASE_APP_PASSWORD: 'not-used-by-this-test', SESSION_SECRET: randomBytes(36).toString('base64url'), SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  afterAll(() => production?.close());

  it('turns introspection and field suggestions off', async () => {
    const ask = (query: string) =>
      fetch(`${production.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((response) => response.json() as Promise<{ errors?: { message: string }[] }>);
    expect((await ask('{ __schema { types { name } } }')).errors?.[0].message).toMatch(/introspection/i);
    const misspelt = await ask('{ tenant(slug: "northshire") { slg } }');
    expect(misspelt.errors?.[0].message).toMatch(/Cannot query field "slg"/);
    expect(misspelt.errors?.[0].message).not.toMatch(/Did you mean/);
  });
});
