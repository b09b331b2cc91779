import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadTenantDefinitions, type TenantDefinition } from '@front-counter/tenancy';
import { launchChromium } from '../support/browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const NEUTRAL_SITE = 'https://www.bbc.co.uk/weather';

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let tenants: Map<string, TenantDefinition>;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack({ QUICK_EXIT_URL: NEUTRAL_SITE }), launchChromium()]);
  tenants = new Map(loadTenantDefinitions(path.resolve('tenants')).map((tenant) => [tenant.slug, tenant]));
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

beforeEach(async () => {
  context = await browser.newContext();
  // No internet here: the neutral site Quick exit leaves to is answered locally.
  await context.route(`${NEUTRAL_SITE}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><title>Weather</title><h1>Weather</h1>' }));
});
afterEach(() => context?.close());

function rgb(hex: string): string {
  const [red, green, blue] = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
  return `rgb(${red}, ${green}, ${blue})`;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

describe.each(['northshire', 'eastmarch'])('the %s home page in Chromium', (slug) => {
  it('is themed as its tenant file says and passes axe with no serious or critical violations', async () => {
    const tenant = tenants.get(slug)!;
    const page = await context.newPage();
    const response = await page.goto(stack.siteUrl(slug));
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe(tenant.name.en);
    await expect(page.locator('h1').textContent()).resolves.toContain(tenant.name.en);
    const header = page.locator('.fc-header');
    await expect(header.evaluate((element) => getComputedStyle(element).backgroundColor)).resolves.toBe(rgb(tenant.branding.brandColour));
    await expect(header.evaluate((element) => getComputedStyle(element).borderBottomColor)).resolves.toBe(rgb(tenant.branding.secondaryColour));
    await expect(page.locator('.govuk-link').first().evaluate((element) => getComputedStyle(element).color)).resolves.toBe(rgb(tenant.branding.brandColour));
    // The site's JavaScript ran (govuk-frontend initialised) under the CSP.
    await expect(page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('a bilingual force in Chromium', () => {
  it('switches to Welsh from the language switch and stays accessible', async () => {
    const page = await context.newPage();
    await page.goto(stack.siteUrl('dyffryn'));
    await page.getByRole('link', { name: 'Cymraeg' }).click();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('cy');
    await expect(page.locator('h1').textContent()).resolves.toContain('Heddlu Dyffryn');
    await page.goto(`${stack.siteUrl('dyffryn')}privacy`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('cy');
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('Quick exit', () => {
  it('leaves for the neutral site when the button is pressed, replacing the page so Back does not return', async () => {
    const page = await context.newPage();
    await page.goto(stack.siteUrl('northshire'));
    await page.goto(`${stack.siteUrl('northshire')}privacy`);
    await Promise.all([page.waitForURL(`${NEUTRAL_SITE}**`), page.getByRole('button', { name: 'Quick exit' }).click()]);
    await expect(page.title()).resolves.toBe('Weather');
    await page.goBack();
    expect(page.url()).not.toContain('/privacy');
  });

  it('leaves when Escape is pressed', async () => {
    const page = await context.newPage();
    await page.goto(stack.siteUrl('eastmarch'));
    await Promise.all([page.waitForURL(`${NEUTRAL_SITE}**`), page.keyboard.press('Escape')]);
    await expect(page.title()).resolves.toBe('Weather');
  });

  it('works without JavaScript, as a plain link', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    await noScript.route(`${NEUTRAL_SITE}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Weather</title>' }));
    const page = await noScript.newPage();
    await page.goto(stack.siteUrl('northshire'));
    await Promise.all([page.waitForURL(`${NEUTRAL_SITE}**`), page.getByRole('button', { name: 'Quick exit' }).click()]);
    await noScript.close();
  });
});
