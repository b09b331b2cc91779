import { graphqlAs } from '../support/graphql.js';
import { getWithHost } from '../support/http.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

/**
 * Force administration through the api: site settings as a draft then published, a service's overlay
 * as a draft, published as a new version, its history and differences, roll-back, the drift report.
 * Invalid input gets field-level problems and changes nothing; a force administrator reaches only their
 * own force, and nobody else reaches these operations at all.
 */

let stack: TestStack;
let issuer: TestIssuer;
const NORTH = 'northshire.localhost';
const EAST = 'eastmarch.localhost';

beforeAll(async () => {
  issuer = await startTestIssuer();
  stack = await startTestStack({ IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000' });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});

const northAdmin = () => issuer.token({ realm: 'northshire', roles: ['force-admin'], subject: 'north-admin', name: 'Nell Admin' });
const eastAdmin = () => issuer.token({ realm: 'eastmarch', roles: ['force-admin'], subject: 'east-admin', name: 'Ezra Admin' });
const northHandler = () => issuer.token({ realm: 'northshire', roles: ['call-handler', 'supervisor'], subject: 'north-1', name: 'North One' });
const national = () => issuer.token({ realm: 'national', roles: ['national-admin'], subject: 'national-1', name: 'Nadia National' });

async function call(bearer: string, query: string, variables: Record<string, unknown> = {}, host = NORTH) {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'x-forwarded-host': host },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

const SITE = `{ adminSite { published { settings contrast } draft { settings contrast } draftUpdatedByName } }`;
const SAVE_SITE = `mutation($s: JSON!) { saveSiteDraft(settings: $s) { problems { field message } site { draft { settings contrast } } } }`;
const PUBLISH_SITE = `mutation { publishSiteDraft { problems { field message } site { published { settings } draft { settings } } } }`;
const SERVICE = `query($id: String!) { adminService(serviceId: $id) { serviceId enabled current { version nationalVersion overlay form } draft { overlay form problems { field message } } } }`;
const SAVE_SERVICE = `mutation($id: String!, $o: JSON!) { saveServiceDraft(serviceId: $id, overlay: $o) { problems { field message } service { draft { overlay form } } } }`;
const PUBLISH_SERVICE = `mutation($id: String!, $n: String) { publishServiceDraft(serviceId: $id, note: $n) { problems { field message } version { version publishedBy note hasOverlay } } }`;
const VERSIONS = `query($id: String!) { serviceVersions(serviceId: $id) { version publishedBy note } }`;
const DIFF = `query($id: String!, $f: Int!, $t: Int!) { serviceVersionDifferences(serviceId: $id, from: $f, to: $t) { path before after } }`;
const ROLL_BACK = `mutation($id: String!, $v: Int!) { rollBackService(serviceId: $id, toVersion: $v) { problems { field message } version { version note } } }`;
const HINT_PATH = 'pages.what-happened.questions.incidentDescription.hint.en';

const publicBrand = async (host = NORTH) => (await graphqlAs(stack.apiUrl, host, `{ tenant { branding { brandColour } } }`)).data.tenant.branding.brandColour as string;
async function publicForm(host: string, serviceId: string) {
  const services = await graphqlAs(stack.apiUrl, host, `{ services { id formVersionId } }`);
  const id = services.data.services.find((service: { id: string }) => service.id === serviceId).formVersionId;
  return (await graphqlAs(stack.apiUrl, host, `query($id: String!) { formVersion(id: $id) }`, { id })).data.formVersion;
}
const hintOf = (form: any) => form.pages.find((page: any) => page.id === 'what-happened').questions[0].hint.en as string;

describe('site settings', () => {
  it('refuses a brand colour without enough contrast, naming the field and the ratio, and keeps nothing', async () => {
    const site = (await call(await northAdmin(), SITE)).data.adminSite;
    const settings = site.published.settings;
    const pale = { ...settings, branding: { ...settings.branding, brandColour: '#f0b323' } };
    const refused = await call(await northAdmin(), SAVE_SITE, { s: pale });
    expect(refused.data.saveSiteDraft.site).toBeNull();
    expect(refused.data.saveSiteDraft.problems).toEqual([{ field: 'branding.brandColour', message: expect.stringMatching(/^#f0b323 has a contrast ratio of 1\.\d\d:1 with white text; it needs at least 4\.5:1/) }]);
    // Other field errors are named too; a logo with a script is refused.
    const bad = await call(await northAdmin(), SAVE_SITE, {
      s: { ...settings, contact: { ...settings.contact, nonEmergency: 'ring us' }, branding: { ...settings.branding, logoSvg: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' } },
    });
    expect(bad.data.saveSiteDraft.problems.map((problem: { field: string }) => problem.field).sort()).toEqual(['branding.logoSvg', 'contact.nonEmergency']);
    expect((await call(await northAdmin(), SITE)).data.adminSite.draft).toBeNull();
  });

  it('keeps a draft the public do not see, then publishes it to every page at once (audited)', async () => {
    const settings = (await call(await northAdmin(), SITE)).data.adminSite.published.settings;
    const before = await publicBrand();
    const saved = await call(await northAdmin(), SAVE_SITE, { s: { ...settings, branding: { ...settings.branding, brandColour: '#5a2d82' } } });
    expect(saved.data.saveSiteDraft.problems).toEqual([]);
    expect(saved.data.saveSiteDraft.site.draft.contrast).toBeGreaterThan(4.5);
    expect(await publicBrand()).toBe(before);

    const published = await call(await northAdmin(), PUBLISH_SITE);
    expect(published.data.publishSiteDraft).toMatchObject({ problems: [], site: { draft: null, published: { settings: { branding: { brandColour: '#5a2d82' } } } } });
    expect(await publicBrand()).toBe('#5a2d82');
    const home = await getWithHost(stack.webUrl, NORTH, '/');
    const themeHref = /href="(\/assets\/theme\/[0-9a-f]+\.css)"/.exec(home.text)![1];
    expect((await getWithHost(stack.webUrl, NORTH, themeHref)).text).toContain('#5a2d82');
    const audit = await sqlOn(stack.database.urls.admin, `SELECT actor_id, details FROM audit_events WHERE action = 'force.site-published'`);
    expect(audit).toEqual([{ actor_id: 'north-admin', details: expect.objectContaining({ actorName: 'Nell Admin', changes: [`branding.brandColour: "${before}" → "#5a2d82"`] }) }]);
    // Nothing left to publish.
    expect((await call(await northAdmin(), PUBLISH_SITE)).data.publishSiteDraft.problems).toEqual([{ field: 'draft', message: 'There is no draft of the site’s settings to publish.' }]);
  });
});

describe("a service's form", () => {
  it('refuses an overlay that does not fit the national form, by field, and keeps nothing', async () => {
    const refused = await call(await northAdmin(), SAVE_SERVICE, {
      id: 'report-a-crime',
      o: { texts: { questions: { noSuchQuestion: { hint: { en: 'x', cy: 'y' } } } }, disabledPages: ['your-details'] },
    });
    expect(refused.data.saveServiceDraft.service).toBeNull();
    expect(refused.data.saveServiceDraft.problems).toEqual(
      expect.arrayContaining([
        { field: 'texts.questions.noSuchQuestion', message: 'no such question in report-a-crime' },
        { field: 'disabledPages', message: expect.stringContaining('"your-details"') },
      ]),
    );
    const shape = await call(await northAdmin(), SAVE_SERVICE, { id: 'report-a-crime', o: { texts: { questions: { incidentDescription: { hint: { fr: 'non' } } } } } });
    expect(shape.data.saveServiceDraft.problems[0].field).toMatch(/^texts\.questions\.incidentDescription\.hint/);
    expect((await call(await northAdmin(), SERVICE, { id: 'report-a-crime' })).data.adminService.draft).toBeNull();
  });

  it('publishes a draft as a new version, keeps the old one for the reports made with it, shows the history and differences, and rolls back', async () => {
    const before = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers());
    const oldHint = hintOf(await publicForm(NORTH, 'report-a-crime'));
    const hint = { en: 'Tell us what happened, including any Northshire Shopwatch radio calls.', cy: 'Dywedwch wrthym beth ddigwyddodd.' };

    const saved = await call(await northAdmin(), SAVE_SERVICE, { id: 'report-a-crime', o: { texts: { questions: { incidentDescription: { hint } } } } });
    expect(saved.data.saveServiceDraft.problems).toEqual([]);
    expect(hintOf(saved.data.saveServiceDraft.service.draft.form)).toBe(hint.en);
    // A draft: the public still see the old hint.
    expect(hintOf(await publicForm(NORTH, 'report-a-crime'))).toBe(oldHint);

    const published = await call(await northAdmin(), PUBLISH_SERVICE, { id: 'report-a-crime', n: 'Shopwatch pilot' });
    if (!published.data) throw new Error(JSON.stringify(published.errors));
    expect(published.data.publishServiceDraft).toEqual({ problems: [], version: { version: 2, publishedBy: 'Nell Admin', note: 'Shopwatch pilot', hasOverlay: true } });
    expect(hintOf(await publicForm(NORTH, 'report-a-crime'))).toBe(hint.en);

    // The report made before keeps its version.
    const report = await call(await northHandler(), `query($r: String!) { report(report: $r, reason: "triage") { formVersion form } }`, { r: before.reference });
    expect(report.data.report.formVersion).toBe(1);
    expect(hintOf(report.data.report.form)).toBe(oldHint);

    const diff = await call(await northAdmin(), DIFF, { id: 'report-a-crime', f: 1, t: 2 });
    expect(diff.data.serviceVersionDifferences).toEqual(
      expect.arrayContaining([
        { path: HINT_PATH, before: oldHint, after: hint.en },
        { path: HINT_PATH.replace(/en$/, 'cy'), before: expect.any(String), after: hint.cy },
      ]),
    );

    const rolledBack = await call(await northAdmin(), ROLL_BACK, { id: 'report-a-crime', v: 1 });
    expect(rolledBack.data.rollBackService).toEqual({ problems: [], version: { version: 3, note: 'Rolled back to version 1' } });
    expect(hintOf(await publicForm(NORTH, 'report-a-crime'))).toBe(oldHint);
    expect((await call(await northAdmin(), ROLL_BACK, { id: 'report-a-crime', v: 3 })).data.rollBackService.problems).toEqual([{ field: 'version', message: 'Version 3 is the form the public already see.' }]);
    const history = await call(await northAdmin(), VERSIONS, { id: 'report-a-crime' });
    expect(history.data.serviceVersions).toEqual([
      { version: 3, publishedBy: 'Nell Admin', note: 'Rolled back to version 1' },
      { version: 2, publishedBy: 'Nell Admin', note: 'Shopwatch pilot' },
      { version: 1, publishedBy: 'tenant files', note: null },
    ]);
    const audit = await sqlOn(stack.database.urls.admin, `SELECT action FROM audit_events WHERE subject_id = 'report-a-crime' AND action LIKE 'form.%' ORDER BY id`);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['form.published', 'form.rolled-back']);
  });

  it("reports the drift of eastmarch's crime form from the national baseline", async () => {
    const drift = await call(await eastAdmin(), `{ driftReport { serviceId nationalVersion latestNationalVersion overlayChanges { path } nationalChanges { path } conflicts } }`, {}, EAST);
    const crime = drift.data.driftReport.find((entry: { serviceId: string }) => entry.serviceId === 'report-a-crime');
    expect(crime.nationalChanges).toEqual([]);
    expect(crime.overlayChanges.map((change: { path: string }) => change.path)).toEqual(expect.arrayContaining([HINT_PATH, 'pages.eastmarch-shopwatch']));
    const contact = drift.data.driftReport.find((entry: { serviceId: string }) => entry.serviceId === 'contact-us');
    expect(contact.overlayChanges).toEqual([]);
  });
});

describe('who may administer what', () => {
  it("gives a force administrator their own force only, whatever host or header they send", async () => {
    // Eastmarch's admin, sending northshire's host, sees and changes eastmarch's.
    const site = await call(await eastAdmin(), SITE, {}, NORTH);
    expect(site.data.adminSite.published.settings.name.en).toBe('Eastmarch Constabulary');
    const service = await call(await eastAdmin(), SERVICE, { id: 'report-a-crime' }, NORTH);
    expect(service.data.adminService.current.overlay.slots['after-incident-details'][0].id).toBe('eastmarch-shopwatch');
    // Versions of another force's form cannot be named: version numbers are the caller's force's.
    const northVersions = await call(await northAdmin(), VERSIONS, { id: 'report-a-crime' });
    const eastVersions = await call(await eastAdmin(), VERSIONS, { id: 'report-a-crime' });
    expect(eastVersions.data.serviceVersions.length).toBeLessThan(northVersions.data.serviceVersions.length);
    const missing = await call(await eastAdmin(), DIFF, { id: 'report-a-crime', f: 1, t: 3 });
    expect(missing.errors?.[0]).toMatchObject({ message: 'Not found, or you do not have access to it.', extensions: { code: 'NOT_FOUND' } });
  });

  it('refuses every admin operation to a call handler, a supervisor and the national programme team, changing nothing', async () => {
    const forms = await sqlOn(stack.database.urls.admin, `SELECT count(*)::int AS n FROM form_versions`);
    const operations: [string, Record<string, unknown>][] = [
      [SITE, {}],
      [SAVE_SITE, { s: {} }],
      [PUBLISH_SITE, {}],
      [`mutation { discardSiteDraft }`, {}],
      [`{ adminServices { serviceId } }`, {}],
      [SERVICE, { id: 'report-a-crime' }],
      [SAVE_SERVICE, { id: 'report-a-crime', o: {} }],
      [PUBLISH_SERVICE, { id: 'report-a-crime' }],
      [VERSIONS, { id: 'report-a-crime' }],
      [DIFF, { id: 'report-a-crime', f: 1, t: 2 }],
      [ROLL_BACK, { id: 'report-a-crime', v: 1 }],
      [`mutation { setServiceEnabled(serviceId: "contact-us", enabled: false) { enabled } }`, {}],
      [`{ driftReport { serviceId } }`, {}],
      [`mutation { upgradeService(serviceId: "report-a-crime") { changes { path } } }`, {}],
    ];
    for (const token of [await northHandler(), await national()]) {
      for (const [query, variables] of operations) {
        const answer = await call(token, query, variables);
        expect({ query, code: answer.errors?.[0]?.extensions?.code, data: answer.data ?? null }).toEqual({ query, code: 'NOT_FOUND', data: null });
      }
    }
    // A force administrator has no triage: the queue is "not found" too.
    expect((await call(await northAdmin(), `{ queue(first: 5, offset: 0) { total } }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await sqlOn(stack.database.urls.admin, `SELECT count(*)::int AS n FROM form_versions`)).toEqual(forms);
  });
});

describe('services on and off', () => {
  it('switches a service off (gone from the site) and on again', async () => {
    const off = await call(await northAdmin(), `mutation { setServiceEnabled(serviceId: "contact-us", enabled: false) { enabled } }`);
    expect(off.data.setServiceEnabled.enabled).toBe(false);
    const services = async () => (await graphqlAs(stack.apiUrl, NORTH, `{ services { id } }`)).data.services.map((service: { id: string }) => service.id);
    expect(await services()).not.toContain('contact-us');
    await call(await northAdmin(), `mutation { setServiceEnabled(serviceId: "contact-us", enabled: true) { enabled } }`);
    expect(await services()).toContain('contact-us');
  });
});
