import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { loadTenantDefinitions } from '@front-counter/tenancy';
import { graphqlAs } from '../support/graphql.js';
import { getWithHost } from '../support/http.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

/**
 * The national programme team onboards a fourth (and fifth) force: through the api and through
 * `npm run tenants:onboard`, each timed from the request to a working site that takes a report, and
 * its staff able to use the api. Invalid requests get field problems and create nothing; asking again
 * changes nothing.
 */

const run = promisify(execFile);
let stack: TestStack;
let issuer: TestIssuer;
let scratch: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  stack = await startTestStack({ IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000' });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'fc-onboard-'));
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const national = () => issuer.token({ realm: 'national', roles: ['national-admin'], subject: 'national-1', name: 'Nadia National' });
async function call(bearer: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}
const ONBOARD = `mutation($f: JSON!, $r: JSON, $d: Boolean!) { onboardForce(force: $f, routing: $r, dryRun: $d) { problems { field message } dryRun created unchanged actions slug primaryDomain } }`;
const template = () => parse(readFileSync('tenants/_template/tenant.yaml', 'utf8'));
const templateRules = () => parse(readFileSync('tenants/_template/routing.yaml', 'utf8'));

function westholm() {
  const force = template();
  return {
    ...force,
    slug: 'westholm',
    name: { en: 'Westholm Police' },
    domains: ['westholm.localhost', 'report.westholm.police.example'],
    website: 'https://www.westholm.police.example',
    branding: { ...force.branding, logo: { text: { en: 'Westholm Police' } } },
    identity: { realm: 'westholm' },
  };
}
const forceCount = async () => (await sqlOn(stack.database.urls.admin, `SELECT count(*)::int AS n FROM tenants`))[0].n as number;

/** Milliseconds until the force's site answers its home page with its name, polling every 20 ms. */
async function untilLive(host: string, name: string, started: number): Promise<number> {
  for (;;) {
    const home = await getWithHost(stack.webUrl, host, '/');
    if (home.status === 200 && home.text.includes(name)) return performance.now() - started;
    if (performance.now() - started > 60_000) throw new Error(`${host} not live within a minute (last status ${home.status})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('refuses an invalid request field by field and creates nothing', async () => {
  const before = await forceCount();
  const force = westholm();
  const refused = await call(await national(), ONBOARD, {
    f: { ...force, branding: { ...force.branding, brandColour: '#ffdd00' }, services: ['report-a-crime', 'report-a-ufo'], domains: ['report.northshire.police.example'] },
    r: { rules: [{ name: 'Bad', when: { anyFlags: ['happening-now'] }, then: { queue: 'control-room', priority: 9 } }] },
    d: false,
  });
  const problems = refused.data.onboardForce.problems;
  expect(problems).toEqual(
    expect.arrayContaining([
      { field: 'force.branding.brandColour', message: expect.stringMatching(/contrast ratio of 1\.\d+:1/) },
      { field: 'force.services.1', message: expect.stringContaining('There is no national service "report-a-ufo"') },
    ]),
  );
  expect(problems.some((problem: { field: string }) => problem.field.startsWith('routing.rules.0.then'))).toBe(true);
  expect(refused.data.onboardForce.created).toBe(false);
  // A domain another force has.
  const taken = await call(await national(), ONBOARD, { f: { ...force, domains: ['report.northshire.police.example'] }, d: false });
  expect(taken.data.onboardForce.problems).toEqual([{ field: 'force.domains.0', message: 'report.northshire.police.example already belongs to northshire' }]);
  // Only the national programme team may onboard.
  const handler = await issuer.token({ realm: 'northshire', roles: ['force-admin', 'supervisor'], subject: 'x' });
  expect((await call(handler, ONBOARD, { f: force, d: true })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect(await forceCount()).toBe(before);
});

it('onboards a fourth force through the api (dry run first) and it takes a report within seconds', async () => {
  const before = await forceCount();
  const preview = await call(await national(), ONBOARD, { f: westholm(), r: templateRules(), d: true });
  expect(preview.data.onboardForce).toMatchObject({ problems: [], dryRun: true, created: false, slug: 'westholm', primaryDomain: 'westholm.localhost' });
  expect(preview.data.onboardForce.actions).toEqual([
    'Create force westholm (Westholm Police), languages en',
    'Serve its site at westholm.localhost (primary)',
    'Serve its site at report.westholm.police.example',
    `Sign its staff in through ${issuer.url}/realms/westholm (client front-counter-staff, public with PKCE)`,
    'Branding: #1d4f91 with #f0b323, text logo',
    'Publish report-a-crime version 1 (national version 1)',
    'Publish contact-us version 1 (national version 1)',
    'Publish routing rules version 1 (3 rules)',
    'Record force.onboarded in its audit trail',
  ]);
  expect(await forceCount()).toBe(before);

  const started = performance.now();
  const done = await call(await national(), ONBOARD, { f: westholm(), r: templateRules(), d: false });
  expect(done.data.onboardForce).toMatchObject({ problems: [], created: true });
  const liveAfter = await untilLive('westholm.localhost', 'Westholm Police', started);
  // Its other domain too, and a report goes in.
  expect((await getWithHost(stack.webUrl, 'report.westholm.police.example', '/report-a-crime')).status).toBe(200);
  const { reference } = await submitThroughApi(stack.apiUrl, 'westholm.localhost', 'report-a-crime', theftAnswers());
  const tookReport = performance.now() - started;
  process.stdout.write(`onboarding through the api: site live after ${liveAfter.toFixed(0)} ms, first report in after ${tookReport.toFixed(0)} ms\n`);
  expect(tookReport).toBeLessThan(30_000); // the target is one minute; a generous margin below it

  // Its staff sign in through its own realm: a handler sees the report in the queue.
  const handler = await issuer.token({ realm: 'westholm', roles: ['call-handler'], subject: 'west-1', name: 'Wyn Handler' });
  const queue = await call(handler, `{ me { force } queue(first: 5, offset: 0) { items { reference queue priority } } }`);
  expect(queue.data.me.force).toBe('westholm');
  expect(queue.data.queue.items).toEqual([{ reference, queue: 'general', priority: 3 }]);
  const audit = await sqlOn(stack.database.urls.admin, `SELECT a.action, a.actor_id FROM audit_events a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug = 'westholm' AND a.action = 'force.onboarded'`);
  expect(audit).toEqual([{ action: 'force.onboarded', actor_id: 'national-1' }]);

  // Again: nothing to do, and it says so.
  const again = await call(await national(), ONBOARD, { f: westholm(), r: templateRules(), d: false });
  expect(again.data.onboardForce).toMatchObject({ problems: [], created: false, unchanged: true, actions: ['No changes: westholm is already onboarded with these settings.'] });
  // The same slug with different settings is refused, not applied.
  const different = await call(await national(), ONBOARD, { f: { ...westholm(), name: { en: 'West Holm Police' } }, d: false });
  expect(different.data.onboardForce.problems).toEqual([{ field: 'force.slug', message: expect.stringContaining('westholm is already onboarded, with different name.en') }]);
  expect(await forceCount()).toBe(before + 1);
  expect((await graphqlAs(stack.apiUrl, 'westholm.localhost', '{ tenant { name { en } } }')).data.tenant.name.en).toBe('Westholm Police');
});

describe('npm run tenants:onboard', () => {
  const cli = async (...args: string[]) => {
    const environment = { ...process.env, API_URL: stack.apiUrl, PORT: String(stack.webPort), FRONT_COUNTER_TOKEN: await national(), TENANTS_DIR: scratch, NODE_ENV: 'test' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/tenants-onboard.ts', ...args], { env: environment, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const ARGS = ['--from', 'tenants/_template', '--slug', 'fenwold', '--name', 'Fenwold Police', '--domain', 'fenwold.localhost'];

  it('onboards a force from the template against the running product, then changes nothing the second time, and writes its folder only when asked', async () => {
    const started = performance.now();
    const first = await cli(...ARGS);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('  + Create force fenwold (Fenwold Police), languages en');
    expect(first.stdout).toContain(`fenwold is live at http://fenwold.localhost:${stack.webPort}/`);
    const liveAfter = await untilLive('fenwold.localhost', 'Fenwold Police', started);
    const { reference } = await submitThroughApi(stack.apiUrl, 'fenwold.localhost', 'report-a-crime', theftAnswers());
    expect(reference).toMatch(/^[0-9A-Z]{9}$/);
    const tookReport = performance.now() - started;
    process.stdout.write(`onboarding through the command line: site live after ${liveAfter.toFixed(0)} ms, first report in after ${tookReport.toFixed(0)} ms\n`);
    expect(tookReport).toBeLessThan(45_000);
    // The template's placeholders became the force's own values.
    const website = await graphqlAs(stack.apiUrl, 'fenwold.localhost', '{ tenant { website branding { logoText { en } } } }');
    expect(website.data.tenant).toEqual({ website: 'https://www.fenwold.police.example', branding: { logoText: { en: 'Fenwold Police' } } });
    expect(loadTenantDefinitions(scratch)).toEqual([]);

    const second = await cli(...ARGS);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toContain('No changes: fenwold is already onboarded with these settings.');
    expect(second.stdout).toContain('Nothing changed.');

    const written = await cli(...ARGS, '--write');
    expect(written.stdout).toContain(`Wrote ${path.relative(process.cwd(), path.join(scratch, 'fenwold', 'tenant.yaml'))}`);
    const [definition] = loadTenantDefinitions(scratch);
    expect(definition).toMatchObject({ slug: 'fenwold', name: { en: 'Fenwold Police' }, domains: ['fenwold.localhost'], identity: { realm: 'fenwold' } });
    expect((await cli(...ARGS, '--write')).stdout).toContain('already holds this force: nothing written.');
  });

  it('says what is wrong and creates nothing', async () => {
    const before = await forceCount();
    const refused = await cli('--from', 'tenants/_template', '--slug', 'Bad Slug', '--name', 'Bad', '--domain', 'bad.localhost');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Nothing was created. Problems:');
    expect(refused.stderr).toContain('force.slug: must be lower-case letters');
    expect(await forceCount()).toBe(before);
  });
});
