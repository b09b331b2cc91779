import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { launchChromium } from '../support/browser.js';
import { audit, fill, follow, heading, pathOf, pressButton, violationsOn, visit } from '../support/journey-steps.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The national programme team's pages on the national host, in Chromium against the real stack and
 * the development sign-in provider: every force with its figures; onboarding a force from the
 * template (a mistake refused on its field, a preview, then live); suspending and reinstating a force.
 */

let stack: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const national = seededRealms([], { audience: 'front-counter' }).find((realm) => realm.realm === 'national')!.users[0];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack({ OUTBOX_POLL_MS: '60000' }), launchChromium()]);
});
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await stack?.close();
});

async function andLand(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await audit(page);
}

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

it('signs the programme team in on the national host, onboards a force from the template, and suspends and reinstates one', async () => {
  const page = await freshPage();
  const host = stack.siteUrl('national');
  await visit(page, `${host}national`);
  await Promise.all([page.waitForURL(/\/realms\/national\/login-actions\//), page.getByRole('button', { name: 'Sign in' }).click()]);
  await Promise.all([page.waitForURL(/\/national$/), page.getByRole('button', { name: `Sign in as ${national.name}` }).click()]);
  await audit(page);
  expect(await heading(page)).toBe('Forces');
  expect(await page.locator('#forces tbody tr').count()).toBe(3);
  // Nothing of any force is served here.
  expect((await page.goto(`${host}staff/queue`))!.status()).toBe(404);
  await visit(page, `${host}national`);

  await follow(page, 'Onboard a force');
  await fill(page, 'Short name (lower-case letters, digits and hyphens)', 'westholm');
  await fill(page, 'Name', 'Westholm Police');
  await fill(page, 'Domains (one per line; the first is the site’s address)', 'westholm.localhost');
  await fill(page, 'Brand colour (optional)', '#ffdd00');
  await pressButton(page, 'Check and preview');
  expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/branding\.brandColour: #ffdd00 has a contrast ratio of 1\.\d+:1/);
  await fill(page, 'Brand colour (optional)', '#2b5d34');
  await pressButton(page, 'Check and preview');
  expect(await page.locator('#onboarding-actions').textContent()).toContain('Create force westholm (Westholm Police)');
  const site = await freshPage();
  expect((await site.goto(stack.siteUrl('westholm')))!.status()).toBe(404);
  const started = Date.now();
  await pressButton(page, 'Create the force');
  expect(await page.locator('.govuk-notification-banner').textContent()).toContain(`Westholm Police is live at http://westholm.localhost:${stack.webPort}/`);
  await visit(site, stack.siteUrl('westholm'));
  expect(Date.now() - started).toBeLessThan(60_000);
  expect(await site.locator('.fc-header').textContent()).toContain('Westholm Police');
  expect(await site.locator('.fc-header').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(43, 93, 52)');

  // Suspend eastmarch, then reinstate it.
  await page.getByLabel('Why (kept in the force’s audit trail)').nth(1).fill('A fault in its e-mail');
  await pressButton(page, 'Suspend Eastmarch Constabulary');
  expect(await page.locator('.govuk-notification-banner').textContent()).toContain('eastmarch is suspended');
  expect((await site.goto(stack.siteUrl('eastmarch')))!.status()).toBe(503);
  await pressButton(page, 'Reinstate Eastmarch Constabulary');
  expect(await page.locator('.govuk-notification-banner').textContent()).toContain('eastmarch is live again');
  expect(pathOf(page)).toBe('/national');

  // A new national version of contact-us: checked, its landing shown, published, rolled out.
  await follow(page, 'National services');
  await andLand(page, () => page.getByRole('link', { name: /^Publish a new version of Contact us/ }).click());
  const yaml = await page.getByLabel('Definition (YAML)').inputValue();
  expect(yaml).toMatch(/^version: 2$/m);
  await page.getByLabel('Definition (YAML)').fill(yaml.replace(/^version: 2$/m, 'version: 7'));
  await pressButton(page, 'Check');
  expect(await page.locator('.govuk-error-summary').textContent()).toContain('version: The next version of contact-us is 2.');
  await page.getByLabel('Definition (YAML)').fill(yaml.replace('Contact us', 'Contact us online'));
  await pressButton(page, 'Check');
  expect(await page.locator('#publish-impact').textContent()).toContain('northshire: can upgrade automatically');
  await pressButton(page, 'Publish');
  expect(await page.locator('.govuk-notification-banner').textContent()).toContain('version 2 is published');
  await andLand(page, () => page.getByRole('button', { name: 'Roll out to every force that can upgrade automatically' }).first().click());
  expect(await page.locator('.govuk-notification-banner').textContent()).toMatch(/Upgraded: .*northshire/);
  expect(violationsOn(page)).toEqual([]);
}, 150_000);
