import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@front-counter/logging';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { graphqlAs } from '../support/graphql.js';
import { getWithHost } from '../support/http.js';
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
