import type { Browser, BrowserContext, Page } from 'playwright-core';
import { devProviderToken } from '../../scripts/dev-provider-token.js';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { launchChromium } from '../support/browser.js';
import { answer, audit, fill, follow, heading, pathOf, pressButton, startService, violationsOn, visit } from '../support/journey-steps.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * A force administrator, in Chromium against the real force site, api, development sign-in provider
 * and PostgreSQL: changes the brand colour (a pale one is refused with its contrast ratio) and a
 * question's hint, previews both, publishes; the public site shows both; a report made before still
 * has the form version it was made with; the administrator rolls the form back and the public see the
 * old question again. axe checks every page on the way.
 */

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const staff = seededRealms([{ slug: 'northshire', name: { en: 'Northshire Police' }, domains: [], identity: { realm: 'northshire', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users;
const nameOf = (username: string) => staff.find((user) => user.username === username)!.name;
const NEW_HINT_CY = 'Dewiswch yr un sy’n gweddu orau.';
const NEW_HINT = 'Choose the one that fits best. If you are reporting for a business, choose “someone else”.';

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack({ OUTBOX_POLL_MS: '60000' }), launchChromium()]);
});
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await stack?.close();
});

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

async function andLand(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await audit(page);
}

/** The header's background colour as the browser paints it. */
const headerColour = (page: Page) => page.locator('.fc-header').evaluate((element) => getComputedStyle(element).backgroundColor);
const hintOn = async (page: Page) => ((await page.locator('#reportingAs-hint').count()) ? (await page.locator('#reportingAs-hint').textContent())!.trim() : null);

/** As a member of the public: the crime report's second page, "Which of these describes you?". */
async function reportingAsPage(page: Page) {
  await startService(page, `${stack.siteUrl('northshire')}report-a-crime`);
  await answer(page, { label: 'No' });
  expect(await heading(page)).toBe('Which of these describes you?');
}

/** Opens /admin, signs in through the development provider as `username`, and comes back to /admin. */
async function signIn(page: Page, username: string) {
  await visit(page, `${stack.siteUrl('northshire')}admin`);
  await Promise.all([page.waitForURL(/\/realms\/northshire\/login-actions\//), page.getByRole('button', { name: 'Sign in' }).click()]);
  await Promise.all([page.waitForURL(/\/admin$/), page.getByRole('button', { name: `Sign in as ${nameOf(username)}` }).click()]);
  await audit(page);
}

async function handlerToken() {
  return (await devProviderToken(stack.config.identity.devProvider.url, 'northshire', 'northshire.handler1')).accessToken;
}

it('changes the brand colour and a hint, previews, publishes, and rolls the form back', async () => {
  const before = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers());
  const publicPage = await freshPage();
  await visit(publicPage, stack.siteUrl('northshire'));
  const oldColour = await headerColour(publicPage);
  await reportingAsPage(publicPage);
  expect(await hintOn(publicPage)).toBeNull();

  // Signing in from /admin comes back to it.
  const admin = await freshPage();
  await signIn(admin, 'northshire.admin');
  expect(pathOf(admin)).toBe('/admin');
  expect(await heading(admin)).toBe('Administration');

  // A pale colour is refused with its ratio; nothing is saved.
  await follow(admin, 'Site and branding');
  await fill(admin, 'Brand colour', '#ffdd00');
  await pressButton(admin, 'Save and preview');
  expect(await admin.locator('.govuk-error-summary').textContent()).toMatch(/#ffdd00 has a contrast ratio of 1\.\d\d:1 with white text; it needs at least 4\.5:1/);
  await fill(admin, 'Brand colour', '#00573f');
  await pressButton(admin, 'Save and preview');
  expect(await heading(admin)).toBe('Preview your changes');
  expect(await admin.locator('table').textContent()).toContain('#00573f');

  // The themed home page, as it will be: the draft's colour, a preview banner; the public still see the old one.
  await follow(admin, 'Preview the home page');
  expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('This is a preview of changes that are not published');
  expect(await headerColour(admin)).toBe('rgb(0, 87, 63)');
  await admin.goBack();
  await follow(admin, 'Preview a question page');
  expect(await headerColour(admin)).toBe('rgb(0, 87, 63)');
  await admin.goBack();
  await publicPage.reload();
  expect(await headerColour(publicPage)).toBe(oldColour);
  await pressButton(admin, 'Publish');
  expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Your changes are published');

  // The hint of "Which of these describes you?", as a draft, previewed, then published with a note.
  await follow(admin, 'Administration');
  await follow(admin, 'Services and forms');
  await andLand(admin, () => admin.getByRole('row', { name: /Report a crime/ }).getByRole('link', { name: /Manage/ }).click());
  await andLand(admin, () => admin.getByRole('row', { name: /Which of these describes you\?/ }).getByRole('link', { name: /Change/ }).click());
  await fill(admin, 'Hint', NEW_HINT);
  // The national forms are bilingual: a hint without its Welsh is refused on the Welsh field.
  await pressButton(admin, 'Save to the draft');
  expect(await admin.locator('.govuk-error-summary').textContent()).toContain('Welsh text is required');
  await fill(admin, 'Hint (Welsh)', NEW_HINT_CY);
  await pressButton(admin, 'Save to the draft');
  expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Your change is saved in the draft.');
  await visit(admin, `${stack.siteUrl('northshire')}admin/services/report-a-crime/preview?page=reporting-as`);
  expect((await admin.locator('#reportingAs-hint').textContent())!.trim()).toBe(NEW_HINT);
  await visit(admin, `${stack.siteUrl('northshire')}admin/services/report-a-crime`);
  await fill(admin, 'Why are you making this change? (optional, shown in the history)', 'Business reports were going astray');
  await pressButton(admin, 'Publish the draft');
  expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Version 2 is published.');

  // The public see both changes.
  const visitor = await freshPage();
  await visit(visitor, stack.siteUrl('northshire'));
  expect(await headerColour(visitor)).toBe('rgb(0, 87, 63)');
  await reportingAsPage(visitor);
  expect(await hintOn(visitor)).toBe(NEW_HINT);

  // The report made before keeps its version: no hint there.
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await handlerToken()}` },
    body: JSON.stringify({ query: `query($r: String!) { report(report: $r, reason: "triage") { formVersion form } }`, variables: { r: before.reference } }),
  });
  const { data } = (await response.json()) as { data: { report: { formVersion: number; form: { pages: { id: string; questions?: { hint?: unknown }[] }[] } } } };
  expect(data.report.formVersion).toBe(1);
  expect(data.report.form.pages.find((page) => page.id === 'reporting-as')!.questions![0].hint).toBeUndefined();

  // History, differences, and roll-back to version 1.
  await follow(admin, 'Version history');
  await follow(admin, 'Compare with version 1');
  expect(await admin.locator('table').textContent()).toContain(NEW_HINT);
  await admin.goBack();
  await andLand(admin, () => admin.getByRole('button', { name: 'Roll back to this version 1' }).click());
  expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Version 3 is published: the form of version 1 again.');
  const rows = await admin.locator('tbody tr').allTextContents();
  expect(rows[0]).toMatch(/^\s*3.*Rolled back to version 1/s);
  expect(rows[1]).toContain('Business reports were going astray');

  const later = await freshPage();
  await reportingAsPage(later);
  expect(await hintOn(later)).toBeNull();
  // The colour stays: the roll-back was of the form only.
  expect(await headerColour(later)).toBe('rgb(0, 87, 63)');
  expect(violationsOn(publicPage, admin, visitor, later)).toEqual([]);
}, 180_000);

it('reorders the routing rules, tests a report against the draft, publishes, and shows figures and sign-in settings', async () => {
  const admin = await freshPage();
  await signIn(admin, 'northshire.admin');
  await follow(admin, 'Routing rules');
  const names = async () => (await admin.locator('tbody tr td:nth-child(2)').allTextContents()).map((name) => name.trim());
  expect((await names()).slice(2, 4)).toEqual(['Hate crime', 'Vulnerable or domestic']);
  await andLand(admin, () => admin.getByRole('button', { name: 'Move up Vulnerable or domestic' }).click());
  expect((await names()).slice(2, 4)).toEqual(['Vulnerable or domestic', 'Hate crime']);
  expect(await admin.locator('.govuk-inset-text').textContent()).toContain('Reports are not routed by them until you publish them.');

  // The simulator, against the published rules and then the draft.
  await follow(admin, 'Test a report');
  await admin.getByLabel('Hate crime', { exact: true }).check();
  await admin.getByLabel('Someone vulnerable', { exact: true }).check();
  await pressButton(admin, 'Test');
  expect(await admin.locator('#simulation-result').textContent()).toContain('Matches “Hate crime”');
  await admin.getByLabel('Test the draft rules instead of the published ones').check();
  await pressButton(admin, 'Test');
  expect(await admin.locator('#simulation-result').textContent()).toContain('Matches “Vulnerable or domestic”');
  // A bad time is refused on its field.
  await fill(admin, 'Time it is made (24-hour, e.g. 23:30; empty for now)', '25:99');
  await pressButton(admin, 'Test');
  expect(await admin.locator('.govuk-error-summary').textContent()).toContain('Enter a time like 23:30');

  // Invalid YAML rules are refused with the field named; nothing is saved.
  await visit(admin, `${stack.siteUrl('northshire')}admin/routing/edit`);
  const yaml = await admin.getByLabel('Rules (YAML)').inputValue();
  await admin.getByLabel('Rules (YAML)').fill(yaml.replace('priority: 1', 'priority: 7'));
  await pressButton(admin, 'Check and save to the draft');
  expect(await admin.locator('.govuk-error-summary').textContent()).toMatch(/rules\."Happening now"\.then/);

  await visit(admin, `${stack.siteUrl('northshire')}admin/routing`);
  await fill(admin, 'Why are you making this change? (optional, shown in the history)', 'Vulnerability before hate crime');
  await pressButton(admin, 'Publish the draft rules');
  expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('Version 2 of the rules is published.');
  expect((await names()).slice(2, 4)).toEqual(['Vulnerable or domestic', 'Hate crime']);

  await follow(admin, 'Administration');
  await follow(admin, 'Figures');
  expect(await admin.locator('.govuk-summary-list').textContent()).toContain('Reports');
  await follow(admin, 'Administration');
  await follow(admin, 'Staff sign-in settings');
  await fill(admin, 'Environment variable holding the client secret (optional)', 'not a name');
  await pressButton(admin, 'Save');
  expect(await admin.locator('.govuk-error-summary').textContent()).toMatch(/must name an environment variable/i);
  expect(violationsOn(admin)).toEqual([]);
}, 120_000);

it('gives a call handler no administration: /admin is "page not found"', async () => {
  const page = await freshPage();
  await signIn(page, 'northshire.handler1');
  expect(pathOf(page)).toBe('/admin');
  expect(await heading(page)).toBe('Page not found');
  expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
});
