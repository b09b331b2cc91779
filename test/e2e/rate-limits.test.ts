import { createHash } from 'node:crypto';
import { PublicVisitor } from '../support/public-site.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Rate limits, each with a client flooding and an honest one beside it (they differ by address:
 * the test's loopback is a trusted proxy, so X-Forwarded-For names the client, as an ingress would).
 */
let stack: TestStack;
const NORTH = 'northshire.localhost';
const EAST = 'eastmarch.localhost';
/** Inside Northshire's area, so the report stays with Northshire. */
const IN_NORTHSHIRE = { latitude: 54.35, longitude: -2.0 };

beforeAll(async () => {
  stack = await startTestStack({
    RATE_LIMITS_ENABLED: 'true',
    RATE_LIMIT_POSTS_PER_CLIENT: '20/60',
    RATE_LIMIT_POSTS_PER_FORCE: '60/60',
    RATE_LIMIT_TRACKING_PER_CLIENT: '8/600',
    RATE_LIMIT_GRAPHQL_COST_PER_CLIENT: '4000/60',
    METRICS_ENABLED: 'true',
    METRICS_PORT: '0',
  });
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

/** A GraphQL call as the force site makes it for the reader at `client`. */
async function graphql(client: string, query: string, variables: Record<string, unknown> = {}, host = NORTH) {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-host': host, 'x-forwarded-for': client },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
}

async function refusalsMetric(app: 'web' | 'api'): Promise<string[]> {
  const text = await (await fetch(`${stack.metrics[app]!.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('front_counter_rate_limited_total{'));
}

describe('public form posts', () => {
  it('a client that floods a force site is slowed with 429, Retry-After and a page in both languages; an honest client beside it is not', async () => {
    const flooder = new PublicVisitor(stack.webUrl, NORTH, '198.51.100.7');
    const honest = new PublicVisitor(stack.webUrl, NORTH, '203.0.113.40');
    await flooder.get('/track');
    const answers = [];
    for (let index = 0; index < 24; index++) answers.push(await flooder.post('/nowhere', {}));
    expect(answers.slice(0, 20).map((answer) => answer.status)).not.toContain(429);
    const refused = answers.slice(20);
    expect(refused.map((answer) => answer.status)).toEqual([429, 429, 429, 429]);
    const page = refused[0];
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(page.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(page.text).toContain('<title>You have sent too many requests – Northshire Police</title>');
    expect(page.text).toContain('You have sent too many requests');
    expect(page.text).toContain('Rydych wedi anfon gormod o geisiadau');
    expect(page.text).toMatch(/Wait (\d+ seconds|1 minute) and then try again/);
    expect(page.text).toContain('lang="cy"');

    // The honest reader at another address carries on.
    await honest.get('/track');
    expect((await honest.post('/track', { reference: '', email: '' })).status).toBe(400);
    expect(await refusalsMetric('web')).toContainEqual(expect.stringMatching(/^front_counter_rate_limited_total\{limit="postsPerClient",force="northshire"[^}]*\} [1-9]/));
  });

  it('a force flooded from many addresses is slowed as a whole, and another force is not', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 70; index++) {
      const visitor = new PublicVisitor(stack.webUrl, EAST, `192.0.2.${index + 1}`);
      statuses.push((await visitor.post('/nowhere', {})).status);
    }
    expect(statuses.slice(0, 60)).not.toContain(429);
    expect(statuses.slice(60).every((status) => status === 429)).toBe(true);
    // A new reader of that force waits too; Northshire's readers do not.
    expect((await new PublicVisitor(stack.webUrl, EAST, '203.0.113.41').post('/nowhere', {})).status).toBe(429);
    const northern = new PublicVisitor(stack.webUrl, NORTH, '203.0.113.42');
    await northern.get('/track');
    expect((await northern.post('/track', { reference: '', email: '' })).status).toBe(400);
    expect(await refusalsMetric('web')).toContainEqual(expect.stringMatching(/^front_counter_rate_limited_total\{limit="postsPerForce",force="eastmarch"[^}]*\} [1-9]/));
  });
});

describe('GraphQL by cost', () => {
  it('aliases count: a client spending its cost allowance on aliased fields gets RATE_LIMITED with 429 and Retry-After; another client is served', async () => {
    const aliases = Array.from({ length: 40 }, (_, index) => `t${index}: tenant { slug name { en cy } languages }`).join(' ');
    const results = [];
    for (let index = 0; index < 30; index++) results.push(await graphql('198.51.100.20', `{ ${aliases} }`));
    const refused = results.find((result) => result.status === 429);
    expect(results[0].status).toBe(200);
    expect(refused).toBeDefined();
    expect(refused!.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'graphqlCostPerClient' });
    expect(Number(refused!.retryAfter)).toBeGreaterThan(0);
    // Refused before anything ran.
    expect(refused!.data).toBeUndefined();

    const other = await graphql('203.0.113.50', '{ tenant { slug } }');
    expect(other).toMatchObject({ status: 200, data: { tenant: { slug: 'northshire' } } });
    expect(await refusalsMetric('api')).toContainEqual(expect.stringMatching(/^front_counter_rate_limited_total\{limit="graphqlCostPerClient",force="northshire"[^}]*\} [1-9]/));
  });

  it('many aliased drafts in one request cost as many requests would: refused before any is made', async () => {
    const starts = Array.from({ length: 15 }, (_, index) => `s${index}: startJourney(serviceId: "report-a-crime", session: "${'x'.repeat(40)}${String(index).padStart(3, '0')}", language: en) { current }`).join(' ');
    const before = (await sql(`SELECT count(*)::int AS count FROM drafts`))[0].count;
    const outcomes = [];
    for (let index = 0; index < 10; index++) outcomes.push(await graphql('198.51.100.21', `mutation { ${starts} }`));
    // Each startJourney costs 100: fifteen in one operation are over the cost limit of one request.
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 400, errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
    expect((await sql(`SELECT count(*)::int AS count FROM drafts`))[0].count).toBe(before);
    // Within the cost limit, a client's allowance (4,000 a minute here) runs out after 40 drafts, not 150.
    const few = Array.from({ length: 5 }, (_, index) => `s${index}: startJourney(serviceId: "report-a-crime", session: "${'y'.repeat(40)}${String(index).padStart(3, '0')}", language: en) { current }`).join(' ');
    const statuses = [];
    for (let index = 0; index < 10; index++) statuses.push((await graphql('198.51.100.22', `mutation { ${few.replaceAll('yyy', `y${index}y`)} }`)).status);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(8);
    expect(statuses.at(-1)).toBe(429);
    expect((await sql(`SELECT count(*)::int AS count FROM drafts`))[0].count - before).toBeLessThanOrEqual(40);
  });
});

describe('tracking', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const VERIFY = `mutation($r: String!, $c: String!) { verifyTrackingCode(reference: $r, code: $c) { token errors { field message { en } } } }`;
  const REQUEST = `mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`;

  /** A submitted report whose newest code is `code` (the e-mailed code's hash set to a known one). */
  async function reportWithCode(email: string, client: string): Promise<{ reference: string; setCode: (code: string) => Promise<void> }> {
    const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ email, where: IN_NORTHSHIRE }));
    expect((await graphql(client, REQUEST, { r: reference, e: email })).status).toBe(200);
    const setCode = async (code: string) => {
      const [report] = await sql(`SELECT id FROM reports WHERE reference = $1`, [reference]);
      await sql(`UPDATE tracking_codes SET code_hash = $2 WHERE id = (SELECT id FROM tracking_codes WHERE report_id = $1 ORDER BY created_at DESC LIMIT 1)`, [report.id, sha256(`${report.id}:${code}`)]);
    };
    await setCode('246810');
    return { reference, setCode };
  }

  it('a stranger who knows a reference spends only their own tries: the reporter still opens the report with their code', async () => {
    const { reference } = await reportWithCode('reporter.one@example.com', '203.0.113.60');
    const stranger = '198.51.100.30';
    const tries = [];
    for (let index = 0; index < 10; index++) tries.push(await graphql(stranger, VERIFY, { r: reference, c: String(100000 + index) }));
    // Five wrong tries of the code, then the code is spent for the stranger; then the tracking allowance runs out (429).
    expect(tries.slice(0, 4).map((attempt) => attempt.data?.verifyTrackingCode.errors[0].message.en)).toEqual([
      'The code is not right. You have 4 more tries',
      'The code is not right. You have 3 more tries',
      'The code is not right. You have 2 more tries',
      'The code is not right. You have 1 more tries',
    ]);
    expect(tries[5].data?.verifyTrackingCode.errors[0].message.en).toMatch(/expired or been used too many times/);
    expect(tries.slice(8).map((attempt) => attempt.status)).toEqual([429, 429]);
    expect(tries[9].errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'trackingPerClient' });

    const reporter = await graphql('203.0.113.60', VERIFY, { r: reference, c: '246810' });
    expect(reporter.status).toBe(200);
    expect(reporter.data.verifyTrackingCode.errors).toEqual([]);
    expect(reporter.data.verifyTrackingCode.token).toMatch(/^[\w-]{43}$/);
    // No client address is stored with the tries.
    expect(JSON.stringify(await sql(`SELECT client_attempts FROM tracking_codes`))).not.toMatch(/198\.51|203\.0/);
  });

  it('a code guessed at from many addresses is spent after 25 tries in all, and the reporter can always ask for a new one', async () => {
    const email = 'reporter.two@example.com';
    const { reference, setCode } = await reportWithCode(email, '203.0.113.61');
    for (let client = 0; client < 5; client++) {
      for (let index = 0; index < 5; index++) await graphql(`198.51.100.${100 + client}`, VERIFY, { r: reference, c: String(200000 + index) });
    }
    const [code] = await sql(`SELECT attempts FROM tracking_codes t JOIN reports r ON r.id = t.report_id WHERE r.reference = $1 ORDER BY t.created_at DESC LIMIT 1`, [reference]);
    expect(code.attempts).toBe(25);
    // Spent for everyone, the reporter included...
    expect((await graphql('203.0.113.61', VERIFY, { r: reference, c: '246810' })).data.verifyTrackingCode.errors[0].message.en).toMatch(/expired or been used too many times/);
    // ...who asks for new codes: a code spent by others' guesses does not count against the three an hour.
    for (let round = 0; round < 3; round++) {
      expect((await graphql('203.0.113.61', REQUEST, { r: reference, e: email })).status).toBe(200);
    }
    const [{ count }] = await sql(`SELECT count(*)::int AS count FROM tracking_codes t JOIN reports r ON r.id = t.report_id WHERE r.reference = $1`, [reference]);
    expect(count).toBe(4);
    await setCode('135790');
    const opened = await graphql('203.0.113.61', VERIFY, { r: reference, c: '135790' });
    expect(opened.data.verifyTrackingCode.token).toMatch(/^[\w-]{43}$/);
  });
});
