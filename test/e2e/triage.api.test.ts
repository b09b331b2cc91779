import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { graphqlAs } from '../support/graphql.js';
import { submitThroughApi, theftAnswers, type PageAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer, type TokenOptions } from '../support/test-issuer.js';

let stack: TestStack;
let issuer: TestIssuer;
let dataDirectory: string;
const NORTH = 'northshire.localhost';
const EAST = 'eastmarch.localhost';
/** Points inside the fictional forces' areas (tenants/<force>/boundary.geojson), and one in neither. */
const IN_NORTHSHIRE = { latitude: 54.3, longitude: -1.6 };
const IN_EASTMARCH = { latitude: 54.3, longitude: -0.5 };
const ABROAD = { latitude: 48.8566, longitude: 2.3522 };
/** A new place in northshire for each report, a few kilometres apart, so that reports are not possible duplicates of each other. */
let places = 0;
const placeInNorthshire = () => ({ latitude: 54.35, longitude: -2.1 + 0.03 * places++ });

beforeAll(async () => {
  issuer = await startTestIssuer();
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-triage-'));
  chmodSync(dataDirectory, 0o755);
  // Tokens come from the test issuer, which serves every realm's keys as Keycloak lays them out.
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', IDP_URL: issuer.url, DEV_IDP: 'false' });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
const token = (options: TokenOptions) => issuer.token(options);
const handler = (realm = 'northshire', subject = `${realm}-handler`) => token({ realm, roles: ['call-handler'], subject, name: `${realm} handler` });
const supervisor = (realm = 'northshire') => token({ realm, roles: ['supervisor'], subject: `${realm}-supervisor`, name: `${realm} supervisor` });

type Result = { status: number; data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
async function staff(bearer: string | null, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Result> {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}
const codeOf = (result: Result) => result.errors?.[0]?.extensions?.code;

const DETAIL = `id reference queue priority status tags routingRule claimedByMe claimedByName reporterName reporterEmail answers
  sla { triageBy replyBy triageMinutesLeft triageBreached replyBreached triagedAt firstReplyAt }
  thrive { threat { level note } recordedByName } timeline { kind actorType actorName message details } duplicates { id otherReference reason status } transferredFrom`;
const readReport = (bearer: string, report: string, reason = 'triage') => staff(bearer, `query($r: String!, $why: String!) { report(report: $r, reason: $why) { ${DETAIL} } }`, { r: report, why: reason });
const queue = (bearer: string, args: Record<string, unknown> = {}) =>
  staff(bearer, `query($q: String, $s: [ReportStatus!]) { queue(queue: $q, statuses: $s, first: 200) { total items { id reference queue priority status tags sla { triageMinutesLeft triageBreached } claimedByMe transferredFrom possibleDuplicates } } }`, args);
const claim = (bearer: string, report: string, takeOver = false) => staff(bearer, `mutation($r: String!, $t: Boolean!) { claimReport(report: $r, takeOver: $t) { claimedByMe claimedByName } }`, { r: report, t: takeOver });
const THRIVE = Object.fromEntries(['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'].map((name) => [name, { level: 'LOW', note: `No ${name} concerns found.` }]));
const recordThrive = (bearer: string, report: string, thrive: unknown = THRIVE) => staff(bearer, `mutation($r: String!, $t: ThriveInput!) { recordThrive(report: $r, thrive: $t) { thrive { threat { level } } } }`, { r: report, t: thrive });
const decide = (bearer: string, report: string, decision: Record<string, unknown>) =>
  staff(bearer, `mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { status claimedByMe } }`, { r: report, d: decision });

const submit = (host: string, answers: PageAnswers = theftAnswers({ where: placeInNorthshire() })) => submitThroughApi(stack.apiUrl, host, 'report-a-crime', answers);
const reportRow = async (reference: string) => (await sql(`SELECT r.*, t.slug FROM reports r JOIN tenants t ON t.id = r.tenant_id WHERE reference = $1`, [reference]))[0];
async function deliverOutbox() {
  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();
}
const mails = () => {
  const directory = path.join(dataDirectory, 'mail');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; tenant: string });
};

function hateCrimeAnswers(): PageAnswers {
  const answers = theftAnswers({ where: placeInNorthshire() });
  delete answers['theft-force'];
  delete answers['stolen-items'];
  return {
    ...answers,
    'crime-type': { crimeType: 'hate-crime' },
    'hate-hostility': { hostilityBasedOn: ['race'] },
    'hate-incident-type': { hateIncidentType: 'verbal' },
  };
}

describe('routing at submission', () => {
  it('places a report by its force’s rules, in the same transaction: queue, priority, deadlines and the rule that matched', async () => {
    const { reference } = await submit(NORTH, theftAnswers({ where: IN_NORTHSHIRE }));
    const row = await reportRow(reference);
    expect(row).toMatchObject({ slug: 'northshire', queue: 'tdiu', priority: 3, routing_rule: 'Other crime', status: 'awaiting-triage', location: IN_NORTHSHIRE });
    // Northshire promises triage within 45 minutes and a reply within 48 hours; the rule keeps both.
    expect(row.triage_by.getTime() - row.submitted_at.getTime()).toBe(45 * 60_000);
    expect(row.reply_by.getTime() - row.submitted_at.getTime()).toBe(48 * 3600_000);
    expect(row.routing_rule_set_id).not.toBeNull();
    const events = await sql(`SELECT kind, details FROM report_events WHERE report_id = $1 ORDER BY id`, [row.id]);
    expect(events.map((event) => event.kind)).toEqual(['submitted', 'routed']);
    expect(events[1].details).toMatchObject({ rule: 'Other crime', queue: 'tdiu', priority: 3 });
  });

  it('puts a hate crime at the top of public protection with a 30-minute deadline', async () => {
    await submit(NORTH);
    const { reference } = await submit(NORTH, hateCrimeAnswers());
    const row = await reportRow(reference);
    expect(row).toMatchObject({ queue: 'public-protection', priority: 1, tags: ['hate-crime'], routing_rule: 'Hate crime' });
    expect(row.triage_by.getTime() - row.submitted_at.getTime()).toBe(30 * 60_000);
    const listed = await queue(await handler());
    expect(listed.data.queue.items[0]).toMatchObject({ reference, queue: 'public-protection', priority: 1 });
    expect(listed.data.queue.items[0].sla.triageMinutesLeft).toBeGreaterThanOrEqual(28);
    const only = await queue(await handler(), { q: 'public-protection' });
    expect(only.data.queue.items.every((item: { queue: string }) => item.queue === 'public-protection')).toBe(true);
  });

  it('stays with the force when the place is in no force’s area, and when no point is given', async () => {
    const abroad = await reportRow((await submit(NORTH, theftAnswers({ where: ABROAD }))).reference);
    expect(abroad).toMatchObject({ slug: 'northshire', routing_rule: 'Other crime' });
    const nowhere = await reportRow((await submit(NORTH, theftAnswers())).reference);
    expect(nowhere).toMatchObject({ slug: 'northshire', routing_rule: 'Other crime', location: null });
  });
});

describe('transfer to the force whose area holds the location', () => {
  it('sends a report made to northshire about a place in eastmarch to eastmarch’s queue; northshire can no longer read it', async () => {
    const { reference, session } = await submit(NORTH, theftAnswers({ where: IN_EASTMARCH, email: 'moved@example.com' }));
    const row = await reportRow(reference);
    // Eastmarch's own rules placed it: its crime desk, with its own 60-minute promise.
    expect(row).toMatchObject({ slug: 'eastmarch', queue: 'crime-desk', routing_rule: 'Crime', status: 'awaiting-triage' });
    expect(row.triage_by.getTime() - row.submitted_at.getTime()).toBe(60 * 60_000);

    const east = await queue(await handler('eastmarch'));
    expect(east.data.queue.items).toContainEqual(expect.objectContaining({ reference, queue: 'crime-desk', transferredFrom: 'northshire' }));
    expect(codeOf(await readReport(await handler('northshire'), reference))).toBe('NOT_FOUND');
    expect((await queue(await handler('northshire'))).data.queue.items.map((item: { reference: string }) => item.reference)).not.toContain(reference);
    const detail = await readReport(await handler('eastmarch'), reference);
    expect(detail.data.report.timeline.map((event: { kind: string }) => event.kind)).toEqual(['submitted', 'transferred', 'received', 'routed']);

    // Both forces' audit trails say so.
    const trail = await sql(`SELECT t.slug, a.action FROM audit_events a JOIN tenants t ON t.id = a.tenant_id WHERE a.subject_id = $1 AND a.action LIKE 'report.transferred%' ORDER BY a.id`, [row.id]);
    expect(trail).toEqual([
      { slug: 'northshire', action: 'report.transferred-out' },
      { slug: 'eastmarch', action: 'report.transferred-in' },
    ]);
    // The reporter is told on the confirmation page, and by eastmarch by e-mail, with the same reference.
    const journey = await graphqlAs(stack.apiUrl, NORTH, `query($t: String!) { journey(serviceId: "report-a-crime", session: $t) { reference transferredTo { en } } }`, { t: session });
    expect(journey.data.journey).toEqual({ reference, transferredTo: { en: 'Eastmarch Constabulary' } });
    await deliverOutbox();
    const sent = mails().filter((mail) => mail.to === 'moved@example.com');
    expect(sent.map((mail) => mail.tenant).sort()).toEqual(['eastmarch', 'eastmarch']);
    expect(sent.map((mail) => mail.subject)).toContainEqual(expect.stringContaining('has come to us'));
  });

  it('lets a handler transfer a report by decision: it leaves the force with its timeline, and the receiving force routes it', async () => {
    const { reference } = await submit(NORTH);
    const bearer = await handler();
    await claim(bearer, reference);
    const moved = await decide(bearer, reference, { decision: 'TRANSFER', toForce: 'eastmarch', messageToReporter: 'This happened in Eastmarch, so we have passed your report to Eastmarch Police.' });
    expect(moved.errors).toBeUndefined();
    expect(moved.data.decideReport).toBeNull();
    expect(codeOf(await readReport(bearer, reference))).toBe('NOT_FOUND');
    const received = await readReport(await handler('eastmarch'), reference);
    expect(received.data.report).toMatchObject({ queue: 'crime-desk', claimedByName: null, transferredFrom: 'northshire' });
    expect(received.data.report.timeline.map((event: { kind: string }) => event.kind)).toEqual(['submitted', 'routed', 'claimed', 'transferred', 'received', 'routed']);
    expect(await decide(bearer, reference, { decision: 'TRANSFER', toForce: 'northshire', messageToReporter: 'x' })).toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] });
  });
});

describe('a call handler’s work and the reporter’s side', () => {
  it('claim, THRIVE, ask for information; the reporter tracks it with a code and replies; the handler closes it; all audited', async () => {
    const { reference } = await submit(NORTH, theftAnswers({ where: placeInNorthshire(), email: 'tracker@example.com' }));
    const bearer = await handler('northshire', 'casey');
    const other = await handler('northshire', 'jordan');

    expect(codeOf(await recordThrive(bearer, reference))).toBe('CLAIM_REQUIRED');
    expect((await claim(bearer, reference)).data.claimReport).toEqual({ claimedByMe: true, claimedByName: 'northshire handler' });
    expect(codeOf(await claim(other, reference))).toBe('CLAIMED_BY_OTHER');
    expect(codeOf(await decide(bearer, reference, { decision: 'CLOSE', closeReason: 'advice-given', messageToReporter: 'Closed.' }))).toBe('THRIVE_REQUIRED');
    expect((await recordThrive(bearer, reference)).data.recordThrive.thrive.threat.level).toBe('LOW');
    const asked = await decide(bearer, reference, { decision: 'REQUEST_INFORMATION', messageToReporter: 'Does the bicycle have a frame number? Please reply with it.' });
    expect(asked.data.decideReport).toEqual({ status: 'AWAITING_REPORTER', claimedByMe: false });
    const row = await reportRow(reference);
    expect(row.triaged_at).not.toBeNull();
    expect(row.first_reply_at).not.toBeNull();

    // The reporter: reference + e-mail, a code by e-mail, then the timeline with the force's message.
    const publicApi = (query: string, variables: Record<string, unknown>) => graphqlAs(stack.apiUrl, NORTH, query, variables);
    const ask = await publicApi(`mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`, { r: reference, e: 'Tracker@Example.com ' });
    expect(ask.data.requestTrackingCode.errors).toEqual([]);
    // A wrong address gets the same answer, and no code.
    const wrong = await publicApi(`mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`, { r: reference, e: 'someone@example.com' });
    expect(wrong.data.requestTrackingCode.errors).toEqual([]);
    await deliverOutbox();
    const codeMail = mails().find((mail) => mail.to === 'tracker@example.com' && mail.subject.includes('your code'));
    const code = /Your code is (\d{6})/.exec(codeMail!.text)![1];
    expect(mails().some((mail) => mail.to === 'someone@example.com')).toBe(false);
    // The code is not kept anywhere once sent; only its hash.
    expect(await sql(`SELECT count(*)::int AS n FROM outbox_events WHERE payload ? 'code'`)).toEqual([{ n: 0 }]);
    const message = mails().find((mail) => mail.to === 'tracker@example.com' && mail.subject.includes('an update'));
    expect(message!.text).toContain('Does the bicycle have a frame number?');

    const verify = (candidate: string) => publicApi(`mutation($r: String!, $c: String!) { verifyTrackingCode(reference: $r, code: $c) { token errors { field message { en } } } }`, { r: reference, c: candidate });
    const bad = await verify(code === '000000' ? '000001' : '000000');
    expect(bad.data.verifyTrackingCode.errors[0].message.en).toBe('The code is not right. You have 4 more tries');
    const good = await verify(code);
    const trackingToken = good.data.verifyTrackingCode.token;
    expect(trackingToken).toMatch(/^[\w-]{43}$/);
    // Another force's site cannot open it.
    expect((await graphqlAs(stack.apiUrl, EAST, `query($t: String!) { trackedReport(token: $t) { errors { field } report { reference } } }`, { t: trackingToken })).data.trackedReport).toEqual({ errors: [{ field: 'session' }], report: null });
    const tracked = await publicApi(`query($t: String!) { trackedReport(token: $t) { report { reference status timeline { kind message } } } }`, { t: trackingToken });
    expect(tracked.data.trackedReport.report).toEqual({
      reference,
      status: 'AWAITING_REPORTER',
      timeline: [
        { kind: 'submitted', message: null },
        { kind: 'decision:request-information', message: 'Does the bicycle have a frame number? Please reply with it.' },
      ],
    });
    const replied = await publicApi(`mutation($t: String!, $m: String!) { replyToReport(token: $t, message: $m) { errors { field } } }`, { t: trackingToken, m: 'Yes: WTU123456789.' });
    expect(replied.data.replyToReport.errors).toEqual([]);
    // Back in the queue.
    expect((await queue(bearer)).data.queue.items.map((item: { reference: string }) => item.reference)).toContain(reference);

    await claim(bearer, reference);
    const closed = await decide(bearer, reference, { decision: 'CLOSE', closeReason: 'advice-given', messageToReporter: 'Thank you. We have recorded the frame number; we will contact you if the bicycle is found.' });
    expect(closed.data.decideReport.status).toBe('CLOSED');
    const detail = await readReport(bearer, reference, 'check the outcome');
    expect(detail.data.report.timeline.map((event: { kind: string }) => event.kind)).toEqual([
      'submitted', 'routed', 'claimed', 'thrive-recorded', 'decision:request-information', 'reporter-replied', 'claimed', 'decision:close',
    ]);
    const audit = await sql(`SELECT action, actor_type, actor_id, reason FROM audit_events WHERE subject_id = $1 ORDER BY id`, [row.id]);
    expect(audit.map((event) => event.action)).toEqual([
      'report.submitted', 'report.claimed', 'report.thrive-recorded', 'report.decided', 'report.tracking-opened', 'report.reporter-replied', 'report.claimed', 'report.decided', 'report.read',
    ]);
    expect(audit.at(-1)).toEqual({ action: 'report.read', actor_type: 'staff', actor_id: 'casey', reason: 'check the outcome' });
  });

  it('refuses bad decisions with a specific message and changes nothing', async () => {
    const { reference } = await submit(NORTH);
    const bearer = await handler();
    await claim(bearer, reference);
    await recordThrive(bearer, reference);
    const before = await reportRow(reference);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ decision: 'CLOSE', closeReason: 'bored', messageToReporter: 'x' }, /closeReason must be one of/],
      [{ decision: 'ALLOCATE', messageToReporter: 'x' }, /unit is required/],
      [{ decision: 'CLOSE', closeReason: 'resolved', messageToReporter: '   ' }, /messageToReporter is required/],
      [{ decision: 'CLOSE', closeReason: 'resolved', messageToReporter: 'x'.repeat(5001) }, /messageToReporter must be 5,000 characters or fewer/],
      [{ decision: 'TRANSFER', toForce: 'northshire', messageToReporter: 'x' }, /not another active force/],
      [{ decision: 'EXPLODE', messageToReporter: 'x' }, /Decision/],
    ];
    for (const [decision, message] of cases) {
      const result = await decide(bearer, reference, decision);
      expect(result.errors?.[0].message).toMatch(message);
    }
    expect(codeOf(await recordThrive(bearer, reference, { ...THRIVE, harm: { level: 'LOW', note: 'x'.repeat(2001) } }))).toBe('BAD_USER_INPUT');
    const after = await reportRow(reference);
    expect({ ...after, updated_at: null }).toEqual({ ...before, updated_at: null });
  });

  it('links possible duplicates: the same place and service within hours, for the handler to confirm or dismiss', async () => {
    const near = { latitude: 54.2, longitude: -1.75 };
    const first = await submit(NORTH, theftAnswers({ where: near }));
    const second = await submit(NORTH, theftAnswers({ where: { latitude: near.latitude + 0.001, longitude: near.longitude } }));
    const bearer = await handler();
    const detail = await readReport(bearer, second.reference);
    expect(detail.data.report.duplicates).toEqual([{ id: expect.any(String), otherReference: first.reference, reason: 'same service within 111 m and 48 hours', status: 'possible' }]);
    const dismissed = await staff(bearer, `mutation($l: String!) { resolveDuplicate(link: $l, confirm: false) { duplicates { status } } }`, { l: detail.data.report.duplicates[0].id });
    expect(dismissed.data.resolveDuplicate.duplicates).toEqual([{ status: 'dismissed' }]);
  });
});

describe('the SLA clock', () => {
  it('marks breaches as deadlines pass; supervisors see them, call handlers may not ask', async () => {
    const { reference } = await submit(NORTH);
    await sql(`UPDATE reports SET triage_by = now() - interval '5 minutes' WHERE reference = $1`, [reference]);
    await deliverOutbox();
    const row = await reportRow(reference);
    expect(row.triage_breached_at).not.toBeNull();
    expect((await sql(`SELECT kind FROM report_events WHERE report_id = $1 ORDER BY id`, [row.id])).map((event) => event.kind)).toContain('sla-breached:triage');
    const seen = await staff(await supervisor(), `{ breaches { reference sla { triageBreached triageMinutesLeft } } }`);
    expect(seen.data.breaches).toContainEqual({ reference, sla: { triageBreached: true, triageMinutesLeft: expect.any(Number) } });
    expect(seen.data.breaches.find((item: { reference: string }) => item.reference === reference).sla.triageMinutesLeft).toBeLessThan(0);
    expect(codeOf(await staff(await handler(), `{ breaches { reference } }`))).toBe('NOT_FOUND');

    // The breach is in the report's audit trail, which supervisors may read (and their reading is recorded too).
    const trail = `query($r: String!) { reportAuditTrail(report: $r) { actorType actorName action reason details } }`;
    const first = await staff(await supervisor(), trail, { r: reference });
    expect(first.data.reportAuditTrail).toEqual([
      { actorType: 'public', actorName: null, action: 'report.submitted', reason: null, details: expect.any(Object) },
      { actorType: 'system', actorName: null, action: 'report.sla-breached', reason: null, details: { deadline: 'triage' } },
    ]);
    const second = await staff(await supervisor(), trail, { r: reference });
    expect(second.data.reportAuditTrail.at(-1)).toEqual({ actorType: 'staff', actorName: 'northshire supervisor', action: 'report.audit-trail-read', reason: null, details: {} });
    expect(codeOf(await staff(await handler(), trail, { r: reference }))).toBe('NOT_FOUND');
  });
});

describe('live queue updates', () => {
  it('tells an open staff page of its own force’s changes as they commit, and nothing of another force’s', async () => {
    const bearer = await handler();
    const client = createClient({ url: `${stack.apiUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` }, retryAttempts: 0 });
    const received: { reportId: string; kind: string }[] = [];
    const subscribed = new Promise<void>((resolve, reject) => {
      client.subscribe({ query: 'subscription { reportChanges { reportId kind } }' }, { next: (value) => received.push((value.data as any).reportChanges), error: reject, complete: resolve });
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const east = await submit(EAST, theftAnswers({ where: IN_EASTMARCH }));
    const north = await submit(NORTH);
    const northId = (await reportRow(north.reference)).id;
    for (let wait = 0; wait < 50 && !received.some((change) => change.reportId === northId); wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    await client.dispose();
    await subscribed.catch(() => undefined);
    expect(received).toContainEqual({ reportId: northId, kind: 'submitted' });
    expect(received.map((change) => change.reportId)).not.toContain((await reportRow(east.reference)).id);
  });

  it('refuses a subscription without a valid token', async () => {
    const client = createClient({ url: `${stack.apiUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer nonsense' }, retryAttempts: 0 });
    const outcome = await new Promise<string>((resolve) => {
      client.subscribe({ query: 'subscription { reportChanges { reportId } }' }, { next: () => resolve('data'), error: (error) => resolve(`error ${(error as { code?: number }).code ?? ''}`), complete: () => resolve('complete') });
    });
    await client.dispose();
    expect(outcome).toBe('error 4403');
  });
});
