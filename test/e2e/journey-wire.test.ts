import { createHash, randomBytes } from 'node:crypto';
import { contactUsSteps } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The journey wire (apps/api/src/journey-wire.ts): the web's three hot calls as plain JSON routes on
 * the api. Each must answer what the GraphQL operation of the same name answers, refuse what it
 * refuses with the same code, and spend the same rate-limit allowance.
 */
let stack: TestStack;
const NORTH = 'northshire.localhost';
const EAST = 'eastmarch.localhost';

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_GRAPHQL_COST_PER_CLIENT: '400/600', RATE_LIMIT_POSTS_PER_CLIENT: '1000/60', RATE_LIMIT_POSTS_PER_FORCE: '1000/60', OUTBOX_POLL_MS: '60000' });
}, 120_000);
afterAll(() => stack?.close());

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
const session = () => randomBytes(32).toString('base64url');
let clients = 0;
/** Each test its own client address (the loopback is a trusted proxy), so allowances do not mix. */
const newClient = () => `198.51.100.${++clients}`;
let testClient: string;
beforeEach(() => {
  testClient = newClient();
});

async function wire(call: string, body: unknown, options: { host?: string; client?: string; contentType?: string } = {}) {
  const response = await fetch(`${stack.apiUrl}/journey-wire/${call}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', 'x-forwarded-host': options.host ?? NORTH, 'x-forwarded-for': options.client ?? testClient },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const parsed = (await response.json()) as { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: response.status, cacheControl: response.headers.get('cache-control'), retryAfter: response.headers.get('retry-after'), ...parsed };
}

async function graphql(query: string, variables: Record<string, unknown>, options: { host?: string; client?: string } = {}) {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-host': options.host ?? NORTH, 'x-forwarded-for': options.client ?? testClient },
    body: JSON.stringify({ query, variables }),
  });
  const parsed = (await response.json()) as { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: response.status, cacheControl: response.headers.get('cache-control'), ...parsed };
}

// The fields of the web's JourneyState fragment, which the wire answers.
const JOURNEY = 'serviceId formVersionId formVersion language current path answers reference confirmationEmail confirmationText transferredTo { en cy } expiresAt';
const ERRORS = 'field questionId message { en cy }';
const JOURNEY_QUERY = `query($serviceId: String!, $session: String!) { journey(serviceId: $serviceId, session: $session) { ${JOURNEY} } }`;
const ANSWER = `mutation($serviceId: String!, $session: String!, $pageId: String!, $values: JSON!, $returnToCheck: Boolean!) { answerPage(serviceId: $serviceId, session: $session, pageId: $pageId, values: $values, returnToCheck: $returnToCheck) { journey { ${JOURNEY} } errors { ${ERRORS} } nextPageId } }`;
const SUBMIT = `mutation($serviceId: String!, $session: String!, $values: JSON!) { submitReport(serviceId: $serviceId, session: $session, values: $values) { reference errors { ${ERRORS} } } }`;
const START = `mutation($serviceId: String!, $session: String!, $language: Language!) { startJourney(serviceId: $serviceId, session: $session, language: $language) { ${JOURNEY} } }`;
const start = (token: string, host = NORTH) => graphql(`mutation($t: String!) { startJourney(serviceId: "contact-us", session: $t, language: en) { current } }`, { t: token }, { host, client: newClient() });

/** Two journeys a second apart differ only in when they expire. */
const sameBut = (value: any) => JSON.parse(JSON.stringify(value), (key, item) => (key === 'expiresAt' ? 'when it expires' : key === 'reference' && item ? 'its reference' : item));

describe('the journey wire', () => {
  it('starts a journey and answers a journey, an answer (saved or refused) and a submission exactly as the GraphQL operations of the same names do', async () => {
    const [byWire, byGraphql] = [session(), session()];
    const read = { serviceId: 'contact-us' };
    // Northshire's site is in English only: Welsh asked for starts in English, on either path.
    // (Each from a client of its own, as start() does: a new draft costs a hundred fields of the allowance.)
    const started = await wire('startJourney', { ...read, session: byWire, language: 'cy' }, { client: newClient() });
    expect(started.status).toBe(200);
    expect(started.data.startJourney).toMatchObject({ current: 'emergency', language: 'en', answers: {} });
    expect(sameBut(started.data)).toEqual(sameBut((await graphql(START, { ...read, session: byGraphql, language: 'cy' }, { client: newClient() })).data));
    expect(await sql(`SELECT language FROM drafts WHERE session_hash = $1`, [createHash('sha256').update(byWire).digest('hex')])).toEqual([{ language: 'en' }]);
    const first = await wire('journey', { ...read, session: byWire });
    expect(first.status).toBe(200);
    expect(first.cacheControl).toBe('no-store');
    expect(first.data.journey.current).toBe('emergency');
    const firstByGraphql = await graphql(JOURNEY_QUERY, { ...read, session: byGraphql });
    expect(sameBut(first.data)).toEqual(sameBut(firstByGraphql.data));
    expect(firstByGraphql.cacheControl).toBe('no-store');

    // Field errors, in both languages, and nothing saved.
    const refusedByWire = await wire('answerPage', { ...read, session: byWire, pageId: 'emergency', values: {}, returnToCheck: false });
    const refusedByGraphql = await graphql(ANSWER, { ...read, session: byGraphql, pageId: 'emergency', values: {}, returnToCheck: false });
    expect(refusedByWire.data.answerPage.errors).toEqual([expect.objectContaining({ field: 'emergency', message: { en: expect.any(String), cy: expect.any(String) } })]);
    expect(sameBut(refusedByWire.data)).toEqual(sameBut(refusedByGraphql.data));

    for (const [pageId, values] of contactUsSteps()) {
      const answered = await wire('answerPage', { ...read, session: byWire, pageId, values, returnToCheck: false });
      expect(answered.status).toBe(200);
      expect(sameBut(answered.data)).toEqual(sameBut((await graphql(ANSWER, { ...read, session: byGraphql, pageId, values, returnToCheck: false })).data));
    }
    const hash = (token: string) => createHash('sha256').update(token).digest('hex');
    const [saved] = await sql(`SELECT answers FROM drafts WHERE session_hash = $1`, [hash(byWire)]);
    expect(saved.answers).toMatchObject({ 'contact-reason': { contactReason: 'compliment' }, 'your-details': { fullName: 'Alex Reporter' } });

    // The declaration refused without its tick, then sent: the same reference when sent again.
    expect(sameBut((await wire('submitReport', { ...read, session: byWire, values: {} })).data)).toEqual(sameBut((await graphql(SUBMIT, { ...read, session: byGraphql, values: {} })).data));
    const sent = await wire('submitReport', { ...read, session: byWire, values: { confirm: 'yes' } });
    expect(sent.data.submitReport).toEqual({ reference: expect.stringMatching(/^[A-Z0-9-]+$/), errors: [] });
    expect((await wire('submitReport', { ...read, session: byWire, values: { confirm: 'yes' } })).data.submitReport.reference).toBe(sent.data.submitReport.reference);
    expect(await sql(`SELECT count(*)::int AS n FROM reports WHERE reference = $1`, [sent.data.submitReport.reference])).toEqual([{ n: 1 }]);
    expect(sameBut((await wire('journey', { ...read, session: byWire })).data)).toEqual(sameBut({ journey: (await graphql(JOURNEY_QUERY, { ...read, session: byWire })).data.journey }));
  });

  it('finds the force from the Host as GraphQL does: another force never sees the journey, an unknown host is refused', async () => {
    const token = session();
    await start(token);
    expect((await wire('journey', { serviceId: 'contact-us', session: token }, { host: EAST })).data).toEqual({ journey: null });
    const unknown = await wire('journey', { serviceId: 'contact-us', session: token }, { host: 'nowhere.example' });
    const unknownByGraphql = await graphql(JOURNEY_QUERY, { serviceId: 'contact-us', session: token }, { host: 'nowhere.example' });
    expect(unknown.errors).toEqual([{ message: unknownByGraphql.errors![0].message, extensions: { code: 'TENANT_NOT_FOUND' } }]);
    expect(unknownByGraphql.errors![0].extensions.code).toBe('TENANT_NOT_FOUND');
    expect(unknown.status).toBe(404);
    // An answer posted on another force's site changes nothing.
    const elsewhere = await wire('answerPage', { serviceId: 'contact-us', session: token, pageId: 'emergency', values: { emergency: 'no' }, returnToCheck: false }, { host: EAST });
    expect(elsewhere.errors?.[0].extensions.code).toBe('JOURNEY_NOT_FOUND');
    expect((await wire('journey', { serviceId: 'contact-us', session: token })).data.journey.answers).toEqual({});
  });

  it('refuses malformed calls with a clear 400 and a code, and stores nothing of them', async () => {
    const [token, unstarted] = [session(), session()];
    await start(token);
    const call = { serviceId: 'contact-us', session: token, pageId: 'emergency', returnToCheck: false };
    const refusals = [
      [await wire('answerPage', { ...call, values: { emergency: 'no\u0000' } }), 400, 'BAD_USER_INPUT', /NUL character/],
      [await wire('answerPage', { ...call, values: { emergency: '\ud800' } }), 400, 'BAD_USER_INPUT', /unpaired surrogate/],
      [await wire('answerPage', { ...call, values: ['no'] }), 400, 'INVALID_ANSWER', /values must be an object/],
      [await wire('answerPage', { ...call, values: { emergency: { nested: 'no' } } }), 400, 'INVALID_ANSWER', /values\.emergency must be a string/],
      [await wire('answerPage', { ...call, values: { emergency: 'no' }, returnToCheck: 'yes' }), 400, 'BAD_USER_INPUT', /returnToCheck" must be true or false/],
      [await wire('answerPage', { ...call, pageId: undefined, values: { emergency: 'no' } }), 400, 'BAD_USER_INPUT', /pageId" must be a string/],
      [await wire('journey', ['contact-us', token]), 400, 'BAD_REQUEST', /JSON object/],
      [await wire('journey', `serviceId=contact-us&session=${token}`, { contentType: 'text/plain' }), 400, 'BAD_REQUEST', /JSON object/],
      [await wire('submitReport', { serviceId: 'contact-us', session: token, values: { confirm: 'yes' } }), 409, 'NOT_READY_TO_SUBMIT', /./],
      [await wire('startJourney', { serviceId: 'contact-us', session: unstarted, language: 'fr' }), 400, 'BAD_USER_INPUT', /language" must be en or cy/],
      [await wire('startJourney', { serviceId: 'no-such-service', session: unstarted, language: 'en' }), 404, 'SERVICE_NOT_FOUND', /./],
    ] as const;
    for (const [answer, status, code, message] of refusals) {
      expect({ status: answer.status, code: answer.errors?.[0].extensions.code }).toEqual({ status, code });
      expect(answer.errors?.[0].message).toMatch(message);
    }
    expect((await wire('journey', { serviceId: 'contact-us', session: token })).data.journey.answers).toEqual({});
    expect(await sql(`SELECT count(*)::int AS n FROM reports r JOIN drafts d ON d.report_id = r.id WHERE d.session_hash = $1`, [createHash('sha256').update(token).digest('hex')])).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM drafts WHERE session_hash = $1`, [createHash('sha256').update(unstarted).digest('hex')])).toEqual([{ n: 0 }]);
    // Nothing but the four calls, by POST.
    expect((await fetch(`${stack.apiUrl}/journey-wire/journey`, { headers: { 'x-forwarded-host': NORTH } })).status).toBe(404);
    expect((await wire('resumeJourney', { resumeToken: 'x', session: token })).status).toBe(404);
  });

  it('spends the client\'s GraphQL allowance at the cost of the same GraphQL operation, and answers 429 with Retry-After once it is spent', async () => {
    const token = session();
    await start(token, NORTH);
    const until429 = async (once: (client: string) => Promise<{ status: number }>) => {
      const client = newClient();
      for (let calls = 0; calls < 500; calls++) if ((await once(client)).status === 429) return calls;
      throw new Error('never refused');
    };
    const variables = { serviceId: 'contact-us', session: token };
    const byWire = await until429((client) => wire('journey', variables, { client }));
    const byGraphql = await until429((client) => graphql(JOURNEY_QUERY, variables, { client }));
    expect(byWire).toBeGreaterThan(5);
    expect(byWire).toBe(byGraphql);
    // Starting a journey costs as a new draft does (a hundred fields' worth), on either path.
    const starts = { serviceId: 'contact-us', session: session(), language: 'en' };
    expect(await until429((client) => wire('startJourney', starts, { client }))).toBe(await until429((client) => graphql(START, starts, { client })));
    const client = newClient();
    let refused;
    do refused = await wire('journey', variables, { client });
    while (refused.status !== 429);
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Too many requests from this client\. Try again in \d+ seconds\.$/), extensions: { code: 'RATE_LIMITED', limit: 'graphqlCostPerClient' } });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // Another client beside it is not slowed.
    expect((await wire('journey', variables, { client: newClient() })).status).toBe(200);
  });
});
