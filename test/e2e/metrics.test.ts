import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FormCatalogue } from '@front-counter/forms';
import { graphqlAs } from '../support/graphql.js';
import { getWithHost } from '../support/http.js';
import { eventually, parseExposition, samplesOf, scrape, valueOf, type Exposition } from '../support/prometheus.js';
import { answerThroughApi, dashcamAnswers, submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Each process's Prometheus metrics over real HTTP (the api, the force sites and the worker of one
 * test stack, each on a metrics port of its own): the text format; HTTP requests by route template
 * (never the path typed, which may hold a reference or a token), status and force; GraphQL operations
 * by name, type and outcome; the database pool; the worker's backlog and each force's triage queue,
 * moving as reports arrive and the worker works.
 *
 * The worker's loop is slowed to a minute so that what waits for it stays visible until the test
 * runs a round itself (JobWorker.runDueJobs). The worker reads its per-force figures from the database
 * at most every 5 s, so waits below poll for up to 15 s.
 */

const NORTH = 'northshire.localhost';
const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

let stack: TestStack;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-metrics-'));
  chmodSync(dataDirectory, 0o755);
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000' });
});
afterAll(async () => {
  await stack?.close();
  if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
});

const metricsUrl = (app: 'web' | 'api' | 'worker') => {
  const server = stack.metrics[app];
  if (!server) throw new Error(`the ${app} has no metrics server`);
  return server.url;
};
const tick = async () => {
  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();
};
const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
/** Sum of a counter over the series that carry `labels`; 0 when there is none yet. */
const total = (exposition: Exposition, name: string, labels: Record<string, string>) => samplesOf(exposition, name, labels).reduce((sum, sample) => sum + sample.value, 0);

describe('the metrics endpoints', () => {
  it('answer /metrics in Prometheus text format, each process on a port of its own, labelled with the app', async () => {
    const ports = new Set<string>();
    for (const app of ['web', 'api', 'worker'] as const) {
      const exposition = await scrape(metricsUrl(app));
      expect(exposition.contentType).toBe(TEXT_FORMAT);
      // Node's own metrics, and every series says which app it is from.
      expect(exposition.types.get('process_cpu_user_seconds_total')).toBe('counter');
      expect(exposition.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
      expect(exposition.samples.length).toBeGreaterThan(20);
      expect(exposition.samples.filter((sample) => sample.labels.app !== app)).toEqual([]);
      ports.add(new URL(metricsUrl(app)).port);
    }
    // Three metrics ports, none of them a public one.
    expect(ports.size).toBe(3);
    expect(ports.has(String(stack.webPort))).toBe(false);
    expect(ports.has(new URL(stack.apiUrl).port)).toBe(false);
  });

  it('are not on the public ports: /metrics of the force site and of the api is no exposition', async () => {
    const site = await getWithHost(stack.webUrl, NORTH, '/metrics');
    expect(site.status).toBeGreaterThanOrEqual(400);
    expect(site.text).not.toMatch(/^# (HELP|TYPE) /m);
    expect(site.text).not.toContain('process_cpu_user_seconds_total');
    const api = await fetch(`${stack.apiUrl}/metrics`);
    const apiText = await api.text();
    expect(api.status).toBe(404);
    expect(apiText).not.toContain('process_cpu_user_seconds_total');
  });

  it('serve nothing else: another path is 404, another method 405', async () => {
    for (const app of ['web', 'api', 'worker'] as const) {
      expect((await fetch(`${metricsUrl(app)}/`)).status).toBe(404);
      expect((await fetch(`${metricsUrl(app)}/metrics`, { method: 'POST' })).status).toBe(405);
    }
    // The api's and the web's health checks stay on their own http ports.
    expect((await fetch(`${metricsUrl('api')}/health/live`)).status).toBe(404);
  });

  it('the worker, which has no http port, answers /health/live and /health/ready on its metrics port', async () => {
    const live = await fetch(`${metricsUrl('worker')}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${metricsUrl('worker')}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok' });
    const head = await fetch(`${metricsUrl('worker')}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

describe('HTTP requests', () => {
  it('are counted and timed by route template, method, status and force; a raw path with a reference or token never shows', async () => {
    const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers());
    const token = randomBytes(24).toString('base64url');
    const nowhere = `zz${randomBytes(6).toString('hex')}`;

    // The force site: a public page, a resume link with a token, a report's staff page, a path no route has.
    expect((await getWithHost(stack.webUrl, NORTH, '/')).status).toBe(200);
    const page = await getWithHost(stack.webUrl, NORTH, '/report-a-crime/emergency');
    expect(page.status).toBeLessThan(500);
    const resume = await getWithHost(stack.webUrl, NORTH, `/resume/${token}`);
    const staffPage = await getWithHost(stack.webUrl, NORTH, `/staff/reports/${reference}`);
    const unmatched = await getWithHost(stack.webUrl, NORTH, `/a/b/c/d/e/${nowhere}`);
    expect(unmatched.status).toBe(404);
    // The api: an evidence link with a made-up token, a path no route has, GraphQL for the force.
    expect((await fetch(`${stack.apiUrl}/evidence/${token}`)).status).toBe(404);
    expect((await fetch(`${stack.apiUrl}/${nowhere}/${token}`)).status).toBe(404);

    const web = await scrape(metricsUrl('web'));
    expect(web.types.get('front_counter_http_requests_total')).toBe('counter');
    expect(web.types.get('front_counter_http_request_duration_seconds')).toBe('histogram');
    expect(valueOf(web, 'front_counter_http_requests_total', { route: '/', method: 'GET', status: '200', force: 'northshire' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(web, 'front_counter_http_requests_total', { route: '/:serviceId/:pageId', method: 'GET', status: String(page.status), force: 'northshire' })).toBe(1);
    expect(valueOf(web, 'front_counter_http_requests_total', { route: '/resume/:token', method: 'GET', status: String(resume.status), force: 'northshire' })).toBe(1);
    expect(valueOf(web, 'front_counter_http_requests_total', { route: '/staff/reports/:reference', method: 'GET', status: String(staffPage.status), force: 'northshire' })).toBe(1);
    expect(total(web, 'front_counter_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    // The histogram by route, method and force (no status): every request is in +Inf, _count and _sum.
    const rootBuckets = samplesOf(web, 'front_counter_http_request_duration_seconds_bucket', { route: '/', method: 'GET', force: 'northshire' });
    expect(rootBuckets.map((sample) => sample.labels.le)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    expect(rootBuckets.every((sample) => sample.labels.status === undefined)).toBe(true);
    expect(valueOf(web, 'front_counter_http_request_duration_seconds_count', { route: '/', method: 'GET', force: 'northshire' })).toBe(rootBuckets.at(-1)!.value);
    expect(valueOf(web, 'front_counter_http_request_duration_seconds_sum', { route: '/', method: 'GET', force: 'northshire' })).toBeGreaterThan(0);

    const api = await scrape(metricsUrl('api'));
    expect(valueOf(api, 'front_counter_http_requests_total', { route: '/graphql', method: 'POST', status: '200', force: 'northshire' })).toBeGreaterThanOrEqual(10);
    expect(valueOf(api, 'front_counter_http_requests_total', { route: '/evidence/:token', method: 'GET', status: '404', force: 'none' })).toBe(1);
    expect(valueOf(api, 'front_counter_http_requests_total', { route: 'unmatched', method: 'GET', status: '404', force: 'none' })).toBeGreaterThanOrEqual(1); // with /metrics asked of the api above
    expect(valueOf(api, 'front_counter_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', force: 'northshire' })).toBeGreaterThanOrEqual(10);

    // Only templates: what was typed appears nowhere, in any label of any series.
    for (const exposition of [web, api]) {
      for (const raw of [reference, token, nowhere, '/a/b/c', '/report-a-crime/emergency']) expect(exposition.text).not.toContain(raw);
      const routes = new Set(samplesOf(exposition, 'front_counter_http_requests_total').map((sample) => sample.labels.route));
      for (const route of routes) expect(route).toMatch(/^(unmatched|\/([a-z*-]*|:[a-zA-Z]+)(\/([a-z*.-]*|:[a-zA-Z]+))*)$/);
    }
  });
});

describe('GraphQL operations', () => {
  it('are counted by operation, type and outcome: ok, client_error for a validation failure, error for an internal failure', async () => {
    const fine = await graphqlAs(stack.apiUrl, NORTH, 'query PublicServices { services { id } }');
    expect(fine.errors).toBeUndefined();
    const invalid = await graphqlAs(stack.apiUrl, NORTH, 'query NoSuchField { noSuchField }');
    expect(invalid.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unparsed = await graphqlAs(stack.apiUrl, NORTH, 'query Broken { services { id }');
    expect(unparsed.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const notFound = await graphqlAs(stack.apiUrl, NORTH, 'query MissingVersion($id: String!) { formVersion(id: $id) }', { id: 'not-a-version' });
    expect(notFound.errors?.[0].extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');

    // An internal failure (as if the database went away mid-request): the catalogue throws once.
    const catalogue = stack.api.get(FormCatalogue);
    const original = catalogue.currentVersions;
    catalogue.currentVersions = async () => {
      catalogue.currentVersions = original;
      throw new Error('connection terminated unexpectedly');
    };
    try {
      const failed = await graphqlAs(stack.apiUrl, NORTH, 'query ServicesWhileBroken { services { id } }');
      expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      catalogue.currentVersions = original;
    }

    const api = await scrape(metricsUrl('api'));
    expect(api.types.get('front_counter_graphql_operations_total')).toBe('counter');
    expect(api.types.get('front_counter_graphql_operation_duration_seconds')).toBe('histogram');
    const operations = (labels: Record<string, string>) => valueOf(api, 'front_counter_graphql_operations_total', labels);
    expect(operations({ operation: 'PublicServices', type: 'query', outcome: 'ok' })).toBe(1);
    expect(operations({ operation: 'ServicesWhileBroken', type: 'query', outcome: 'error' })).toBe(1);
    expect(operations({ operation: 'MissingVersion', type: 'query', outcome: 'client_error' })).toBe(1);
    // Validation and parse failures are the caller's; a name in a query that never ran is not believed.
    expect(total(api, 'front_counter_graphql_operations_total', { outcome: 'client_error' })).toBeGreaterThanOrEqual(3);
    expect(samplesOf(api, 'front_counter_graphql_operations_total', { operation: 'NoSuchField' })).toEqual([]);
    expect(samplesOf(api, 'front_counter_graphql_operations_total', { operation: 'Broken' })).toEqual([]);
    expect(operations({ operation: 'unparsed', type: 'unknown', outcome: 'client_error' })).toBeGreaterThanOrEqual(2);
    // The journey's own (anonymous) mutations, from the report the previous test sent.
    expect(operations({ operation: 'anonymous', type: 'mutation', outcome: 'ok' })).toBeGreaterThanOrEqual(10);
    expect(valueOf(api, 'front_counter_graphql_operation_duration_seconds_count', { operation: 'PublicServices', type: 'query' })).toBe(1);
    expect(valueOf(api, 'front_counter_graphql_operation_duration_seconds_count', { operation: 'ServicesWhileBroken', type: 'query' })).toBe(1);
    // Every outcome is one of the three.
    expect(new Set(samplesOf(api, 'front_counter_graphql_operations_total').map((sample) => sample.labels.outcome))).toEqual(new Set(['ok', 'client_error', 'error']));
    // The web measures HTTP only.
    expect(samplesOf(await scrape(metricsUrl('web')), 'front_counter_graphql_operations_total')).toEqual([]);
  });
});

describe('the database pool', () => {
  it('is measured on the api and the worker (in use, idle, waiting, max), not on the web, which has no database', async () => {
    // The api's pool is DATABASE_POOL_SIZE; the worker's is its own, smaller one (apps/worker/src/worker.module.ts).
    const sizes = { api: stack.config.database.poolSize, worker: 4 };
    for (const app of ['api', 'worker'] as const) {
      const exposition = await scrape(metricsUrl(app));
      const inUse = valueOf(exposition, 'front_counter_db_pool_connections', { state: 'in_use' });
      const idle = valueOf(exposition, 'front_counter_db_pool_connections', { state: 'idle' });
      const max = valueOf(exposition, 'front_counter_db_pool_max_connections');
      expect(exposition.types.get('front_counter_db_pool_connections')).toBe('gauge');
      expect(inUse).toBeGreaterThanOrEqual(0);
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(max).toBe(sizes[app]);
      expect(inUse! + idle!).toBeLessThanOrEqual(max!);
      expect(valueOf(exposition, 'front_counter_db_pool_waiting_requests')).toBe(0);
    }
    // The api has used its pool by now (the tests above), so it holds a connection.
    const api = await scrape(metricsUrl('api'));
    expect(valueOf(api, 'front_counter_db_pool_connections', { state: 'in_use' })! + valueOf(api, 'front_counter_db_pool_connections', { state: 'idle' })!).toBeGreaterThan(0);
    expect(samplesOf(await scrape(metricsUrl('web')), 'front_counter_db_pool_connections')).toEqual([]);
  });
});

describe('the worker', () => {
  it('exports its backlog and each force\'s triage queue, which move when reports arrive and when it works', async () => {
    const worker = () => scrape(metricsUrl('worker'));
    const north = (exposition: Exposition, name: string, labels: Record<string, string> = {}) => valueOf(exposition, name, { force: 'northshire', ...labels }) ?? 0;
    // The figures are up to 5 s old: start from a scrape that has caught up with the reports sent so far.
    const [{ count: awaitingNow }] = await sql(`SELECT count(*)::int AS count FROM reports r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'northshire' AND r.status = 'awaiting-triage'`);
    expect(awaitingNow).toBeGreaterThan(0); // the report the HTTP test sent
    const before = await eventually(worker, (now) => north(now, 'front_counter_force_reports_awaiting_triage') === awaitingNow, 'the worker\'s figures to catch up with the reports already sent');
    // Every force has its figures, zero or not.
    const forces = new Set(samplesOf(before, 'front_counter_force_reports_awaiting_triage').map((sample) => sample.labels.force));
    expect(forces).toEqual(new Set(['dyffryn', 'eastmarch', 'northshire']));
    const start = {
      awaiting: north(before, 'front_counter_force_reports_awaiting_triage'),
      dueSoon: north(before, 'front_counter_force_triage_due_soon'),
      overdue: north(before, 'front_counter_force_triage_overdue'),
      missed: north(before, 'front_counter_force_deadlines_missed_today', { deadline: 'triage' }),
      scans: north(before, 'front_counter_force_uploads_awaiting_scan'),
      outbox: valueOf(before, 'front_counter_job_backlog', { job: 'outbox' })!,
      scanJobs: valueOf(before, 'front_counter_job_backlog', { job: 'evidence-scan' })!,
      delivered: total(before, 'front_counter_jobs_total', { job: 'outbox', outcome: 'delivered' }),
    };
    expect(north(before, 'front_counter_force_deadlines_missed_today', { deadline: 'reply' })).toBeGreaterThanOrEqual(0);
    expect(samplesOf(before, 'front_counter_force_deadlines_missed_today', { force: 'eastmarch' }).map((sample) => sample.labels.deadline).sort()).toEqual(['reply', 'triage']);

    // Three reports for northshire: one on its normal clock, one due within 15 minutes, one past its deadline.
    const sent = [];
    for (let index = 0; index < 3; index++) sent.push((await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ description: `Outside the library, report ${index}` }))).reference);
    await sql(`UPDATE reports SET triage_by = now() + interval '5 minutes' WHERE reference = $1`, [sent[1]]);
    await sql(`UPDATE reports SET triage_by = now() - interval '5 minutes' WHERE reference = $1`, [sent[2]]);
    // And a photo uploaded in a dashcam journey, waiting for its scan.
    const { session } = await answerThroughApi(stack.apiUrl, NORTH, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
    const sharp = (await import('sharp')).default;
    const upload = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/footage`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': NORTH, 'x-journey-session': session, 'x-file-name': 'junction.jpg' },
      body: new Uint8Array(await sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } }).jpeg().toBuffer()),
    });
    expect(upload.status).toBe(201);

    const waiting = await eventually(worker, (now) => north(now, 'front_counter_force_reports_awaiting_triage') === start.awaiting + 3, 'northshire\'s three new reports in the worker\'s figures');
    expect(north(waiting, 'front_counter_force_triage_due_soon')).toBe(start.dueSoon + 1);
    expect(north(waiting, 'front_counter_force_triage_overdue')).toBe(start.overdue + 1);
    expect(north(waiting, 'front_counter_force_oldest_awaiting_triage_minutes')).toBeGreaterThan(0);
    expect(north(waiting, 'front_counter_force_uploads_awaiting_scan')).toBe(start.scans + 1);
    expect(valueOf(waiting, 'front_counter_job_backlog', { job: 'evidence-scan' })).toBe(start.scanJobs + 1);
    expect(valueOf(waiting, 'front_counter_job_oldest_waiting_seconds', { job: 'evidence-scan' })).toBeGreaterThan(0);
    // Each report's confirmation e-mail waits in the outbox, by force and type.
    expect(valueOf(waiting, 'front_counter_job_backlog', { job: 'outbox' })).toBeGreaterThanOrEqual(start.outbox + 3);
    expect(north(waiting, 'front_counter_outbox_backlog', { type: 'email.report-confirmation' })).toBeGreaterThanOrEqual(3);
    expect(north(waiting, 'front_counter_outbox_oldest_waiting_seconds', { type: 'email.report-confirmation' })).toBeGreaterThan(0);
    expect(valueOf(waiting, 'front_counter_job_oldest_waiting_seconds', { job: 'outbox' })).toBeGreaterThan(0);
    // Other forces' queues are their own.
    expect(valueOf(waiting, 'front_counter_force_reports_awaiting_triage', { force: 'eastmarch' })).toBe(valueOf(before, 'front_counter_force_reports_awaiting_triage', { force: 'eastmarch' }));

    // A round of work: the e-mail goes, the photo is processed, the missed deadline is marked.
    await tick();
    const worked = await eventually(worker, (now) => valueOf(now, 'front_counter_job_backlog', { job: 'outbox' }) === 0 && valueOf(now, 'front_counter_job_backlog', { job: 'evidence-scan' }) === 0, 'the worker\'s backlog to empty after a round');
    expect(total(worked, 'front_counter_jobs_total', { job: 'outbox', outcome: 'delivered' })).toBeGreaterThanOrEqual(start.delivered + 3);
    expect(total(worked, 'front_counter_jobs_total', { job: 'evidence-scan', outcome: 'processed' })).toBeGreaterThanOrEqual(1);
    expect(total(worked, 'front_counter_jobs_total', { job: 'sla-breaches', outcome: 'marked' })).toBeGreaterThanOrEqual(1);
    expect(north(worked, 'front_counter_force_uploads_awaiting_scan')).toBe(0);
    expect(valueOf(worked, 'front_counter_job_oldest_waiting_seconds', { job: 'outbox' })).toBe(0);
    expect(north(worked, 'front_counter_force_deadlines_missed_today', { deadline: 'triage' })).toBe(start.missed + 1);
    // Still untriaged: the queue and the overdue count are unchanged by the round.
    expect(north(worked, 'front_counter_force_reports_awaiting_triage')).toBe(start.awaiting + 3);
    expect(north(worked, 'front_counter_force_triage_overdue')).toBe(start.overdue + 1);
  });

  it('answers a scrape whole or not at all: the exposition parses and carries no NaN', async () => {
    const text = await (await fetch(`${metricsUrl('worker')}/metrics`)).text();
    const exposition = parseExposition(text);
    expect(exposition.samples.filter((sample) => sample.name.startsWith('front_counter_') && !Number.isFinite(sample.value))).toEqual([]);
  });
});
