import http from 'node:http';
import sharp from 'sharp';
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
      [`{ routingRuleVersions { version } }`, {}],
      [`mutation { publishRoutingRules(rules: { rules: [] }) { problems { field } } }`, {}],
      [`mutation { rollBackRoutingRules(toVersion: 1) { problems { field } } }`, {}],
      [`{ simulateRouting(input: { serviceId: "report-a-crime" }) { rule } }`, {}],
      [`{ staffSettings { clientId } }`, {}],
      [`mutation { updateStaffSettings(settings: {}) { problems { field } } }`, {}],
      [`{ forceFigures { reports } }`, {}],
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

describe('routing rules', () => {
  const VERSIONS = `{ routingRuleVersions { version rules publishedBy note } }`;
  const PUBLISH = `mutation($r: JSON!, $n: String) { publishRoutingRules(rules: $r, note: $n) { problems { field message } version { version publishedBy note } } }`;
  const SIMULATE = `query($i: RoutingSimulationInput!) { simulateRouting(input: $i) { problems { field message } rule transferTo queue priority triageWithinMinutes replyWithinHours tags flags explanation } }`;

  it('simulates where a sample report goes, against the published rules or a draft of new ones', async () => {
    const hate = await call(await northAdmin(), SIMULATE, { i: { serviceId: 'report-a-crime', flags: ['hate'] } });
    expect(hate.data.simulateRouting).toMatchObject({ problems: [], rule: 'Hate crime', queue: 'public-protection', priority: 1, triageWithinMinutes: 30, replyWithinHours: 24, tags: ['hate-crime'], flags: ['hate'] });
    expect(hate.data.simulateRouting.explanation.slice(0, 3)).toEqual(['1. Outside our area: does not match', '2. Happening now: does not match', '3. Hate crime: matches']);
    // From sample answers: vehicle crime.
    const vehicle = await call(await northAdmin(), SIMULATE, { i: { serviceId: 'report-a-crime', answers: { 'crime-type': { crimeType: 'vehicle-crime' } } } });
    expect(vehicle.data.simulateRouting).toMatchObject({ rule: 'Vehicle crime', queue: 'roads-policing' });
    // A place in eastmarch's area: transferred.
    const away = await call(await northAdmin(), SIMULATE, { i: { serviceId: 'report-a-crime', location: { latitude: 54.3, longitude: -0.5 } } });
    expect(away.data.simulateRouting).toMatchObject({ rule: 'Outside our area', transferTo: 'eastmarch' });
    // Unpublished rules, tested first; the national default where none matches.
    const draft = await call(await northAdmin(), SIMULATE, { i: { serviceId: 'contact-us', rules: { rules: [{ name: 'Everything crime', when: { services: ['report-a-crime'] }, then: { queue: 'tdiu', priority: 2 } }] } } });
    expect(draft.data.simulateRouting).toMatchObject({ rule: null, queue: 'general', priority: 3, triageWithinMinutes: 45 });
    // An existing report, by reference (its answers stay in the api; the simulation is audited against it).
    const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers());
    const existing = await call(await northAdmin(), SIMULATE, { i: { report: reference } });
    expect(existing.data.simulateRouting).toMatchObject({ rule: 'Other crime', queue: 'tdiu' });
    expect((await call(await eastAdmin(), SIMULATE, { i: { report: reference } }, EAST)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses invalid rules by field, naming the rule, and publishes, reorders and rolls back valid ones', async () => {
    const current = (await call(await northAdmin(), VERSIONS)).data.routingRuleVersions[0];
    const rules = current.rules.rules as { name: string; when: unknown; then: Record<string, unknown> }[];
    const broken = structuredClone(rules);
    broken[2].then.priority = 9;
    broken.push({ name: 'Ufo', when: { services: ['report-a-ufo'] }, then: { queue: 'x-files', priority: 2 } });
    const refused = await call(await northAdmin(), PUBLISH, { r: { rules: broken } });
    expect(refused.data.publishRoutingRules.problems).toEqual([{ field: 'rules."Hate crime".then.priority', message: expect.any(String) }]);
    const unknownService = await call(await northAdmin(), PUBLISH, { r: { rules: [...rules, { name: 'Ufo', when: { services: ['report-a-ufo'] }, then: { queue: 'x-files', priority: 2 } }] } });
    expect(unknownService.data.publishRoutingRules.problems).toEqual([{ field: 'rules."Ufo".when.services', message: 'report-a-ufo is not a national service' }]);
    expect((await call(await northAdmin(), VERSIONS)).data.routingRuleVersions).toHaveLength(1);

    // Reorder: "Vulnerable or domestic" before "Hate crime": a report with both flags now goes to priority 2.
    const reordered = [rules[0], rules[1], rules[3], rules[2], ...rules.slice(4)];
    const published = await call(await northAdmin(), PUBLISH, { r: { rules: reordered }, n: 'Vulnerability first' });
    expect(published.data.publishRoutingRules).toEqual({ problems: [], version: { version: 2, publishedBy: 'Nell Admin', note: 'Vulnerability first' } });
    const both = await call(await northAdmin(), SIMULATE, { i: { serviceId: 'report-a-crime', flags: ['hate', 'vulnerable'] } });
    expect(both.data.simulateRouting).toMatchObject({ rule: 'Vulnerable or domestic', priority: 2 });
    // New reports follow it at once.
    const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers());
    const routed = await call(await northHandler(), `query($r: String!) { report(report: $r, reason: "triage") { routingRule queue } }`, { r: reference });
    expect(routed.data.report).toEqual({ routingRule: 'Other crime', queue: 'tdiu' });

    const rolledBack = await call(await northAdmin(), `mutation { rollBackRoutingRules(toVersion: 1) { problems { field } version { version note } } }`);
    expect(rolledBack.data.rollBackRoutingRules).toEqual({ problems: [], version: { version: 3, note: 'Rolled back to version 1' } });
    expect((await call(await northAdmin(), SIMULATE, { i: { serviceId: 'report-a-crime', flags: ['hate', 'vulnerable'] } })).data.simulateRouting.rule).toBe('Hate crime');
    const audit = await sqlOn(stack.database.urls.admin, `SELECT action, details->'changes' AS changes FROM audit_events WHERE action LIKE 'routing.%' ORDER BY id`);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['routing.published', 'routing.rolled-back']);
    expect(audit[0].changes).toEqual(expect.arrayContaining(['Hate crime.position: 3 → 4', 'Vulnerable or domestic.position: 4 → 3']));
    // Eastmarch's rules are its own.
    expect((await call(await eastAdmin(), VERSIONS, {}, EAST)).data.routingRuleVersions).toHaveLength(1);
  });
});

describe('staff settings and figures', () => {
  it('changes the staff sign-in settings by name only, refusing a secret', async () => {
    const before = (await call(await northAdmin(), `{ staffSettings { realm clientId clientSecretEnv rolesClaim } }`)).data.staffSettings;
    expect(before).toEqual({ realm: 'northshire', clientId: 'front-counter-staff', clientSecretEnv: null, rolesClaim: 'realm_access.roles' });
    const UPDATE = `mutation($s: JSON!) { updateStaffSettings(settings: $s) { problems { field message } settings { clientId clientSecretEnv } } }`;
    const secret = await call(await northAdmin(), UPDATE, { s: { clientId: 'front-counter-staff', clientSecretEnv: 's3cr3t-value!', rolesClaim: 'realm_access.roles' } });
    expect(secret.data.updateStaffSettings.problems).toEqual([{ field: 'clientSecretEnv', message: 'must name an environment variable, like NORTHSHIRE_OIDC_SECRET' }]);
    const named = await call(await northAdmin(), UPDATE, { s: { clientId: 'front-counter-staff', clientSecretEnv: 'NORTHSHIRE_OIDC_SECRET', rolesClaim: 'realm_access.roles' } });
    expect(named.data.updateStaffSettings).toEqual({ problems: [], settings: { clientId: 'front-counter-staff', clientSecretEnv: 'NORTHSHIRE_OIDC_SECRET' } });
    await call(await northAdmin(), UPDATE, { s: { clientId: 'front-counter-staff', clientSecretEnv: null, rolesClaim: 'realm_access.roles' } });
  });

  it("counts the force's reports by service and day, triage and reply within target, breaches and channel", async () => {
    const tenant = (await sqlOn(stack.database.urls.admin, `SELECT id FROM tenants WHERE slug = 'northshire'`))[0].id;
    await sqlOn(stack.database.urls.admin, `UPDATE reports SET triaged_at = submitted_at + interval '5 minutes' WHERE tenant_id = $1`, [tenant]);
    const figures = (await call(await northAdmin(), `{ forceFigures(days: 7) { reports perServicePerDay { day serviceId reports } triageDue triagedWithinTarget triagedWithinTargetShare replyDue repliedWithin48HoursShare triageBreaches replyBreaches channels { channel reports } } }`)).data.forceFigures;
    const [{ count }] = await sqlOn(stack.database.urls.admin, `SELECT count(*)::int AS count FROM reports WHERE tenant_id = $1`, [tenant]);
    expect(figures).toMatchObject({ reports: count, triageDue: count, triagedWithinTarget: count, triagedWithinTargetShare: 1, replyDue: 0, repliedWithin48HoursShare: null, triageBreaches: 0, replyBreaches: 0, channels: [{ channel: 'online', reports: count }] });
    expect(figures.perServicePerDay).toEqual([{ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), serviceId: 'report-a-crime', reports: count }]);
    expect((await call(await northHandler(), `{ forceFigures { reports } }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('a PNG logo', () => {
  it('is re-encoded without its metadata and scaled to fit, then served by the force site; a disguised file is refused', async () => {
    const big = await sharp({ create: { width: 2000, height: 600, channels: 3, background: '#123456' } })
      .png()
      .withMetadata({ exif: { IFD0: { Copyright: 'Secret Camera Co', Artist: 'Nell Admin' } } })
      .toBuffer();
    expect(big.toString('latin1')).toContain('Secret Camera Co');
    const settings = (await call(await eastAdmin(), SITE, {}, EAST)).data.adminSite.published.settings;
    const withPng = { ...settings, branding: { ...settings.branding, logoSvg: null, logoPng: big.toString('base64') } };
    const saved = await call(await eastAdmin(), SAVE_SITE, { s: withPng }, EAST);
    expect(saved.data.saveSiteDraft.problems).toEqual([]);
    await call(await eastAdmin(), PUBLISH_SITE, {}, EAST);

    const home = await getWithHost(stack.webUrl, EAST, '/');
    const logoHref = /<img class="fc-header__logo" src="(\/assets\/logo\/[0-9a-f]+\.png)"/.exec(home.text)![1];
    // The site's own logo address (a GET with the force's Host; the body is binary).
    const served = await new Promise<Buffer>((resolve, reject) => {
      const base = new URL(stack.webUrl);
      http.get({ hostname: base.hostname, port: base.port, path: logoHref, headers: { host: EAST } }, (response) => {
        expect(response.headers['content-type']).toBe('image/png');
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    const metadata = await sharp(served).metadata();
    expect({ format: metadata.format, width: metadata.width, height: metadata.height, exif: metadata.exif }).toEqual({ format: 'png', width: 800, height: 240, exif: undefined });
    expect(served.toString('latin1')).not.toContain('Secret Camera Co');

    const disguised = await call(await eastAdmin(), SAVE_SITE, { s: { ...withPng, branding: { ...withPng.branding, logoPng: Buffer.from('<html><script>alert(1)</script></html>').toString('base64') } } }, EAST);
    expect(disguised.data.saveSiteDraft.problems).toEqual([{ field: 'branding.logoPng', message: 'The logo is not a PNG image' }]);
  });
});
