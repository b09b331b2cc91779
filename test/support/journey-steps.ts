import { AxeBuilder } from '@axe-core/playwright';
import pg from 'pg';
import type { Locator, Page } from 'playwright-core';

/**
 * Steps for driving the public journeys in a browser the way a reporter does: by the labels and
 * button names they see, in English or Welsh. Every page a step lands on is checked with axe-core;
 * serious and critical violations are collected per browser page (`violationsOn`) so that a test
 * can walk a whole journey and then assert that none was found anywhere.
 */

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type Language = 'en' | 'cy';

/** The site's own words that the steps click on (the services' texts come from their YAML). */
const WORDS = {
  en: { start: 'Start now', continue: 'Continue', send: 'Accept and send', day: 'Day', month: 'Month', year: 'Year', date: 'Date', saveForLater: 'Save and come back later', saveButton: 'Save and get a link' },
  cy: { start: 'Dechrau nawr', continue: 'Parhau', send: 'Derbyn ac anfon', day: 'Diwrnod', month: 'Mis', year: 'Blwyddyn', date: 'Dyddiad', saveForLater: "Cadw a dod yn ôl yn nes ymlaen", saveButton: 'Cadw a chael dolen' },
} satisfies Record<Language, Record<string, string>>;

const findings = new WeakMap<Page, string[]>();
const audited = new WeakMap<Page, string[]>();
const scriptless = new WeakSet<Page>();

/**
 * Marks a page whose context was made with `javaScriptEnabled: false`. axe-core cannot run in such a
 * page (its timers never fire), so `audit` checks an exact copy of the page's markup instead, loaded
 * with the same styles in a scripting context that blocks the site's own scripts: what is checked is
 * what a reporter without JavaScript gets.
 */
export function withoutJavaScript(page: Page): Page {
  scriptless.add(page);
  return page;
}

/** axe on the page; only violations are detailed (the passes are not needed, and detailing them is slow). */
const analyze = (page: Page) => new AxeBuilder({ page }).withTags(AXE_TAGS).options({ resultTypes: ['violations'] }).analyze();

/** The copy of a scriptless page that axe runs in (one per page, closed with the page's context). */
const copies = new WeakMap<Page, Promise<Page>>();

async function copyOf(page: Page, html: string): Promise<Page> {
  if (!copies.has(page)) {
    copies.set(
      page,
      (async () => {
        const copyContext = await page.context().browser()!.newContext();
        page.context().once('close', () => void copyContext.close().catch(() => undefined));
        return copyContext.newPage();
      })(),
    );
  }
  const copy = await copies.get(page)!;
  await copy.unrouteAll();
  await copy.route('**/*', (route) => {
    const request = route.request();
    if (request.isNavigationRequest()) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    if (request.resourceType() === 'script') return route.abort();
    return route.continue();
  });
  return copy;
}

async function axeResults(page: Page) {
  if (!scriptless.has(page)) return analyze(page);
  const html = await page.content();
  const copy = await copyOf(page, html);
  await copy.goto(page.url());
  return analyze(copy);
}

/** The serious and critical axe violations found so far on every page this browser page showed, each with its URL. */
export const violationsOn = (...pages: Page[]): string[] => pages.flatMap((page) => findings.get(page) ?? []);
/** The paths this browser page was checked on, in order. */
export const pagesAuditedOn = (...pages: Page[]): string[] => pages.flatMap((page) => audited.get(page) ?? []);

/** Runs axe on the page as it is now and records its serious and critical violations. */
export async function audit(page: Page): Promise<void> {
  const results = await axeResults(page);
  const found = findings.get(page) ?? [];
  findings.set(page, found);
  const urls = audited.get(page) ?? [];
  audited.set(page, urls);
  const where = new URL(page.url());
  urls.push(`${where.pathname}${where.search}`);
  for (const violation of results.violations.filter((candidate) => candidate.impact === 'serious' || candidate.impact === 'critical')) {
    const nodes = violation.nodes.map((node) => `${node.target.join(' ')} [${node.any.concat(node.all, node.none).map((check) => check.message).join('; ')}]`);
    found.push(`${page.url()}: ${violation.id} (${violation.impact}) ${violation.help}: ${nodes.join(', ')}`);
  }
}

export async function languageOf(page: Page): Promise<Language> {
  return (await page.locator('html').getAttribute('lang')) === 'cy' ? 'cy' : 'en';
}

async function words(page: Page) {
  return WORDS[await languageOf(page)];
}

/** Does something that loads a new document (a link, a form post), waits for it, then checks the new page. */
async function andLand(page: Page, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), action()]);
  await audit(page);
}

/** Opens an address and checks the page. */
export async function visit(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  if (!response || response.status() >= 500) throw new Error(`${url} answered ${response?.status()}`);
  await audit(page);
}

/** Opens a service's start page and presses "Start now", landing on its first question. */
export async function startService(page: Page, url: string): Promise<void> {
  await visit(page, url);
  await andLand(page, async () => page.getByRole('button', { name: (await words(page)).start }).click());
}

/** Presses the page's Continue button (the form is posted; the next page or the same one with errors is shown). */
export async function continueOn(page: Page): Promise<void> {
  await pressButton(page, (await words(page)).continue);
}

export async function pressButton(page: Page, name: string): Promise<void> {
  await andLand(page, () => page.getByRole('button', { name, exact: true }).click());
}

/** Follows a link (or a link styled as a button) by its accessible name. */
export async function follow(page: Page, name: string): Promise<void> {
  const link = page.getByRole('link', { name, exact: true }).or(page.getByRole('button', { name, exact: true }));
  await andLand(page, () => link.first().click());
}

/** Where to look: the whole page, or inside the group (fieldset) with this legend. */
function scope(page: Page, within?: string): Page | Locator {
  return within ? page.getByRole('group', { name: within, exact: true }) : page;
}

/** Selects a radio button or ticks a checkbox by its label. */
export async function choose(page: Page, label: string, options: { within?: string } = {}): Promise<void> {
  await scope(page, options.within).getByLabel(label, { exact: true }).check();
}

/** Types into a text input or textarea by its label. */
export async function fill(page: Page, label: string, value: string, options: { within?: string } = {}): Promise<void> {
  await scope(page, options.within)
    .getByLabel(label, { exact: true })
    .fill(value)
    .catch(async (error: Error) => {
      // Say which page the field was missing from (an error page under load reads very differently from a renamed label).
      const shown = await heading(page).catch(() => '?');
      throw new Error(`${error.message}\n  on ${page.url()}, whose heading is "${shown}"`);
    });
}

/** Fills a GOV.UK date input (Day, Month, Year) inside the group with this legend. */
export async function fillDate(page: Page, legend: string, date: { day: number; month: number; year: number }): Promise<void> {
  const word = await words(page);
  const group = page.getByRole('group', { name: legend, exact: true });
  await group.getByLabel(word.day, { exact: true }).fill(String(date.day));
  await group.getByLabel(word.month, { exact: true }).fill(String(date.month));
  await group.getByLabel(word.year, { exact: true }).fill(String(date.year));
}

/**
 * Answers a page: chooses each label (radios, checkboxes), fills each field, then presses Continue.
 * `answer(page, { label: 'No' })`, `answer(page, { fields: { 'Full name': 'Sam' } })`.
 */
export async function answer(page: Page, what: { label?: string | string[]; fields?: Record<string, string> }): Promise<void> {
  for (const label of [what.label ?? []].flat()) await choose(page, label);
  for (const [label, value] of Object.entries(what.fields ?? {})) await fill(page, label, value);
  await continueOn(page);
}

/** "When did it happen?" (approximate date and time): "I know exactly when" and the date. */
export async function answerExactly(page: Page, exactLabel: string, date: { day: number; month: number; year: number }): Promise<void> {
  await choose(page, exactLabel);
  await fillDate(page, (await words(page)).date, date);
  await continueOn(page);
}

/** The declaration: ticks its one confirmation and presses "Accept and send"; returns the reference the confirmation page shows. */
export async function declareAndSend(page: Page): Promise<string> {
  await page.getByRole('checkbox').check();
  await pressButton(page, (await words(page)).send);
  return (await page.locator('.fc-reference').textContent())!.trim();
}

/** "Save and come back later", optionally with an email address; returns the resume link shown on the page. */
export async function saveForLater(page: Page, email?: string): Promise<string> {
  const word = await words(page);
  await follow(page, word.saveForLater);
  if (email) await fill(page, (await languageOf(page)) === 'cy' ? 'Cyfeiriad e-bost (dewisol)' : 'Email address (optional)', email);
  await pressButton(page, word.saveButton);
  return (await page.locator('.fc-resume-link a').getAttribute('href'))!;
}

/** The page's h1, trimmed. */
export async function heading(page: Page): Promise<string> {
  return ((await page.locator('h1').first().textContent()) ?? '').trim().replace(/\s+/g, ' ');
}

/** A path of the current page, e.g. `/report-a-crime/emergency`. */
export const pathOf = (page: Page) => new URL(page.url()).pathname;

export interface StoredReport {
  reference: string;
  tenant: string;
  serviceId: string;
  formVersionId: string;
  currentFormVersionId: string;
  reporterName: string | null;
  reporterEmail: string | null;
  language: string;
  answers: Record<string, unknown>;
}

async function query<Row extends object>(adminUrl: string, sql: string, parameters: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, parameters)).rows;
  } finally {
    await client.end();
  }
}

/** How many reports a force has for a service. */
export async function reportCount(adminUrl: string, tenant: string, serviceId: string): Promise<number> {
  const [row] = await query<{ count: number }>(adminUrl, 'SELECT count(*)::int AS count FROM reports r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = $1 AND r.service_id = $2', [tenant, serviceId]);
  return row.count;
}

/** A submitted report found by the reference the reporter was shown (`7KQ-2MX-9P4` is stored as `7KQ2MX9P4`), with its force and the force's current form version for that service. */
export async function storedReport(adminUrl: string, shownReference: string): Promise<StoredReport | undefined> {
  const rows = await query<StoredReport>(
    adminUrl,
    `SELECT r.reference, t.slug AS tenant, r.service_id AS "serviceId", r.form_version_id AS "formVersionId",
            (SELECT f.id FROM form_versions f WHERE f.tenant_id = r.tenant_id AND f.service_id = r.service_id ORDER BY f.version DESC LIMIT 1) AS "currentFormVersionId",
            r.reporter_name AS "reporterName", r.reporter_email AS "reporterEmail", r.language, r.answers
       FROM reports r JOIN tenants t ON t.id = r.tenant_id
      WHERE r.reference = $1`,
    [shownReference.replace(/-/g, '')],
  );
  if (rows.length > 1) throw new Error(`${rows.length} reports have the reference ${shownReference}`);
  return rows[0];
}
