import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '@front-counter/config';
import { resolveDatabase } from '@front-counter/database';
import { createLogger } from '@front-counter/logging';
import { JOURNEY_WIRE_PATH, type JourneyWireCall, type JourneyWireCalls } from '@front-counter/public-kit';
import { migrateAndSync } from '../apps/launcher/src/prepare-database.js';
import { startStack } from '../apps/launcher/src/stack.js';
import { CLI_CLIENT_ID, DEFAULT_DEV_PASSWORD, NATIONAL_REALM, seededUsername } from '../apps/idp/src/dev-idp.js';
import { benchDeliveries, startBenchReceiver } from './bench-deliveries.js';
import { benchEvidenceUploads } from './bench-evidence.js';
import { benchSurge } from './bench-surge.js';
import { load, type LoadTarget } from './bench-load.js';

// npm run bench: throughput and latency of the public journey on this machine, each figure a ratio
// against a baseline measured in the same run (shared machines are noisy; absolute numbers are not).
// Uses its own embedded PostgreSQL in a temporary folder, or DATABASE_URL's server with a new database.
// BENCH_ONLY=hotpath measures the public pages and memory alone (a minute or two), BENCH_ONLY=deliveries
// back-office deliveries alone (a minute or two), BENCH_ONLY=surge the national surge (bench-surge.ts; about four minutes).

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && !['deliveries', 'surge', 'hotpath'].includes(ONLY)) throw new Error(`BENCH_ONLY=${ONLY}: the sections that run alone are "hotpath", "deliveries" and "surge"`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(options: { port: number; path: string; host?: string; method?: string; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', agent, headers: { host: options.host ?? '127.0.0.1', ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Requests per second over `duration` (DURATION_MS) with `concurrency` clients, each running `once` in a loop, after a short warm-up. */
async function throughput(concurrency: number, once: () => Promise<void>, duration = DURATION_MS): Promise<number> {
  const warmUntil = performance.now() + Math.min(2000, duration / 4);
  await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < warmUntil) await once(); }));
  let completed = 0;
  const until = performance.now() + duration;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await once();
        completed++;
      }
    }),
  );
  return completed / ((performance.now() - started) / 1000);
}

function expectStatus(status: number, expected: number, what: string) {
  if (status !== expected) throw new Error(`${what} answered ${status}, expected ${expected}`);
}

/** A new session on the force site with contact-us answered up to check your answers, as a browser would: its cookie. */
async function answeredThroughSite(port: number, host: string): Promise<string> {
  const startPage = await request({ port, path: '/contact-us', host });
  const cookie = String(startPage.headers['set-cookie']).split(';')[0];
  const form = (body: string) => ({ csrf: /name="_csrf" value="([^"]+)"/.exec(body)![1], version: /name="_form" value="([^"]+)"/.exec(body)?.[1] ?? '' });
  const post = async (path: string, fields: Record<string, string>) => {
    const response = await request({ port, path, method: 'POST', host, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expectStatus(response.status, 303, `POST ${path}`);
  };
  await post('/contact-us/start', { _csrf: form(startPage.body).csrf });
  const pages: [string, Record<string, string>][] = [
    ['emergency', { emergency: 'no' }],
    ['contact-reason', { contactReason: 'feedback' }],
    ['message', { message: 'The new cycle lane on Station Road is being blocked by parked cars most evenings.' }],
    ['your-details', { fullName: 'Bench Reporter', email: 'bench@example.com' }],
  ];
  for (const [pageId, values] of pages) {
    const page = await request({ port, path: `/contact-us/${pageId}`, host, headers: { cookie } });
    expectStatus(page.status, 200, `the ${pageId} page`);
    const { csrf, version } = form(page.body);
    await post(`/contact-us/${pageId}`, { _csrf: csrf, _form: version, ...values });
  }
  expectStatus((await request({ port, path: '/contact-us/check-answers', host, headers: { cookie } })).status, 200, 'check your answers');
  return cookie;
}

/** A crime report answered up to its declaration, with a point: what a reporter has before pressing send. */
async function draftCrimeReport(graphql: (query: string, variables: Record<string, unknown>) => Promise<any>, where: { latitude: number; longitude: number }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await graphql(`mutation($t: String!) { startJourney(serviceId: "report-a-crime", session: $t, language: en) { current } }`, { t: token });
  const yesterday = new Date(Date.now() - 24 * 3600_000);
  const answer = (pageId: string, values: Record<string, unknown>, mutation = 'answerPage', extra = '') =>
    graphql(`mutation($t: String!, $p: String!, $v: JSON!) { result: ${mutation}(serviceId: "report-a-crime", session: $t, pageId: $p, values: $v${extra}) { errors { field } } }`, { t: token, p: pageId, v: values });
  const pages: [string, Record<string, unknown>][] = [
    ['emergency', { emergency: 'no' }],
    ['reporting-as', { reportingAs: 'victim' }],
    ['crime-type', { crimeType: 'theft' }],
    ['theft-force', { forceOrThreats: 'no' }],
  ];
  for (const [pageId, values] of pages) await answer(pageId, values);
  await graphql(`mutation($t: String!) { answerRepeatItem(serviceId: "report-a-crime", session: $t, pageId: "stolen-items", index: 0, values: { itemDescription: "A bicycle", itemValue: "300" }) { errors { field } } }`, { t: token });
  await graphql(`mutation($t: String!) { finishRepeat(serviceId: "report-a-crime", session: $t, pageId: "stolen-items") { errors { field } } }`, { t: token });
  const rest: [string, Record<string, unknown>][] = [
    ['incident-when', { 'incidentWhen-kind': 'exact', 'incidentWhen-day': String(yesterday.getDate()), 'incidentWhen-month': String(yesterday.getMonth() + 1), 'incidentWhen-year': String(yesterday.getFullYear()) }],
    ['incident-where', { 'incidentLocation-kind': 'description', 'incidentLocation-description': 'The station car park', 'incidentLocation-latitude': String(where.latitude), 'incidentLocation-longitude': String(where.longitude) }],
    ['what-happened', { incidentDescription: 'My bicycle was taken from the rack.' }],
    ['suspects-known', { suspectKnown: 'no' }],
    ['witnesses-known', { witnessesKnown: 'no' }],
    ['evidence-known', { evidenceAvailable: 'no' }],
    ['support-needs', { supportNeeds: 'none' }],
    ['your-details', { fullName: 'Bench Reporter', 'dateOfBirth-day': '1', 'dateOfBirth-month': '2', 'dateOfBirth-year': '1980', 'address-line1': '1 High Street', 'address-town': 'Northby', email: 'bench@example.com' }],
    ['contact-preference', { contactMethod: 'email' }],
    ['check-answers', {}],
  ];
  for (const [pageId, values] of rest) {
    const outcome = await answer(pageId, values);
    if (outcome.result.errors.length) throw new Error(`bench crime report refused on ${pageId}: ${JSON.stringify(outcome.result.errors)}`);
  }
  return token;
}

/** An access token from the development provider, by the password grant `npm run token` uses. */
async function developmentToken(idpUrl: string, realm: string, username: string): Promise<string> {
  const response = await fetch(`${idpUrl}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: CLI_CLIENT_ID, username, password: DEFAULT_DEV_PASSWORD }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no development token: ${JSON.stringify(body)}`);
  return body.access_token;
}

async function main() {
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-bench-'));
  chmodSync(dataDirectory, 0o755);
  const database = process.env.DATABASE_URL ? `front_counter_bench_${Date.now()}` : undefined;
  // Northshire's records system: a local HTTPS receiver (the others' go to the development back office).
  // The worker reads a destination's address and secret variables from its process's environment.
  const receiver = await startBenchReceiver(dataDirectory);
  Object.assign(process.env, receiver.environment);
  const environment = {
    ...process.env,
    PORT: '0',
    API_PORT: '0',
    IDP_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDirectory,
    EMBEDDED_POSTGRES_PORT: String(20000 + Math.floor(Math.random() * 20000)),
    // Every limit on and counting (so its cost is in every figure), set high enough that one
    // benchmarking client is never refused.
    RATE_LIMITS_ENABLED: 'true',
    RATE_LIMIT_POSTS_PER_CLIENT: '9999999/60',
    RATE_LIMIT_POSTS_PER_FORCE: '9999999/60',
    RATE_LIMIT_TRACKING_PER_CLIENT: '9999999/60',
    RATE_LIMIT_GRAPHQL_COST_PER_CLIENT: '9999999/60',
    ...(database ? { DATABASE_URL: process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${database}`) } : {}),
  };
  const config = loadConfig(environment, { defaultEnvironment: 'development' });
  process.stdout.write('Preparing: database, migrations, tenants/ ...\n');
  const resolved = await resolveDatabase(config);
  await migrateAndSync(resolved.urls.admin, config.tenants.directory, { dryRun: false });
  const stack = await startStack(config, resolved.urls, createLogger({ level: 'silent', name: 'bench' }));
  const apiPort = Number(new URL(stack.apiUrl).port);
  const host = 'northshire.localhost';

  const baseline = http.createServer((_request, response) => response.end('hello world'));
  await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));
  const baselinePort = (baseline.address() as AddressInfo).port;

  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const response = await request({ port: apiPort, path: '/graphql', method: 'POST', host, headers: { 'content-type': 'application/json', 'x-forwarded-host': host }, body: JSON.stringify({ query, variables }) });
    const body = JSON.parse(response.body);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  // The force site's own calls for a reporter's journey: over the journey wire, as JourneyApi makes them.
  const wire = async <Call extends JourneyWireCall>(call: Call, variables: JourneyWireCalls[Call]['variables']): Promise<JourneyWireCalls[Call]['data']> => {
    const response = await request({ port: apiPort, path: `${JOURNEY_WIRE_PATH}/${call}`, method: 'POST', host, headers: { 'content-type': 'application/json', 'x-forwarded-host': host }, body: JSON.stringify(variables) });
    const body = JSON.parse(response.body);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const answered = async (token: string) => {
    await wire('startJourney', { serviceId: 'contact-us', session: token, language: 'en' });
    const pages: [string, Record<string, string>][] = [
      ['emergency', { emergency: 'no' }],
      ['contact-reason', { contactReason: 'feedback' }],
      ['message', { message: 'The new cycle lane on Station Road is being blocked by parked cars most evenings.' }],
      ['your-details', { fullName: 'Bench Reporter', email: 'bench@example.com' }],
      ['check-answers', {}],
    ];
    for (const [pageId, values] of pages) {
      const outcome = await wire('answerPage', { serviceId: 'contact-us', session: token, pageId, values, returnToCheck: false });
      if (outcome.answerPage.errors.length) throw new Error(`bench answers refused: ${JSON.stringify(outcome.answerPage.errors)}`);
    }
  };
  const submit = (token: string) => wire('submitReport', { serviceId: 'contact-us', session: token, values: { confirm: 'yes' } });
  const submitForDelivery = async () => {
    const token = randomBytes(32).toString('base64url');
    await answered(token);
    const startedAt = Date.now();
    const { submitReport } = await submit(token);
    return { reference: submitReport.reference as string, startedAt, answeredAt: Date.now() };
  };
  const finish = async (rows: [string, string][]) => {
    process.stdout.write(`\nFront Counter benchmark (${os.cpus().length} cores, Node ${process.version})\n`);
    for (const [name, value] of rows) process.stdout.write(`  ${name.padEnd(58)} ${value}\n`);
    await stack.close();
    await receiver.receiver.close();
    baseline.close();
    agent.destroy();
    if (database) {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    await resolved.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
  if (ONLY === 'deliveries') {
    process.stdout.write('Measuring back-office deliveries ...\n');
    await finish(await benchDeliveries(stack, resolved.urls.admin, receiver, submitForDelivery));
    return;
  }
  const surge = async () => benchSurge(stack, resolved.urls.admin, await developmentToken(stack.idp!.url, NATIONAL_REALM, seededUsername(NATIONAL_REALM, 'national-admin')!));
  if (ONLY === 'surge') {
    await finish(await surge());
    return;
  }

  const concurrency = 50;
  const seconds = DURATION_MS / 1000;
  // Each connection is a reporter of its own, as on a live site (fifty clients posting to one draft
  // would measure that draft's contention, not the site). A question page needs a session with a
  // journey: each made through the site, as a browser would, with the page's own form tokens.
  const reporters: { cookie: string; body: string }[] = [];
  for (let index = 0; index < concurrency; index++) {
    const startPage = await request({ port: stack.webPort, path: '/contact-us', host });
    const cookie = String(startPage.headers['set-cookie']).split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(startPage.body)![1];
    await request({ port: stack.webPort, path: '/contact-us/start', method: 'POST', host, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` });
    const questionPage = await request({ port: stack.webPort, path: '/contact-us/emergency', host, headers: { cookie } });
    expectStatus(questionPage.status, 200, 'the question page');
    const answerCsrf = /name="_csrf" value="([^"]+)"/.exec(questionPage.body)![1];
    // The page's form version lets the site answer in one call to the api (a build without it is measured all the same).
    const formVersion = /name="_form" value="([^"]+)"/.exec(questionPage.body)?.[1];
    reporters.push({ cookie, body: `_csrf=${encodeURIComponent(answerCsrf)}${formVersion ? `&_form=${formVersion}` : ''}&emergency=no` });
  }
  // Reporters answered through the site up to check your answers (a pasted-in message, as a reporter would).
  const checkReporters: { cookie: string }[] = [];
  for (let index = 0; index < concurrency; index++) checkReporters.push({ cookie: await answeredThroughSite(stack.webPort, host) });

  process.stdout.write(`Measuring ${seconds} s each, ${concurrency} connections (each a reporter of its own) from a separate load generator ...\n`);
  const hello = await load({ port: baselinePort, path: '/' }, concurrency, seconds);
  const home = await load({ port: stack.webPort, path: '/', host }, concurrency, seconds);
  const questionOn = (port: number): LoadTarget => ({ port, path: '/contact-us/emergency', host, reporters: reporters.map(({ cookie }) => ({ cookie })) });
  const question = await load(questionOn(stack.webPort), concurrency, seconds);
  const answerOn = (port: number): LoadTarget => ({
    port,
    path: '/contact-us/emergency',
    method: 'POST',
    host,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    reporters,
    expect: 303,
  });
  const answer = await load(answerOn(stack.webPort), concurrency, seconds);
  const check = await load({ port: stack.webPort, path: '/contact-us/check-answers', host, reporters: checkReporters }, concurrency, seconds);
  // What the process serving api, web and worker holds after that load, once its collector has run
  // (npm run bench gives it a 256 MB old space: unbounded on a 24 GB machine, V8 lets garbage pile up
  // to about four times the live heap before collecting it, and resident memory measures that).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssAfterLoad = process.memoryUsage().rss;
  const hotPathRows: [string, string][] = [
    ['node:http hello world (baseline; load from another process)', `${hello.rate.toFixed(0)} req/s`],
    ['force home page', `${home.rate.toFixed(0)} req/s  = ${(home.rate / hello.rate).toFixed(4)} × baseline`],
    ['question page (with session)', `${question.rate.toFixed(0)} req/s  = ${(question.rate / hello.rate).toFixed(4)} × baseline (p99 ${question.p99} ms)`],
    ['answer POST (validate, save, 303)', `${answer.rate.toFixed(0)} req/s  = ${(answer.rate / hello.rate).toFixed(4)} × baseline (p99 ${answer.p99} ms)`],
    ['check your answers', `${check.rate.toFixed(0)} req/s  = ${(check.rate / hello.rate).toFixed(4)} × baseline (p99 ${check.p99} ms)`],
    ['resident memory after that load (api, web and worker)', `${(rssAfterLoad / 1024 / 1024).toFixed(0)} MB RSS`],
  ];
  if (ONLY === 'hotpath') {
    await finish(hotPathRows);
    return;
  }

  // The cost of metrics on the question page: the same page from a second api and web with
  // METRICS_ENABLED=false, on the same database (the journey's session is valid on both), measured
  // in alternating rounds so that the machine's other load falls on both alike.
  const unmeasured = await startStack({ ...stack.config, metrics: { ...stack.config.metrics, enabled: false }, identity: { ...stack.config.identity, devProvider: { ...stack.config.identity.devProvider, enabled: false } } }, resolved.urls, createLogger({ level: 'silent', name: 'bench' }));
  let withMetrics = 0;
  let withoutMetrics = 0;
  const rounds = 3;
  for (let round = 0; round < rounds; round++) {
    withMetrics += (await load(questionOn(stack.webPort), concurrency, seconds / 2)).rate;
    withoutMetrics += (await load(questionOn(unmeasured.webPort), concurrency, seconds / 2)).rate;
  }
  await unmeasured.close();

  // The cost of rate limiting on the question page and the answer POST (validate, save, 303): the
  // same pages from a stack with RATE_LIMITS_ENABLED=false, in alternating rounds.
  const unlimited = await startStack({ ...stack.config, rateLimits: { ...stack.config.rateLimits, enabled: false }, identity: { ...stack.config.identity, devProvider: { ...stack.config.identity.devProvider, enabled: false } } }, resolved.urls, createLogger({ level: 'silent', name: 'bench' }));
  const limited = { question: 0, answer: 0 };
  const unlimitedRates = { question: 0, answer: 0 };
  for (let round = 0; round < rounds; round++) {
    limited.question += (await load(questionOn(stack.webPort), concurrency, seconds / 2)).rate;
    unlimitedRates.question += (await load(questionOn(unlimited.webPort), concurrency, seconds / 2)).rate;
    limited.answer += (await load(answerOn(stack.webPort), concurrency, seconds / 2)).rate;
    unlimitedRates.answer += (await load(answerOn(unlimited.webPort), concurrency, seconds / 2)).rate;
  }
  await unlimited.close();

  // Raw single-row INSERT loop on the same PostgreSQL: the floor under any submission.
  const client = new pg.Client({ connectionString: resolved.urls.admin });
  await client.connect();
  await client.query('CREATE TEMP TABLE bench_rows (id bigserial PRIMARY KEY, body jsonb NOT NULL)');
  let inserts = 0;
  const insertUntil = performance.now() + DURATION_MS;
  const insertStart = performance.now();
  while (performance.now() < insertUntil) {
    await client.query('INSERT INTO bench_rows (body) VALUES ($1)', [JSON.stringify({ message: 'x'.repeat(80) })]);
    inserts++;
  }
  const insertRate = inserts / ((performance.now() - insertStart) / 1000);
  await client.end();

  // Complete submissions, draft to reference: start, five pages answered, submitted (as the site does: over the api's journey wire).
  const submissionRate = await throughput(8, async () => {
    const token = randomBytes(32).toString('base64url');
    await answered(token);
    const { submitReport } = await submit(token);
    if (!submitReport.reference) throw new Error('no reference');
  });

  // Submit latency with 50 concurrent users: each has a complete draft; all submit at once, in rounds.
  const latencies: number[] = [];
  for (let round = 0; round < 4; round++) {
    const tokens = Array.from({ length: concurrency }, () => randomBytes(32).toString('base64url'));
    for (let index = 0; index < tokens.length; index += 10) await Promise.all(tokens.slice(index, index + 10).map(answered));
    await Promise.all(
      tokens.map(async (token) => {
        const started = performance.now();
        await submit(token);
        latencies.push(performance.now() - started);
      }),
    );
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

  // Crime reports with a location: every submission evaluates northshire's rules, tests the place
  // against every force's area and searches for possible duplicates. Same rounds as above.
  const crimeLatencies: number[] = [];
  let place = 0;
  for (let round = 0; round < 4; round++) {
    const sessions: string[] = [];
    for (let index = 0; index < concurrency; index += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, concurrency - index) }, () => draftCrimeReport(graphql, { latitude: 54.05 + 0.01 * (place % 50), longitude: -2.2 + 0.02 * Math.floor(place++ / 50) })),
      );
      sessions.push(...batch);
    }
    await Promise.all(
      sessions.map(async (token) => {
        const started = performance.now();
        const { submitReport } = await wire('submitReport', { serviceId: 'report-a-crime', session: token, values: { confirm: 'yes' } });
        if (!submitReport.reference) throw new Error('no reference');
        crimeLatencies.push(performance.now() - started);
      }),
    );
  }
  crimeLatencies.sort((a, b) => a - b);
  const crimePercentile = (p: number) => crimeLatencies[Math.min(crimeLatencies.length - 1, Math.floor((p / 100) * crimeLatencies.length))];

  // The triage queue with 100,000 reports across three forces (a tenth awaiting triage), as a call handler sees it.
  process.stdout.write('Loading 100,000 reports across 3 forces for the queue ...\n');
  const owner = new pg.Client({ connectionString: resolved.urls.admin });
  await owner.connect();
  await owner.query(`
    INSERT INTO reports (tenant_id, reference, service_id, form_version_id, draft_id, answers, flags, language, status, queue, priority, tags, submitted_at, triage_by, reply_by, triaged_at)
    SELECT f.tenant_id, 'BENCH' || lpad(g::text, 7, '0'), 'report-a-crime', f.id, gen_random_uuid(), '{}'::jsonb, '{}', 'en',
      CASE WHEN g % 10 = 0 THEN 'awaiting-triage' ELSE 'closed' END,
      (ARRAY['tdiu', 'public-protection', 'roads-policing', 'control-room', 'front-counter'])[1 + g % 5], 1 + (g / 3) % 5,
      CASE WHEN g % 7 = 0 THEN ARRAY['vulnerable'] ELSE '{}' END,
      now() - (g % 43200) * interval '1 minute', now() - (g % 43200) * interval '1 minute' + interval '45 minutes',
      now() - (g % 43200) * interval '1 minute' + interval '48 hours',
      CASE WHEN g % 10 = 0 THEN NULL ELSE now() - (g % 43200) * interval '1 minute' + interval '20 minutes' END
    FROM generate_series(1, 100000) g
    JOIN LATERAL (
      SELECT v.id, v.tenant_id FROM form_versions v JOIN tenants t ON t.id = v.tenant_id
      WHERE v.service_id = 'report-a-crime' AND t.slug = (ARRAY['northshire', 'eastmarch', 'dyffryn'])[1 + g % 3]
      ORDER BY v.version DESC LIMIT 1) f ON true`);
  await owner.query('ANALYZE reports');
  await owner.end();
  const bearer = await developmentToken(stack.idp!.url, 'northshire', seededUsername('northshire', 'call-handler')!);
  const staffQuery = async (query: string) => {
    const response = await request({ port: apiPort, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query }) });
    const body = JSON.parse(response.body);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const timed = async (query: string, times: number) => {
    const samples: number[] = [];
    for (let index = 0; index < times; index++) {
      const started = performance.now();
      await staffQuery(query);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(times / 2)], p99: samples[Math.min(times - 1, Math.floor(times * 0.99))] };
  };
  const queueQuery = `{ queue(first: 50) { total items { reference priority queue sla { triageMinutesLeft } claimedByName possibleDuplicates } } }`;
  const counted = (await staffQuery(queueQuery)).queue.total;
  await timed(queueQuery, 20); // warm
  const meLatency = await timed(`{ me { force } }`, 300);
  const queueLatency = await timed(queueQuery, 300);
  const filteredLatency = await timed(`{ queue(first: 50, queue: "public-protection", tag: "vulnerable") { total items { reference } } }`, 300);

  // Back-office deliveries to an HTTPS receiver, once what the sections above sent has gone.
  process.stdout.write('Measuring back-office deliveries ...\n');
  const deliveryRows = await benchDeliveries(stack, resolved.urls.admin, receiver, submitForDelivery);

  // The national surge: 43 forces, one of them surging, as complete journeys through the sites.
  const surgeRows = await surge();

  // Last: half a gigabyte through the force site, measured on a process that has done everything above.
  const evidenceRows = await benchEvidenceUploads(stack);

  const rows: [string, string][] = [
    ...hotPathRows,
    [
      `question page with metrics vs without (${rounds} alternating rounds)`,
      `${(withMetrics / rounds).toFixed(0)} vs ${(withoutMetrics / rounds).toFixed(0)} req/s  = ${(withMetrics / withoutMetrics).toFixed(3)} × (metrics cost ${((1 - withMetrics / withoutMetrics) * 100).toFixed(1)} %)`,
    ],
    [
      `question page with rate limits vs without (${rounds} rounds)`,
      `${(limited.question / rounds).toFixed(0)} vs ${(unlimitedRates.question / rounds).toFixed(0)} req/s  = ${(limited.question / unlimitedRates.question).toFixed(3)} × (limits cost ${((1 - limited.question / unlimitedRates.question) * 100).toFixed(1)} %)`,
    ],
    [
      `answer POST with rate limits vs without (${rounds} rounds)`,
      `${(limited.answer / rounds).toFixed(0)} vs ${(unlimitedRates.answer / rounds).toFixed(0)} req/s  = ${(limited.answer / unlimitedRates.answer).toFixed(3)} × (limits cost ${((1 - limited.answer / unlimitedRates.answer) * 100).toFixed(1)} %)`,
    ],
    ['raw single-row INSERT loop (baseline)', `${insertRate.toFixed(0)} rows/s`],
    ['complete submissions, draft to reference', `${submissionRate.toFixed(1)} /s  = ${(submissionRate / insertRate).toFixed(4)} × INSERT loop`],
    [`submit latency, ${concurrency} concurrent users (${latencies.length} submits)`, `p50 ${percentile(50).toFixed(1)} ms, p99 ${percentile(99).toFixed(1)} ms`],
    [
      `crime report submit (rules, area, duplicates; ${crimeLatencies.length})`,
      `p50 ${crimePercentile(50).toFixed(1)} ms, p99 ${crimePercentile(99).toFixed(1)} ms  = ${(crimePercentile(50) / percentile(50)).toFixed(2)} × contact-us p50`,
    ],
    ['staff `me` query (auth baseline, 300 sequential)', `p50 ${meLatency.p50.toFixed(2)} ms, p99 ${meLatency.p99.toFixed(2)} ms`],
    [
      `queue, 100k reports in 3 forces (${counted} awaiting here)`,
      `p50 ${queueLatency.p50.toFixed(2)} ms, p99 ${queueLatency.p99.toFixed(2)} ms  = ${(queueLatency.p50 / meLatency.p50).toFixed(2)} × me p50`,
    ],
    ['queue filtered by queue and tag', `p50 ${filteredLatency.p50.toFixed(2)} ms, p99 ${filteredLatency.p99.toFixed(2)} ms  = ${(filteredLatency.p50 / meLatency.p50).toFixed(2)} × me p50`],
    ...deliveryRows,
    ...surgeRows,
    ...evidenceRows,
  ];
  await finish(rows);
}

await main();
process.exit(0);
