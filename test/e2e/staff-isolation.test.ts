import { randomUUID } from 'node:crypto';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

/**
 * The isolation matrix: every staff operation, given another force's ids or references, answers as
 * for a record that does not exist and changes nothing; a bad token of any kind gets 401; nothing a
 * caller sends (a header, an argument) moves them into another force.
 */
let stack: TestStack;
let issuer: TestIssuer;
let east: { id: string; reference: string; duplicateLink: string; file: string };
let north: { reference: string };

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

async function call(bearer: string | null, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const northshireHandler = () => issuer.token({ realm: 'northshire', roles: ['call-handler', 'supervisor'], subject: 'north-1', name: 'North One' });

/** Everything about eastmarch's report that an operation could change. */
const eastState = async () => ({
  report: await sql(`SELECT * FROM reports WHERE id = $1`, [east.id]),
  events: await sql(`SELECT id, kind FROM report_events WHERE report_id = $1 ORDER BY id`, [east.id]),
  duplicates: await sql(`SELECT * FROM report_duplicates WHERE report_id = $1`, [east.id]),
  audit: await sql(`SELECT count(*)::int AS n FROM audit_events WHERE subject_id = $1`, [east.id]),
  evidence: await sql(`SELECT * FROM evidence_files WHERE report_id = $1`, [east.id]),
});

beforeAll(async () => {
  issuer = await startTestIssuer();
  // The worker stays idle (it would mark SLA breaches, audit events of its own, while tests count them).
  stack = await startTestStack({ IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000' });
  const place = { latitude: 54.3, longitude: -0.5 };
  // Two eastmarch reports at one place: the second is linked to the first as a possible duplicate.
  await submitThroughApi(stack.apiUrl, 'eastmarch.localhost', 'report-a-crime', theftAnswers({ where: place }));
  const { reference } = await submitThroughApi(stack.apiUrl, 'eastmarch.localhost', 'report-a-crime', theftAnswers({ where: place }));
  const [row] = await sql(`SELECT r.id, d.id AS link FROM reports r JOIN report_duplicates d ON d.report_id = r.id WHERE r.reference = $1`, [reference]);
  // A clean file on it, as if uploaded and scanned (the evidence tests upload for real).
  const [file] = await sql(
    `INSERT INTO evidence_files (tenant_id, submission_id, report_id, question_id, source, original_name, kind, media_type, size_bytes, sha256, storage_key, scan_status)
     SELECT r.tenant_id, r.draft_id, r.id, 'evidence', 'journey', 'cctv.mp4', 'video', 'video/mp4', 10, repeat('a', 64), 'evidence/' || r.tenant_id || '/' || r.draft_id || '/' || gen_random_uuid() || '.original', 'clean'
       FROM reports r WHERE r.id = $1 RETURNING id`,
    [row.id],
  );
  east = { id: row.id, reference, duplicateLink: row.link, file: file.id };
  north = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers({ where: { latitude: 54.35, longitude: -2.0 } }));
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});

const THRIVE = Object.fromEntries(['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'].map((name) => [name, { level: 'LOW', note: 'none' }]));
/** Every staff operation that names a report (or a duplicate link), with how to name it. */
const OPERATIONS: { name: string; query: string; variables: (target: string) => Record<string, unknown>; target: 'report' | 'link' | 'file' }[] = [
  { name: 'reportEvidence', query: `query($r: String!) { reportEvidence(report: $r) { id } }`, variables: (r) => ({ r }), target: 'report' },
  ...['ORIGINAL', 'DISPLAY', 'THUMBNAIL'].map((variant) => ({
    name: `evidenceLink ${variant}`,
    query: `query($f: String!, $v: EvidenceVariant!) { evidenceLink(file: $f, variant: $v) { path } }`,
    variables: (f: string) => ({ f, v: variant }),
    target: 'file' as const,
  })),
  { name: 'report', query: `query($r: String!) { report(report: $r, reason: "triage") { id } }`, variables: (r) => ({ r }), target: 'report' },
  { name: 'reportAuditTrail', query: `query($r: String!) { reportAuditTrail(report: $r) { id } }`, variables: (r) => ({ r }), target: 'report' },
  { name: 'claimReport', query: `mutation($r: String!) { claimReport(report: $r, takeOver: true) { id } }`, variables: (r) => ({ r }), target: 'report' },
  { name: 'releaseReport', query: `mutation($r: String!) { releaseReport(report: $r) { id } }`, variables: (r) => ({ r }), target: 'report' },
  { name: 'recordThrive', query: `mutation($r: String!, $t: ThriveInput!) { recordThrive(report: $r, thrive: $t) { id } }`, variables: (r) => ({ r, t: THRIVE }), target: 'report' },
  ...['ALLOCATE', 'DISPATCH', 'TRANSFER', 'REFER', 'REQUEST_INFORMATION', 'CLOSE'].map((decision) => ({
    name: `decideReport ${decision}`,
    query: `mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { id } }`,
    variables: (r: string) => ({ r, d: { decision, messageToReporter: 'x', unit: 'CID', agency: 'RSPCA', toForce: 'dyffryn', closeReason: 'resolved' } }),
    target: 'report' as const,
  })),
  { name: 'resolveDuplicate', query: `mutation($l: String!) { resolveDuplicate(link: $l, confirm: true) { id } }`, variables: (l) => ({ l }), target: 'link' },
];

describe('a northshire token given eastmarch’s records', () => {
  it.each(OPERATIONS)('$name answers as for a missing record and changes nothing', async (operation) => {
    const bearer = await northshireHandler();
    const before = await eastState();
    const targets = operation.target === 'link' ? [east.duplicateLink] : operation.target === 'file' ? [east.file] : [east.id, east.reference, east.reference.replace(/(...)(...)(...)/, '$1-$2-$3').toLowerCase()];
    const missing = operation.target === 'link' ? randomUUID() : randomUUID();
    const answerForMissing = await call(bearer, operation.query, operation.variables(missing));
    expect(answerForMissing.body.errors?.[0]).toMatchObject({ message: 'Not found, or you do not have access to it.', extensions: { code: 'NOT_FOUND' } });
    for (const target of targets) {
      const answer = await call(bearer, operation.query, operation.variables(target));
      expect({ status: answer.status, data: answer.body.data ?? null, errors: answer.body.errors?.map((error) => ({ message: error.message, code: error.extensions?.code })) }).toEqual({
        status: answerForMissing.status,
        data: answerForMissing.body.data ?? null,
        errors: answerForMissing.body.errors?.map((error) => ({ message: error.message, code: error.extensions?.code })),
      });
    }
    expect(await eastState()).toEqual(before);
  });

  it('lists only its own force in the queue, the counts and the breaches, whatever Host or forwarded host the request names', async () => {
    const bearer = await northshireHandler();
    await sql(`UPDATE reports SET triage_by = now() - interval '1 hour'`);
    const headers = { 'x-forwarded-host': 'eastmarch.localhost', host: 'eastmarch.localhost' };
    const queue = await call(bearer, `{ queue(first: 200) { items { reference } } queueCounts { queue } breaches(withinMinutes: 60) { reference } me { force } }`, {}, headers);
    expect(queue.body.data.me.force).toBe('northshire');
    expect(queue.body.data.queue.items.map((item: { reference: string }) => item.reference)).toEqual([north.reference]);
    expect(queue.body.data.breaches.map((item: { reference: string }) => item.reference)).toEqual([north.reference]);
    expect(queue.body.data.queueCounts.map((count: { queue: string }) => count.queue)).toEqual(['tdiu']);
    // eastmarch's queue name filters northshire's reports only.
    const named = await call(bearer, `{ queue(queue: "crime-desk") { total items { reference } } }`);
    expect(named.body.data.queue).toEqual({ total: 0, items: [] });
  });

  it('cannot name a force in an argument: there is none to name', async () => {
    const answer = await call(await northshireHandler(), `{ queue(force: "eastmarch") { total } }`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0].message).toMatch(/Unknown argument "force"/);
  });
});

describe('tokens', () => {
  const QUERY = `{ queue { total } }`;
  const base = { realm: 'northshire', roles: ['call-handler'] };

  it('accepts a valid access token', async () => {
    const answer = await call(await issuer.token(base), QUERY);
    expect(answer.status).toBe(200);
    expect(answer.body.data.queue.total).toBeGreaterThanOrEqual(1);
  });

  const refused: [string, () => Promise<string | null>][] = [
    ['no token', async () => null],
    ['a wrong audience', () => issuer.token({ ...base, audience: 'another-service' })],
    ['a wrong issuer (one no force trusts)', () => issuer.token({ ...base, realm: 'nowhere' })],
    ['an issuer of one force with a key it never published', () => issuer.token({ ...base, foreignKey: true })],
    ['an expired token', () => issuer.token({ ...base, expiresIn: -120 })],
    ['an ID token in place of an access token', () => issuer.token({ ...base, typ: 'ID', extraClaims: { nonce: 'n-0S6_WzA2Mj', at_hash: 'MTIzNDU2Nzg5MDEyMzQ1Ng' } })],
    [
      'alg: none',
      async () => {
        const valid = await issuer.token(base);
        const [, payload] = valid.split('.');
        return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      },
    ],
    [
      'HS256 signed with the public key (algorithm confusion)',
      async () => {
        const valid = await issuer.token(base);
        const [, payload] = valid.split('.');
        return `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'test-key' })).toString('base64url')}.${payload}.c2lnbmF0dXJl`;
      },
    ],
    ['garbage', async () => 'not.a.token'],
  ];

  it.each(refused)('refuses %s with 401 and runs nothing', async (_name, make) => {
    const before = await sql(`SELECT count(*)::int AS n FROM audit_events`);
    const bearer = await make();
    const answer = await call(bearer, `mutation { claimReport(report: "${north.reference}") { id } }`);
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.body.data ?? null).toBeNull();
    expect(await sql(`SELECT count(*)::int AS n FROM audit_events`)).toEqual(before);
    expect((await sql(`SELECT claimed_by FROM reports WHERE reference = $1`, [north.reference]))[0].claimed_by).toBeNull();
  });

  it('gives a role nothing outside its realm: national-admin claimed in a force realm, a force role in the national realm', async () => {
    const nationalInForce = await call(await issuer.token({ realm: 'northshire', roles: ['national-admin'] }), QUERY);
    expect(nationalInForce.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const forceRoleInNational = await call(await issuer.token({ realm: 'national', roles: ['call-handler'] }), QUERY);
    expect(forceRoleInNational.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const adminReadsReport = await call(await issuer.token({ realm: 'northshire', roles: ['force-admin'] }), `{ report(report: "${north.reference}", reason: "curious") { id } }`);
    expect(adminReadsReport.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
