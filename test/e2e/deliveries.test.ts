import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { validateReportDocument } from '@front-counter/report-document';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { startHttpsReceiver, type TestHttpsReceiver } from '../support/https-receiver.js';
import { mp4 } from '../support/media.js';
import { eventually, samplesOf, scrape, valueOf, type Exposition } from '../support/prometheus.js';
import { PublicVisitor } from '../support/public-site.js';
import { dashcamAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

// A force's records system receives its reports: a real HTTPS receiver on loopback, trusted through
// DELIVERY_CA_FILE, verifying each Standard Webhooks signature, answering with a crime number.

const NORTH = 'northshire.localhost';
let receiver: TestHttpsReceiver;
let issuer: TestIssuer;
let stack: TestStack;
let dataDirectory: string;
const RECORDS_VARIABLES = ['NORTHSHIRE_RECORDS_URL', 'NORTHSHIRE_RECORDS_SECRET', 'EASTMARCH_RECORDS_URL', 'EASTMARCH_RECORDS_SECRET'] as const;
const saved = Object.fromEntries(RECORDS_VARIABLES.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  receiver = await startHttpsReceiver({ forces: ['northshire', 'eastmarch'] });
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-deliveries-'));
  const caFile = path.join(dataDirectory, 'receiver-ca.pem');
  writeFileSync(caFile, receiver.ca);
  // The force's file names the variables; the worker reads them (the real environment wins over npm start's receiver).
  process.env.NORTHSHIRE_RECORDS_URL = `${receiver.url}/northshire`;
  process.env.NORTHSHIRE_RECORDS_SECRET = receiver.secrets.northshire as string;
  process.env.EASTMARCH_RECORDS_URL = `${receiver.url}/eastmarch`;
  process.env.EASTMARCH_RECORDS_SECRET = receiver.secrets.eastmarch as string;
  issuer = await startTestIssuer();
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', DELIVERY_CA_FILE: caFile, DELIVERY_RETRY_BASE_SECONDS: '0.2', DELIVERY_GIVE_UP_SECONDS: '2', IDP_URL: issuer.url, DEV_IDP: 'false' });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
  await receiver?.close();
  for (const name of RECORDS_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
const runJobs = () => stack.worker.get(JobWorker).runDueJobs();
const workerMetrics = () => scrape(stack.metrics.worker!.url);
/** A series of northshire's records system (the worker reads its gauges from the database at most every 5 s). */
const northRecords = (exposition: Exposition, name: string, labels: Record<string, string> = {}) => valueOf(exposition, name, { force: 'northshire', destination: 'records-system', ...labels });

/** A GET on the force's site as its back office would (Node's fetch does not resolve *.localhost). */
function download(url: string): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  const parsed = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: stack.webPort, path: parsed.pathname, headers: { host: parsed.host } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), headers: response.headers }));
      })
      .on('error', reject);
  });
}

async function staffReport(reference: string): Promise<{ externalReference: string | null; timeline: { kind: string; message: string | null }[] }> {
  const bearer = await issuer.token({ realm: 'northshire', roles: ['call-handler'], subject: 'northshire-handler', name: 'Northshire handler' });
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query: `query($r: String!) { report(report: $r, reason: "checking the crime number") { timeline { kind message } } }`, variables: { r: reference } }),
  });
  const result = (await response.json()) as { data?: { report: { timeline: { kind: string; message: string | null }[] } }; errors?: unknown };
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  const [{ external_reference }] = await sql(`SELECT external_reference FROM reports WHERE reference = $1`, [reference]);
  return { externalReference: external_reference, timeline: result.data.report.timeline };
}

it('delivers a report made on the force site, signed, valid against the JSON Schema, with evidence links that download the right bytes; the crime number comes back to the handler and the reporter', async () => {
  const video = mp4(4096);
  const answers = Object.fromEntries(Object.entries(dashcamAnswers()).map(([page, values]) => [page, values as Record<string, string>]));
  const visitor = new PublicVisitor(stack.webUrl, NORTH);
  const { reference: shown } = await visitor.completeService('submit-dashcam-footage', {
    ...answers,
    upload: { files: { footage: [{ name: 'junction.mp4', contentType: 'video/mp4', content: video }] } },
    declaration: { confirm: 'yes' },
  });
  const reference = shown.replaceAll('-', '');
  await runJobs();

  const received = receiver.received().filter((entry) => entry.reference === reference);
  expect(received).toEqual([expect.objectContaining({ type: 'report.submitted', force: 'northshire', reference, signatureValid: true, status: 200 })]);
  const delivery = receiver.deliveries().find((entry) => entry.reference === reference)!;
  expect(delivery.id).toMatch(/^msg_/);
  expect(Object.keys(delivery.headers)).toEqual(expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']));

  const envelope = delivery.body as { type: string; timestamp: string; data: Record<string, any> };
  expect(envelope.type).toBe('report.submitted');
  expect(validateReportDocument(envelope.data)).toEqual({ valid: true });
  // The API publishes the schema the document validates against.
  const schema = await fetch(`${stack.apiUrl}/schemas/report/v1.json`);
  expect(schema.headers.get('content-type')).toContain('application/schema+json');
  expect(((await schema.json()) as { $id: string }).$id).toMatch(/\/schemas\/report\/v1\.json$/);
  expect(envelope.data).toMatchObject({ reference, force: { slug: 'northshire' }, service: { id: 'submit-dashcam-footage' } });
  expect(envelope.data.objects.vehicles).toEqual([expect.objectContaining({ registration: 'AB12CDE' })]);

  // The evidence manifest: the video with its size and SHA-256, and a link that serves exactly those bytes.
  const [file] = envelope.data.evidence;
  expect(file).toMatchObject({ fileName: 'junction.mp4', size: video.length, sha256: createHash('sha256').update(video).digest('hex') });
  expect(file.downloadUrl).toMatch(/^http:\/\/northshire\.localhost:\d+\/back-office\/evidence\//);
  const fetched = await download(file.downloadUrl);
  expect(fetched.status).toBe(200);
  expect(createHash('sha256').update(fetched.body).digest('hex')).toBe(file.sha256);
  const audited = await sql(`SELECT actor_type, actor_id FROM audit_events WHERE action = 'evidence.downloaded' AND details->>'fileId' = $1`, [file.id]);
  expect(audited).toEqual([{ actor_type: 'system', actor_id: 'destination:records-system' }]);
  // A link that was tampered with opens nothing.
  expect((await download(file.downloadUrl.replace(/.$/, (last: string) => (last === 'A' ? 'B' : 'A')))).status).toBe(404);

  // The receiver's crime number: on the report, in the staff timeline, and for the reporter when tracking.
  const crimeNumber = received[0].crimeNumber!;
  expect(crimeNumber).toMatch(/^NO\/\d{4}\/\d{6}$/);
  const report = await staffReport(reference);
  expect(report.externalReference).toBe(crimeNumber);
  expect(report.timeline).toContainEqual({ kind: 'external-reference', message: expect.stringContaining(crimeNumber) });
  const audit = await sql(`SELECT details->>'reference' AS reference FROM audit_events WHERE action = 'report.external-reference'`);
  expect(audit).toEqual([{ reference: crimeNumber }]);

  const tracker = new PublicVisitor(stack.webUrl, NORTH);
  await tracker.get('/track');
  await tracker.post('/track', { reference, email: 'rhian@example.com' });
  await tracker.get('/track/code');
  await runJobs();
  const code = latestCode('rhian@example.com');
  expect((await tracker.post('/track/code', { code })).location).toBe('/track/report');
  expect((await tracker.get('/track/report')).text).toContain(crimeNumber);
});

it('tells the back office of each change to a report, in order: a triage decision, the reporter’s reply, and the report leaving for another force, whose own back office receives it', async () => {
  const { reference } = await submitCrime('changes@example.com');
  await runJobs();
  const handler = await issuer.token({ realm: 'northshire', roles: ['call-handler'], subject: 'northshire-handler', name: 'Northshire handler' });
  const staff = async (query: string, variables: Record<string, unknown>) => {
    const result = await graphql(handler, query, { r: reference, ...variables });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const thrive = Object.fromEntries(['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'].map((name) => [name, { level: 'LOW', note: `No ${name} concerns.` }]));
  await staff(`mutation($r: String!) { claimReport(report: $r, takeOver: false) { claimedByMe } }`, {});
  await staff(`mutation($r: String!, $t: ThriveInput!) { recordThrive(report: $r, thrive: $t) { id } }`, { t: thrive });
  await staff(`mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { status } }`, { d: { decision: 'REQUEST_INFORMATION', messageToReporter: 'Does the bicycle have a frame number?' } });

  // The reporter replies through tracking.
  const { graphqlAs } = await import('../support/graphql.js');
  await graphqlAs(stack.apiUrl, NORTH, `mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`, { r: reference, e: 'changes@example.com' });
  await runJobs();
  const verified = await graphqlAs(stack.apiUrl, NORTH, `mutation($r: String!, $c: String!) { verifyTrackingCode(reference: $r, code: $c) { token } }`, { r: reference, c: latestCode('changes@example.com') });
  const replied = await graphqlAs(stack.apiUrl, NORTH, `mutation($t: String!, $m: String!) { replyToReport(token: $t, message: $m) { errors { field } } }`, { t: verified.data.verifyTrackingCode.token, m: 'Yes: WTU123456789.' });
  expect(replied.data.replyToReport.errors).toEqual([]);

  // The handler passes it to Eastmarch.
  await staff(`mutation($r: String!) { claimReport(report: $r, takeOver: false) { claimedByMe } }`, {});
  await staff(`mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { status } }`, { d: { decision: 'TRANSFER', toForce: 'eastmarch', messageToReporter: 'This happened in Eastmarch: we have passed your report to them.' } });
  await runJobs();

  const north = receiver.deliveries().filter((entry) => entry.force === 'northshire' && entry.reference === reference);
  expect(north.map((entry) => [entry.type, entry.status, entry.signatureValid])).toEqual([
    ['report.submitted', 200, true],
    ['triage.decided', 200, true],
    ['report.updated', 200, true],
    ['report.transferred', 200, true],
  ]);
  const bodies = north.map((entry) => entry.body as { change?: Record<string, unknown>; data: Record<string, any> });
  expect(bodies[1].change).toEqual({ decision: expect.stringMatching(/request/i) });
  expect(bodies[1].data.triage).toEqual([expect.objectContaining({ decision: bodies[1].change!.decision, by: expect.objectContaining({ name: 'Northshire handler' }) })]);
  expect(bodies[2].change).toEqual({ what: 'reply', message: 'Yes: WTU123456789.' });
  // The force it left hears where it went, with the report as that force last had it.
  expect(bodies[3].change).toMatchObject({ direction: 'out', from: 'northshire', to: 'eastmarch' });
  expect(bodies[3].data).toEqual(bodies[2].data);
  for (const body of bodies) expect(validateReportDocument(body.data)).toEqual({ valid: true });

  // Eastmarch's records system receives it as new to it, and gives it Eastmarch's own number.
  const east = receiver.deliveries().filter((entry) => entry.force === 'eastmarch' && entry.reference === reference);
  expect(east.map((entry) => [entry.type, entry.status])).toEqual([['report.transferred', 200]]);
  const arrived = east[0].body as { change: Record<string, unknown>; data: Record<string, any> };
  expect(arrived.change).toMatchObject({ direction: 'in', from: 'northshire', to: 'eastmarch' });
  expect(arrived.data.force.slug).toBe('eastmarch');
  expect(validateReportDocument(arrived.data)).toEqual({ valid: true });
  expect(east[0].crimeNumber).toMatch(/^[A-Z]{2}\/\d{4}\/\d{6}$/);
  expect((await sql(`SELECT external_reference FROM reports WHERE reference = $1`, [reference]))[0].external_reference).toBe(east[0].crimeNumber);
});

it('keeps deliveries of one report in order while the receiver is down, and sends them all when it is back', async () => {
  const { reference } = await submitCrime('down@example.com');
  receiver.failWith(503);
  await runJobs();
  const [delivery] = await sql(`SELECT d.id, d.status, d.attempts, d.last_error FROM deliveries d JOIN reports r ON r.id = d.report_id WHERE r.reference = $1`, [reference]);
  expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('503') });
  const attempts = await sql(`SELECT status_code, ok FROM delivery_attempts WHERE delivery_id = $1`, [delivery.id]);
  expect(attempts).toEqual([{ status_code: 503, ok: false }]);
  // The worker's gauges show it waiting for the destination, and for how long.
  const waiting = await eventually(workerMetrics, (now) => northRecords(now, 'front_counter_deliveries_waiting') === 1, 'the waiting delivery in the worker\'s metrics');
  expect(northRecords(waiting, 'front_counter_delivery_oldest_waiting_seconds')).toBeGreaterThan(0);
  expect(northRecords(waiting, 'front_counter_deliveries_dead')).toBe(0);
  expect(northRecords(waiting, 'front_counter_delivery_attempts_total', { outcome: 'retrying' })).toBeGreaterThanOrEqual(1);

  receiver.stopFailing();
  await new Promise((resolve) => setTimeout(resolve, 600)); // past the (test's short) back-off
  await runJobs();
  expect(await sql(`SELECT status, attempts FROM deliveries WHERE id = $1`, [delivery.id])).toEqual([{ status: 'delivered', attempts: 2 }]);
  const arrivals = receiver.received().filter((entry) => entry.reference === reference);
  expect(arrivals.map((entry) => entry.status)).toEqual([503, 200]);
  // Both attempts carried one webhook-id: the receiver can tell the second is the same event.
  expect(new Set(arrivals.map((entry) => entry.id)).size).toBe(1);
  const caughtUp = await eventually(workerMetrics, (now) => northRecords(now, 'front_counter_deliveries_waiting') === 0, 'nothing waiting once delivered');
  expect(northRecords(caughtUp, 'front_counter_delivery_oldest_waiting_seconds')).toBe(0);
});

it('makes a delivery the receiver always refuses a dead letter, shows it to the force administrator with every attempt, and replays it after the fix', async () => {
  receiver.failWith(500);
  const { reference } = await submitCrime('dead@example.com');
  await runJobs();
  await new Promise((resolve) => setTimeout(resolve, 2300)); // past the (test's short) 72 hours
  await runJobs();

  const admin = await issuer.token({ realm: 'northshire', roles: ['force-admin'], subject: 'northshire-admin', name: 'Northshire administrator' });
  const dead = await graphql(admin, `query { deliveries(status: DEAD) { id reportReference destination eventType status attemptCount lastError attempts { statusCode ok } } }`);
  expect(dead.data.deliveries).toEqual([
    {
      id: expect.any(String),
      reportReference: reference,
      destination: 'records-system',
      eventType: 'report.submitted',
      status: 'DEAD',
      attemptCount: 2,
      lastError: expect.stringContaining('500'),
      attempts: [
        { statusCode: 500, ok: false },
        { statusCode: 500, ok: false },
      ],
    },
  ]);
  expect((await graphql(admin, `query { destinations { name type dead suspendedAt } }`)).data.destinations).toEqual([{ name: 'records-system', type: 'webhook', dead: 1, suspendedAt: null }]);
  // The dead letter in the worker's metrics, by force and destination (what FrontCounterDeliveryDeadLetter reads).
  const withDead = await eventually(workerMetrics, (now) => northRecords(now, 'front_counter_deliveries_dead') === 1, 'the dead letter in the worker\'s metrics');
  expect(northRecords(withDead, 'front_counter_delivery_attempts_total', { outcome: 'dead' })).toBe(1);
  expect(valueOf(withDead, 'front_counter_deliveries_dead', { force: 'eastmarch', destination: 'records-system' })).toBe(0);
  // Not for call handlers.
  const handler = await issuer.token({ realm: 'northshire', roles: ['call-handler'], subject: 'northshire-handler', name: 'Northshire handler' });
  expect((await graphql(handler, `query { deliveries { id } }`)).data).toBeNull();

  // The receiver is fixed; the administrator replays the dead letter and it arrives, with the same webhook-id.
  receiver.stopFailing();
  const replayed = await graphql(admin, `mutation($ids: [ID!]!) { replayDeliveries(ids: $ids) { queued waiting } }`, { ids: [dead.data.deliveries[0].id] });
  expect(replayed.data.replayDeliveries).toEqual({ queued: 1, waiting: 0 });
  await runJobs();
  const arrivals = receiver.received().filter((entry) => entry.reference === reference);
  expect(arrivals.map((entry) => entry.status)).toEqual([500, 500, 200]);
  expect(new Set(arrivals.map((entry) => entry.id)).size).toBe(1);
  const after = await graphql(admin, `query($r: String) { deliveries(report: $r) { status replayedBy externalReference } }`, { r: reference });
  expect(after.data.deliveries).toEqual([{ status: 'DELIVERED', replayedBy: 'Northshire administrator', externalReference: arrivals[2].crimeNumber }]);
  expect(await sql(`SELECT actor_id, details->>'queued' AS queued FROM audit_events WHERE action = 'deliveries.replayed'`)).toEqual([{ actor_id: 'northshire-admin', queued: '1' }]);
});

it('exports every attempt by force, destination and outcome, and the delay from event to delivery, agreeing with the attempts recorded', async () => {
  const recorded: { force: string; destination: string; ok: number; failed: number; delivered: number }[] = await sql(
    `SELECT t.slug AS force, s.name AS destination,
            (SELECT count(*)::int FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination_id = s.id AND a.ok) AS ok,
            (SELECT count(*)::int FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination_id = s.id AND NOT a.ok) AS failed,
            (SELECT count(*)::int FROM deliveries d WHERE d.destination_id = s.id AND d.status = 'delivered') AS delivered
       FROM destinations s JOIN tenants t ON t.id = s.tenant_id ORDER BY t.slug`,
  );
  // Each force's destination (Dyffryn's a mailbox, which these tests send nothing to).
  expect(recorded.map((row) => row.force)).toEqual(['dyffryn', 'eastmarch', 'northshire']);
  const exposition = await eventually(workerMetrics, (now) => northRecords(now, 'front_counter_deliveries_dead') === 0, 'the replayed dead letter gone from the worker\'s metrics');
  expect(exposition.types.get('front_counter_delivery_attempts_total')).toBe('counter');
  expect(exposition.types.get('front_counter_delivery_delay_seconds')).toBe('histogram');
  for (const name of ['front_counter_deliveries_waiting', 'front_counter_deliveries_dead', 'front_counter_delivery_oldest_waiting_seconds', 'front_counter_destination_suspended']) expect(exposition.types.get(name)).toBe('gauge');
  for (const { force, destination, ok, failed, delivered } of recorded) {
    const labels = { force, destination };
    expect(valueOf(exposition, 'front_counter_delivery_attempts_total', { ...labels, outcome: 'delivered' })).toBe(ok);
    const dead = force === 'northshire' ? 1 : 0;
    expect(valueOf(exposition, 'front_counter_delivery_attempts_total', { ...labels, outcome: 'dead' })).toBe(dead);
    expect(valueOf(exposition, 'front_counter_delivery_attempts_total', { ...labels, outcome: 'retrying' })).toBe(failed - dead);
    // One delay per delivery, from its event to delivered (none yet, no series: a histogram starts at its first).
    expect(valueOf(exposition, 'front_counter_delivery_delay_seconds_count', labels) ?? 0).toBe(delivered);
    if (delivered > 0) {
      expect(valueOf(exposition, 'front_counter_delivery_delay_seconds_sum', labels)).toBeGreaterThan(0);
      const buckets = samplesOf(exposition, 'front_counter_delivery_delay_seconds_bucket', labels);
      expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: delivered });
      // Northshire's replayed dead letter went seconds after its event (the test's short 72 hours passed first).
      if (force === 'northshire') expect(buckets.find((sample) => sample.labels.le === '1')!.value).toBeLessThan(delivered);
    }
    for (const gauge of ['front_counter_deliveries_waiting', 'front_counter_deliveries_dead', 'front_counter_delivery_oldest_waiting_seconds', 'front_counter_destination_suspended']) expect(valueOf(exposition, gauge, labels)).toBe(0);
  }
  expect(recorded.find((row) => row.force === 'northshire')!.delivered).toBeGreaterThan(0);
  expect(recorded.find((row) => row.force === 'eastmarch')!.delivered).toBeGreaterThan(0);
  // Every series names its app, and a force's destination that exists.
  const known = new Set(recorded.map((row) => `${row.force}/${row.destination}`));
  const series = samplesOf(exposition, 'front_counter_delivery_attempts_total');
  expect(new Set(series.map((sample) => `${sample.labels.force}/${sample.labels.destination}`))).toEqual(known);
  expect(series.every((sample) => sample.labels.app === 'worker')).toBe(true);
});

async function graphql(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data: any; errors?: unknown }> {
  const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data: any; errors?: unknown };
}

async function submitCrime(email: string): Promise<{ reference: string }> {
  const { submitThroughApi, theftAnswers } = await import('../support/reports.js');
  return submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ email }));
}

function latestCode(address: string): string {
  const directory = path.join(dataDirectory, 'mail');
  const mails = readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
    .filter((mail) => mail.to === address && /code/.test(mail.subject))
    .sort((left, right) => left.sentAt.localeCompare(right.sentAt));
  const code = /Your code is (\d{6})/.exec(mails.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error(`No tracking code was e-mailed to ${address}`);
  return code;
}
