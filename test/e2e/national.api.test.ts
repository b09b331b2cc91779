import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse } from 'yaml';
import { createLogger } from '@front-counter/logging';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { graphqlAs } from '../support/graphql.js';
import { getWithHost } from '../support/http.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

/**
 * The national programme team suspends and reinstates a force. A second api instance on the same
 * database, with a five-minute tenant cache, must serve the change within 2 seconds: only the
 * registry's LISTEN/NOTIFY can make that so. The suspended force's site shows a notice and takes no
 * new reports; its staff pages and tracking stay open; nothing is deleted.
 */

let stack: TestStack;
let issuer: TestIssuer;
let second: NestFastifyApplication;
let secondUrl: string;
const NORTH = 'northshire.localhost';

beforeAll(async () => {
  issuer = await startTestIssuer();
  stack = await startTestStack({ IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000' });
  // Another api instance: its own caches (kept five minutes) and its own listener, on the same database.
  second = await createApiApp({ ...stack.config, web: { ...stack.config.web, tenantCacheSeconds: 300 } }, stack.database.urls, createLogger({ level: 'silent', name: 'second-api' }));
  await second.listen({ port: 0, host: '127.0.0.1' });
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(async () => {
  await second?.close();
  await stack?.close();
  await issuer?.close();
});

const national = () => issuer.token({ realm: 'national', roles: ['national-admin'], subject: 'national-1', name: 'Nadia National' });
async function call(apiUrl: string, bearer: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}
const SUSPEND = `mutation($s: String!, $r: String!) { suspendForce(slug: $s, reason: $r) { slug status statusReason } }`;
const REINSTATE = `mutation($s: String!) { reinstateForce(slug: $s) { slug status statusReason } }`;
const suspendedOn = async (apiUrl: string) => (await graphqlAs(apiUrl, NORTH, `{ tenant { suspended } }`)).data?.tenant.suspended as boolean;

/** Milliseconds until `check` holds, polling every 20 ms; fails after 5 s. */
async function timeUntil(check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 5000) throw new Error('not within 5 seconds');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

it('suspends a force everywhere within 2 seconds: a notice on its site, no new reports, staff and tracking open, nothing deleted; then reinstates it', async () => {
  const reportsBefore = await sqlOn(stack.database.urls.admin, `SELECT count(*)::int AS n FROM reports`);
  // The second instance has northshire cached as active.
  expect(await suspendedOn(secondUrl)).toBe(false);

  const suspended = await call(stack.apiUrl, await national(), SUSPEND, { s: 'northshire', r: 'Investigating a fault with its e-mail delivery' });
  expect(suspended.data.suspendForce).toEqual({ slug: 'northshire', status: 'suspended', statusReason: 'Investigating a fault with its e-mail delivery' });
  const seenAfter = await timeUntil(() => suspendedOn(secondUrl));
  expect(seenAfter).toBeLessThan(2000);

  // No new reports through either instance.
  for (const apiUrl of [stack.apiUrl, secondUrl]) {
    const started = await graphqlAs(apiUrl, NORTH, `mutation { startJourney(serviceId: "report-a-crime", session: "${'s'.repeat(43)}", language: en) { current } }`);
    expect(started.errors?.[0]).toMatchObject({ message: 'This force is not taking reports online at the moment.', extensions: { code: 'FORCE_SUSPENDED' } });
  }
  // The site: a clear notice instead of the home page and the services; tracking and staff pages stay open.
  const home = await getWithHost(stack.webUrl, NORTH, '/');
  expect(home.status).toBe(503);
  expect(home.text).toContain('Northshire Police is not taking reports online at the moment');
  expect(home.text).toContain('In an emergency, call 999.');
  expect((await getWithHost(stack.webUrl, NORTH, '/report-a-crime')).status).toBe(503);
  expect((await getWithHost(stack.webUrl, NORTH, '/track')).status).toBe(200);
  expect((await getWithHost(stack.webUrl, NORTH, '/staff')).status).toBeLessThan(500);
  // Its staff go on working its reports.
  const handler = await issuer.token({ realm: 'northshire', roles: ['call-handler'] });
  expect((await call(stack.apiUrl, handler, `{ queue { total } }`)).errors).toBeUndefined();
  // Other forces are untouched.
  expect((await getWithHost(stack.webUrl, 'eastmarch.localhost', '/')).status).toBe(200);

  const reinstated = await call(secondUrl, await national(), REINSTATE, { s: 'northshire' });
  expect(reinstated.data.reinstateForce).toEqual({ slug: 'northshire', status: 'active', statusReason: null });
  expect(await timeUntil(async () => !(await suspendedOn(stack.apiUrl)))).toBeLessThan(2000);
  expect((await getWithHost(stack.webUrl, NORTH, '/')).status).toBe(200);

  expect(await sqlOn(stack.database.urls.admin, `SELECT count(*)::int AS n FROM reports`)).toEqual(reportsBefore);
  const audited = await sqlOn(
    stack.database.urls.admin,
    `SELECT a.action, a.actor_id, a.reason FROM audit_events a JOIN tenants t ON t.id = a.tenant_id WHERE t.slug = 'northshire' AND a.action LIKE 'force.%' ORDER BY a.id`,
  );
  expect(audited).toEqual([
    { action: 'force.suspended', actor_id: 'national-1', reason: 'Investigating a fault with its e-mail delivery' },
    { action: 'force.reinstated', actor_id: 'national-1', reason: null },
  ]);
});

it('lets only the national programme team do it: anyone else, or an unknown force, gets "not found" and nothing changes', async () => {
  const attempts: [string, string][] = [
    ['a force’s call handler', await issuer.token({ realm: 'northshire', roles: ['call-handler', 'supervisor'] })],
    ['a force administrator', await issuer.token({ realm: 'northshire', roles: ['force-admin'] })],
    ['national-admin claimed in a force’s realm', await issuer.token({ realm: 'eastmarch', roles: ['national-admin'] })],
  ];
  for (const [who, bearer] of attempts) {
    const answer = await call(stack.apiUrl, bearer, SUSPEND, { s: 'northshire', r: 'x' });
    expect({ who, error: answer.errors?.[0] }).toMatchObject({ who, error: { message: 'Not found, or you do not have access to it.', extensions: { code: 'NOT_FOUND' } } });
  }
  const unknown = await call(stack.apiUrl, await national(), SUSPEND, { s: 'nowhere', r: 'x' });
  expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(await sqlOn(stack.database.urls.admin, `SELECT slug, status FROM tenants WHERE status <> 'active'`)).toEqual([]);
});

describe('changes published through one api instance, served by the other', () => {
  it("serves a force administrator's new branding and form version within 2 seconds", async () => {
    const admin = await issuer.token({ realm: 'northshire', roles: ['force-admin'], subject: 'north-admin', name: 'Nell Admin' });
    const brandOn = async (apiUrl: string) => (await graphqlAs(apiUrl, NORTH, `{ tenant { branding { brandColour } } }`)).data?.tenant.branding.brandColour as string;
    expect(await brandOn(secondUrl)).not.toBe('#3d2b56');
    const settings = (await call(stack.apiUrl, admin, `{ adminSite { published { settings } } }`)).data.adminSite.published.settings;
    await call(stack.apiUrl, admin, `mutation($s: JSON!) { saveSiteDraft(settings: $s) { problems { field } } }`, { s: { ...settings, branding: { ...settings.branding, brandColour: '#3d2b56' } } });
    await call(stack.apiUrl, admin, `mutation { publishSiteDraft { problems { field } } }`);
    expect(await timeUntil(async () => (await brandOn(secondUrl)) === '#3d2b56')).toBeLessThan(2000);

    const formOn = async (apiUrl: string) => (await graphqlAs(apiUrl, NORTH, `{ services { id formVersionId } }`)).data.services.find((service: { id: string }) => service.id === 'contact-us').formVersionId as string;
    const before = await formOn(secondUrl);
    const overlay = { texts: { questions: { [firstQuestion()]: { hint: { en: 'Northshire: a hint', cy: 'Northshire: awgrym' } } } } };
    const saved = await call(stack.apiUrl, admin, `mutation($o: JSON!) { saveServiceDraft(serviceId: "contact-us", overlay: $o) { problems { field message } } }`, { o: overlay });
    expect(saved.data.saveServiceDraft.problems).toEqual([]);
    const published = await call(stack.apiUrl, admin, `mutation { publishServiceDraft(serviceId: "contact-us") { version { id } } }`);
    const id = published.data.publishServiceDraft.version.id as string;
    expect(id).not.toBe(before);
    expect(await timeUntil(async () => (await formOn(secondUrl)) === id)).toBeLessThan(2000);
  });
});

/** The first question of contact-us (national). */
function firstQuestion(): string {
  const definition = parse(readFileSync('tenants/_national/services/contact-us.yaml', 'utf8'));
  return definition.pages.find((page: { questions?: { id: string }[] }) => page.questions?.length).questions[0].id;
}

describe('a new version of a national service', () => {
  const NATIONAL_SERVICES = `{ nationalServices { id version forces { slug nationalVersion upToDate automatic conflicts problems { field } } } }`;
  const PUBLISH = `mutation($d: JSON!, $dry: Boolean!) { publishNationalService(definition: $d, dryRun: $dry) { problems { field message } service { id version forces { slug automatic conflicts } } } }`;

  function crimeVersion2() {
    const definition = parse(readFileSync('tenants/_national/services/report-a-crime.yaml', 'utf8'));
    definition.version = 2;
    const page = definition.pages.find((candidate: { id: string }) => candidate.id === 'what-happened');
    page.questions[0].hint = { en: 'Tell us what happened, in order. (National version 2.)', cy: 'Dywedwch wrthym beth ddigwyddodd, yn eu trefn. (Fersiwn genedlaethol 2.)' };
    return definition;
  }

  it('is checked, shows how it lands at each force, rolls out to those without overlays on the changed pages, and waits for the others', async () => {
    const token = await national();
    const wrongVersion = await call(stack.apiUrl, token, PUBLISH, { d: { ...crimeVersion2(), version: 5 }, dry: true });
    expect(wrongVersion.data.publishNationalService.problems).toEqual([{ field: 'version', message: 'The next version of report-a-crime is 2.' }]);
    const broken = await call(stack.apiUrl, token, PUBLISH, { d: { ...crimeVersion2(), pages: [] }, dry: true });
    expect(broken.data.publishNationalService.problems.length).toBeGreaterThan(0);

    const preview = await call(stack.apiUrl, token, PUBLISH, { d: crimeVersion2(), dry: true });
    const impact = Object.fromEntries(preview.data.publishNationalService.service.forces.map((force: { slug: string }) => [force.slug, force]));
    // Eastmarch's overlay changes the same question's hint: it needs its administrators' review.
    expect(impact.eastmarch).toMatchObject({ automatic: false, conflicts: ['what-happened'] });
    expect(impact.northshire).toMatchObject({ automatic: true, conflicts: [] });
    const unchanged = (await call(stack.apiUrl, token, NATIONAL_SERVICES)).data.nationalServices.find((service: { id: string }) => service.id === 'report-a-crime');
    expect(unchanged.version).toBe(1);

    const published = await call(stack.apiUrl, token, PUBLISH, { d: crimeVersion2(), dry: false });
    expect(published.data.publishNationalService.service.version).toBe(2);
    // Every force offering it sees it in its drift report.
    const eastAdmin = await issuer.token({ realm: 'eastmarch', roles: ['force-admin'], subject: 'east-admin' });
    const drift = (await call(stack.apiUrl, eastAdmin, `{ driftReport { serviceId nationalVersion latestNationalVersion nationalChanges { path } conflicts } }`)).data.driftReport;
    expect(drift.find((entry: { serviceId: string }) => entry.serviceId === 'report-a-crime')).toEqual({
      serviceId: 'report-a-crime',
      nationalVersion: 1,
      latestNationalVersion: 2,
      nationalChanges: [{ path: 'nationalVersion' }, { path: 'pages.what-happened.questions.incidentDescription.hint.cy' }, { path: 'pages.what-happened.questions.incidentDescription.hint.en' }],
      conflicts: ['what-happened'],
    });

    const rollOut = await call(stack.apiUrl, token, `mutation { rollOutNationalService(serviceId: "report-a-crime") { upgraded skipped { slug reason } } }`);
    expect(rollOut.data.rollOutNationalService.upgraded).toEqual(expect.arrayContaining(['northshire']));
    expect(rollOut.data.rollOutNationalService.upgraded).not.toContain('eastmarch');
    const after = (await call(stack.apiUrl, token, NATIONAL_SERVICES)).data.nationalServices.find((service: { id: string }) => service.id === 'report-a-crime');
    expect(after.forces.find((force: { slug: string }) => force.slug === 'northshire')).toMatchObject({ nationalVersion: 2, upToDate: true });
    expect(after.forces.find((force: { slug: string }) => force.slug === 'eastmarch')).toMatchObject({ nationalVersion: 1, upToDate: false, automatic: false });
    // Northshire's public form is the new one; eastmarch's admin upgrades after looking (dry run first), keeping its own hint.
    const services = await graphqlAs(stack.apiUrl, NORTH, `{ services { id formVersionId } }`);
    const formId = services.data.services.find((service: { id: string }) => service.id === 'report-a-crime').formVersionId;
    const form = (await graphqlAs(stack.apiUrl, NORTH, `query($id: String!) { formVersion(id: $id) }`, { id: formId })).data.formVersion;
    expect(form.nationalVersion).toBe(2);
    const dry = await call(stack.apiUrl, eastAdmin, `mutation { upgradeService(serviceId: "report-a-crime", dryRun: true) { problems { field } changes { path } version { version } } }`);
    expect(dry.data.upgradeService).toEqual({ problems: [], changes: [{ path: 'nationalVersion' }], version: null });
    const upgraded = await call(stack.apiUrl, eastAdmin, `mutation { upgradeService(serviceId: "report-a-crime") { version { nationalVersion note } } }`);
    expect(upgraded.data.upgradeService.version).toEqual({ nationalVersion: 2, note: 'Upgraded to national version 2' });
    // Only the national programme team publishes national versions.
    expect((await call(stack.apiUrl, eastAdmin, PUBLISH, { d: crimeVersion2(), dry: true })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("shows every force's figures and SLA compliance", async () => {
    await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers());
    const figures = (await call(stack.apiUrl, await national(), `{ nationalFigures(days: 30) { slug status figures { reports triagedWithinTargetShare triageBreaches } } }`)).data.nationalFigures;
    expect(figures.map((force: { slug: string }) => force.slug)).toEqual(['dyffryn', 'eastmarch', 'northshire']);
    expect(figures[2].figures.reports).toBeGreaterThan(0);
  });
});
