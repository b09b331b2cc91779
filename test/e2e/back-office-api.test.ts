import { BACK_OFFICE_CLIENT_ID, DEFAULT_DEV_BACK_OFFICE_SECRET } from '../../apps/idp/src/dev-idp.js';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { graphqlAs } from '../support/graphql.js';
import { PublicVisitor } from '../support/public-site.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// The inbound api for a force's records system: OAuth2 client credentials from the force's own
// identity provider (here the development one, as a Keycloak realm would issue them), then a
// report's crime number, a status and a message for the reporter, each seen by staff and the
// reporter and audited.

const NORTH = 'northshire.localhost';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ OUTBOX_POLL_MS: '60000' });
});
afterAll(() => stack?.close());

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

/** A token for the realm's records system client, by the client credentials grant. */
async function clientToken(realm: string, secret = DEFAULT_DEV_BACK_OFFICE_SECRET): Promise<{ status: number; token?: string }> {
  const response = await fetch(`${stack.idp!.url}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${BACK_OFFICE_CLIENT_ID}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const body = (await response.json()) as { access_token?: string };
  return { status: response.status, token: body.access_token };
}

/** A staff member's token from the development provider (its password grant, for scripts). */
async function staffToken(realm: string, username: string): Promise<string> {
  const response = await fetch(`${stack.idp!.url}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'front-counter-cli', username, password: 'front-counter-dev' }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function api(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

const UPDATE = `mutation($r: String!, $u: BackOfficeUpdateInput!) { backOfficeUpdate(report: $r, update: $u) { reference externalReference timelineUpdated } }`;

it('lets the force’s records system, signed in with client credentials, give a report its crime number, a status and a message that staff and the reporter see', async () => {
  const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ email: 'records@example.com' }));
  const issued = await clientToken('northshire');
  expect(issued.status).toBe(200);
  const bearer = issued.token!;

  const updated = await api(bearer, UPDATE, { r: reference, u: { reference: 'NS/2026/004711', status: 'An officer has been assigned', messageToReporter: 'PC Marsh will call you within two days.' } });
  expect(updated.errors).toBeUndefined();
  expect(updated.data.backOfficeUpdate).toEqual({ reference, externalReference: 'NS/2026/004711', timelineUpdated: true });

  // Staff see the number and the update in the report's timeline.
  const handler = await staffToken('northshire', 'northshire.handler1');
  const seen = await api(handler, `query($r: String!) { report(report: $r, reason: "checking an update") { timeline { kind actorName message details } } }`, { r: reference });
  const timeline = seen.data.report.timeline as { kind: string; actorName: string; message: string; details: Record<string, string> }[];
  expect(timeline).toContainEqual(expect.objectContaining({ kind: 'external-reference', actorName: `Back office: ${BACK_OFFICE_CLIENT_ID}` }));
  expect(timeline).toContainEqual(
    expect.objectContaining({ kind: 'back-office-update', message: 'PC Marsh will call you within two days.\n\nStatus from our records system: An officer has been assigned', details: expect.objectContaining({ status: 'An officer has been assigned' }) }),
  );

  // Each is audited as the records system's client.
  const audit = await sql(`SELECT action, actor_type, actor_id FROM audit_events WHERE action IN ('report.external-reference', 'report.back-office-update') ORDER BY id`);
  expect(audit).toEqual([
    { action: 'report.external-reference', actor_type: 'system', actor_id: BACK_OFFICE_CLIENT_ID },
    { action: 'report.back-office-update', actor_type: 'system', actor_id: BACK_OFFICE_CLIENT_ID },
  ]);

  // The reporter is e-mailed the message and sees all of it when tracking.
  await stack.worker.get(JobWorker).runDueJobs();
  const tracker = new PublicVisitor(stack.webUrl, NORTH);
  await tracker.get('/track');
  await tracker.post('/track', { reference, email: 'records@example.com' });
  await tracker.get('/track/code');
  // The code as it is e-mailed (the event keeps it until the e-mail is sent).
  const [{ code }] = await sql(`SELECT payload->>'code' AS code FROM outbox_events WHERE type = 'email.tracking-code' ORDER BY id DESC LIMIT 1`);
  expect((await tracker.post('/track/code', { code })).location).toBe('/track/report');
  const page = (await tracker.get('/track/report')).text;
  for (const shown of ['NS/2026/004711', 'PC Marsh will call you within two days.', 'Status from our records system: An officer has been assigned', 'An update from us']) expect(page).toContain(shown);
  const mailed = await sql(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'email.report-message' AND delivered_at IS NOT NULL`);
  expect(mailed).toEqual([{ n: 1 }]);
});

it('refuses what is not the force’s records system, another force’s report, a wrong secret and bad input, and changes nothing', async () => {
  const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers());
  const timelineSize = async () => (await sql(`SELECT count(*)::int AS n FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.reference = $1`, [reference]))[0].n;
  const before = await timelineSize();

  // A wrong secret gets no token.
  expect((await clientToken('northshire', 'not-the-secret')).status).toBe(401);
  // A call handler is not the records system (refused as everything a role does not grant is).
  const handler = await staffToken('northshire', 'northshire.handler1');
  expect((await api(handler, UPDATE, { r: reference, u: { status: 'x' } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  // Eastmarch's records system cannot reach a Northshire report: as if it did not exist.
  const east = (await clientToken('eastmarch')).token!;
  expect((await api(east, UPDATE, { r: reference, u: { reference: 'EM/1' } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  // The records system reads nothing: no queue, no report.
  const north = (await clientToken('northshire')).token!;
  expect((await api(north, `query { queue { total } }`)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  // Bad input, each said plainly.
  const refused = async (update: Record<string, unknown>) => (await api(north, UPDATE, { r: reference, u: update })).errors?.[0];
  expect(await refused({})).toMatchObject({ message: expect.stringContaining('at least one of reference, status and messageToReporter') });
  expect(await refused({ reference: 'NS<script>' })).toMatchObject({ message: expect.stringContaining('reference may hold only') });
  expect(await refused({ status: 'x'.repeat(201) })).toMatchObject({ message: expect.stringContaining('status must be 200 characters or fewer') });
  expect(await refused({ messageToReporter: 'bell\u0007' })).toMatchObject({ message: expect.stringContaining('control characters') });
  expect((await api(north, UPDATE, { r: 'ZZZZZZZZZ', u: { status: 'x' } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

  expect(await timelineSize()).toBe(before);
  expect(await sql(`SELECT external_reference FROM reports WHERE reference = $1`, [reference])).toEqual([{ external_reference: null }]);
  // The public site's api is no way in either.
  expect((await graphqlAs(stack.apiUrl, NORTH, UPDATE, { r: reference, u: { status: 'x' } })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});
