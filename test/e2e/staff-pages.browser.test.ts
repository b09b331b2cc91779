import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatReference } from '@front-counter/reports';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { launchChromium } from '../support/browser.js';
import { audit, pagesAuditedOn, violationsOn } from '../support/journey-steps.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * A call handler's morning in Chromium: signing in on the force's own site through the development
 * provider's page, the queue updating itself when a report arrives, and a report triaged from start to
 * finish. axe checks every staff page on the way.
 */

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let places = 0;
const placeInNorthshire = () => ({ latitude: 54.35, longitude: -2.1 + 0.03 * places++ });
const submit = () => submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers({ where: placeInNorthshire() }));
const staff = seededRealms([{ slug: 'northshire', name: { en: 'Northshire Police' }, domains: [], identity: { realm: 'northshire', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users;
const handler = staff.find((user) => user.username === 'northshire.handler1')!;
const supervisor = staff.find((user) => user.username === 'northshire.supervisor')!;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'front-counter-staff-browser-')), OUTBOX_POLL_MS: '60000' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
beforeEach(async () => {
  context = await browser.newContext();
});
afterEach(() => context?.close());

/** Does something that loads a new page and checks it with axe. */
async function andLand(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await audit(page);
}

const tableRows = (page: Page) => page.locator('#queue-results tbody tr');

describe('a call handler in Chromium', () => {
  it('signs in through the provider, watches the queue update itself, and triages a report', async () => {
    const first = await submit();
    const page = await context.newPage();
    const site = stack.siteUrl('northshire');

    await page.goto(`${site}staff`);
    await audit(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Staff sign in');
    await Promise.all([page.waitForURL(/\/realms\/northshire\/login-actions\//), page.getByRole('button', { name: 'Sign in' }).click()]);
    await andLand(page, () => page.getByRole('button', { name: `Sign in as ${handler.name}` }).click());
    expect(new URL(page.url()).pathname).toBe('/staff/queue');
    await expect(page.getByRole('navigation', { name: 'Staff pages' }).textContent()).resolves.toContain(`Signed in as ${handler.name} (Call handler)`);

    // The new report is at the top of the queue.
    await expect(tableRows(page).first().locator('a').textContent()).resolves.toBe(formatReference(first.reference));
    await expect(tableRows(page).first().textContent()).resolves.toMatch(/4[0-5] min left/);

    // Another arrives: the table and counts are swapped in place (no reload) and the change announced.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
    await page.waitForFunction(() => 'EventSource' in window);
    // The stream is open once the browser has had its first event (the subscription is ready).
    await page.waitForTimeout(1000);
    const second = await submit();
    await page.locator('#queue-results').getByRole('link', { name: formatReference(second.reference) }).waitFor({ timeout: 15_000 });
    await expect(page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).resolves.toBe(true);
    await expect(page.locator('#queue-live').textContent()).resolves.toBe('Queue updated');
    await expect(tableRows(page).count()).resolves.toBe(2);
    await audit(page);

    // Opening a report asks why first.
    await andLand(page, () => page.locator('#queue-results').getByRole('link', { name: formatReference(first.reference) }).click());
    await expect(page.locator('h1').textContent()).resolves.toContain('Why are you opening this report?');
    await page.getByLabel('Triage it', { exact: true }).check();
    await andLand(page, () => page.getByRole('button', { name: 'Open the report' }).click());
    await expect(page.locator('h1').textContent()).resolves.toContain(`Report ${formatReference(first.reference)}`);
    await expect(page.locator('main').textContent()).resolves.toContain('Sam Reporter');

    await andLand(page, () => page.getByRole('button', { name: 'Claim this report' }).click());
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain(`You have claimed report ${formatReference(first.reference)}.`);

    for (const part of ['Threat', 'Harm', 'Risk', 'Investigation', 'Vulnerability', 'Engagement']) {
      await page.getByRole('group', { name: part, exact: true }).getByLabel('Low', { exact: true }).check();
      await page.getByLabel(`Note on ${part.toLowerCase()}`, { exact: true }).fill(`No ${part.toLowerCase()} concerns from the account given.`);
    }
    await andLand(page, () => page.getByRole('button', { name: 'Record THRIVE assessment' }).click());
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('THRIVE assessment recorded.');

    // Choosing a decision reveals its own field (progressive enhancement of the radios).
    await expect(page.getByLabel('Investigation unit', { exact: true }).isVisible()).resolves.toBe(false);
    await page.getByLabel('Allocate to an investigation unit', { exact: true }).check();
    await expect(page.getByLabel('Investigation unit', { exact: true }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Ask the reporter for more information', { exact: true }).check();
    await page.getByLabel('Message for the reporter', { exact: true }).fill('Please tell us the frame number of your bicycle.');
    await andLand(page, () => page.getByRole('button', { name: 'Record decision' }).click());
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Decision recorded: ask the reporter for more information.');
    await expect(page.locator('main').textContent()).resolves.toContain('Please tell us the frame number of your bicycle.');
    const [stored] = await sqlOn(stack.database.urls.admin, `SELECT status FROM reports WHERE reference = $1`, [first.reference]);
    expect(stored.status).toBe('awaiting-reporter');

    // Signing out goes through the provider's confirmation and back to the force's site.
    await Promise.all([page.waitForURL(/\/protocol\/openid-connect\/logout/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await andLand(page, () => page.getByRole('button', { name: 'Sign out' }).click());
    expect(new URL(page.url()).pathname).toBe('/staff/signed-out');
    await expect(page.locator('h1').textContent()).resolves.toContain('You have been signed out');

    expect(pagesAuditedOn(page).filter((address) => address.startsWith('/staff')).length).toBeGreaterThanOrEqual(8);
    expect(violationsOn(page)).toEqual([]);
  });

  it('shows a supervisor deadlines at risk, and errors and missing pages accessibly', async () => {
    const { reference } = await submit();
    await sqlOn(stack.database.urls.admin, `UPDATE reports SET triage_by = now() - interval '3 minutes' WHERE reference = $1`, [reference]);
    const page = await context.newPage();
    const site = stack.siteUrl('northshire');
    await page.goto(`${site}staff/sign-in`);
    await andLand(page, () => page.getByRole('button', { name: `Sign in as ${supervisor.name}` }).click());

    await andLand(page, () => page.getByRole('link', { name: 'Deadlines at risk' }).click());
    await expect(page.locator('main').textContent()).resolves.toMatch(new RegExp(`${formatReference(reference)}[\\s\\S]*Late by [34] min`));

    await andLand(page, () => page.getByRole('link', { name: formatReference(reference) }).click());
    await page.getByLabel('Supervisor review', { exact: true }).check();
    await andLand(page, () => page.getByRole('button', { name: 'Open the report' }).click());
    await andLand(page, () => page.getByRole('button', { name: 'Claim this report' }).click());
    await andLand(page, () => page.getByRole('button', { name: 'Record decision' }).click());
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Select a decision');
    await expect(page.title()).resolves.toMatch(/^Error: /);

    await page.goto(`${site}staff/no-such-page`);
    await audit(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Page not found');
    expect(violationsOn(page)).toEqual([]);
  });

  it('works without JavaScript: the decision form shows every field, and the queue is a plain page', async () => {
    const { reference } = await submit();
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noScript.newPage();
      await page.goto(`${stack.siteUrl('northshire')}staff/sign-in`);
      await Promise.all([page.waitForURL(/\/staff\/queue$/), page.getByRole('button', { name: `Sign in as ${handler.name}` }).click()]);
      await expect(page.locator('#queue-results').getByRole('link', { name: formatReference(reference) }).count()).resolves.toBe(1);
      await page.goto(`${stack.siteUrl('northshire')}staff/reports/${formatReference(reference)}?reason=triage`);
      await page.getByRole('button', { name: 'Claim this report' }).click();
      await page.waitForURL(/reason=triage$/);
      await expect(page.getByLabel('Investigation unit', { exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.getByLabel('Reason for closing', { exact: true }).isVisible()).resolves.toBe(true);
    } finally {
      await noScript.close();
    }
  });
});
