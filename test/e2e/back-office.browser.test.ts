import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatReference } from '@front-counter/reports';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { launchChromium } from '../support/browser.js';
import { startHttpsReceiver, type TestHttpsReceiver } from '../support/https-receiver.js';
import { audit, choose, fill, follow, heading, pathOf, pressButton, violationsOn, visit } from '../support/journey-steps.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * A force administrator's back office, in Chromium against the real force site, api, worker,
 * development sign-in provider, PostgreSQL and an HTTPS records system on loopback: a delivery the
 * records system keeps refusing becomes a dead letter; the administrator finds it with its attempts,
 * sends it again from the page, and suspends (after confirming) and resumes the destination. A call
 * handler gets none of it. axe checks every page on the way.
 */

let stack: TestStack;
let browser: Browser;
let receiver: TestHttpsReceiver;
const contexts: BrowserContext[] = [];
const staff = seededRealms([{ slug: 'northshire', name: { en: 'Northshire Police' }, domains: [], identity: { realm: 'northshire', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users;
const nameOf = (username: string) => staff.find((user) => user.username === username)!.name;
const RECORDS_VARIABLES = ['NORTHSHIRE_RECORDS_URL', 'NORTHSHIRE_RECORDS_SECRET'] as const;
const saved = Object.fromEntries(RECORDS_VARIABLES.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  receiver = await startHttpsReceiver({ forces: ['northshire'] });
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-back-office-'));
  const caFile = path.join(dataDirectory, 'receiver-ca.pem');
  writeFileSync(caFile, receiver.ca);
  // The force's file names the variables; the worker reads them.
  process.env.NORTHSHIRE_RECORDS_URL = `${receiver.url}/northshire`;
  process.env.NORTHSHIRE_RECORDS_SECRET = receiver.secrets.northshire as string;
  [stack, browser] = await Promise.all([
    startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', DELIVERY_CA_FILE: caFile, DELIVERY_RETRY_BASE_SECONDS: '0.2', DELIVERY_GIVE_UP_SECONDS: '2' }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await stack?.close();
  await receiver?.close();
  for (const name of RECORDS_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const runJobs = () => stack.worker.get(JobWorker).runDueJobs();

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** Opens /admin, signs in through the development provider as `username`, and comes back to /admin. */
async function signIn(page: Page, username: string) {
  await visit(page, `${stack.siteUrl('northshire')}admin`);
  await Promise.all([page.waitForURL(/\/realms\/northshire\/login-actions\//), page.getByRole('button', { name: 'Sign in' }).click()]);
  await Promise.all([page.waitForURL(/\/admin$/), page.getByRole('button', { name: `Sign in as ${nameOf(username)}` }).click()]);
  await audit(page);
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const bannerOn = (page: Page) => page.locator('.govuk-notification-banner--success');

it('shows a dead letter with its attempts, sends it again from the page, and suspends (confirmed) and resumes the destination', async () => {
  // The records system refuses every delivery until the (test's short) 72 hours are up: a dead letter.
  receiver.failWith(500);
  const { reference } = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers());
  const shownReference = formatReference(reference);
  await runJobs();
  await new Promise((resolve) => setTimeout(resolve, 2300));
  await runJobs();

  const admin = await freshPage();
  await signIn(admin, 'northshire.admin');
  await follow(admin, 'Back office');
  expect(await heading(admin)).toBe('Back office');
  const card = await text(admin, '.govuk-summary-card');
  expect(card).toContain('records-system');
  expect(card).toContain('Webhook');
  // Where it goes by the variable's name; never the address or the secret it holds.
  expect(card).toContain('The web address in the environment variable NORTHSHIRE_RECORDS_URL');
  expect(await admin.content()).not.toContain(receiver.url);
  expect(await admin.content()).not.toContain(receiver.secrets.northshire as string);
  for (const event of ['New report', 'Report updated', 'Report transferred', 'Triage decision']) expect(card).toContain(event);
  expect(card).toMatch(/Dead letters 1\b/);
  expect(card).toContain('Active');

  // The deliveries, filtered to dead letters: the report's, in words, with both refused attempts.
  await follow(admin, 'See every delivery');
  await admin.getByLabel('Status').selectOption({ label: 'Dead letter' });
  await pressButton(admin, 'Show deliveries');
  const row = admin.locator('tbody tr[id^="delivery-"]').filter({ hasText: shownReference });
  expect(await row.count()).toBe(1);
  const cells = (await row.locator('td').allTextContents()).map((cell) => cell.trim());
  expect(cells.slice(1, 6)).toEqual([shownReference, 'New report', 'records-system', 'Dead letter', '2']);
  expect(cells[6]).toContain('500');
  expect(cells[7]).toMatch(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2}$/);
  expect(await row.locator('.govuk-tag--red').count()).toBe(1);
  await admin.getByText(`Attempts for ${shownReference} to records-system (2)`).click();
  const attempts = admin.locator('.govuk-details[open] tbody tr');
  expect(await attempts.count()).toBe(2);
  expect((await attempts.first().locator('td').allTextContents()).map((cell) => cell.trim()).slice(1, 3)).toEqual(['500', 'No']);
  await audit(admin);

  // Nothing ticked: an error, never a success banner; nothing is sent.
  await pressButton(admin, 'Send the selected deliveries again');
  expect(await text(admin, '.govuk-error-summary')).toContain('Select at least one delivery to send again');
  expect(await bannerOn(admin).count()).toBe(0);
  expect(await admin.getByLabel('Status').inputValue()).toBe('DEAD');

  // The records system is fixed; the dead letter is ticked and sent again.
  receiver.stopFailing();
  await admin.getByLabel(`Select the delivery of New report for ${shownReference} to records-system`).check();
  await pressButton(admin, 'Send the selected deliveries again');
  expect(await text(admin, '.govuk-notification-banner--success')).toContain('1 sent again now; 0 waiting');
  expect(await admin.locator('.govuk-error-summary').count()).toBe(0);
  await runJobs();
  expect(receiver.received().filter((entry) => entry.reference === reference).map((entry) => entry.status)).toEqual([500, 500, 200]);

  // The report's deliveries by its reference: delivered, with the records system's crime number.
  await admin.getByLabel('Status').selectOption({ label: 'Any status' });
  await fill(admin, 'Report reference', shownReference);
  await pressButton(admin, 'Show deliveries');
  const delivered = admin.locator('tbody tr[id^="delivery-"]');
  expect(await delivered.count()).toBe(1);
  expect(await delivered.locator('.govuk-tag').textContent()).toBe('Delivered');
  const crimeNumber = receiver.received().find((entry) => entry.reference === reference && entry.status === 200)!.crimeNumber;
  expect(await text(admin, 'tbody')).toContain(`Their reference: ${crimeNumber}`);
  expect(await text(admin, 'tbody')).toContain(`Last sent again by ${nameOf('northshire.admin')}`);
  // A reference that cannot be one is refused on its field.
  await fill(admin, 'Report reference', 'not-a-reference');
  await pressButton(admin, 'Show deliveries');
  expect(await text(admin, '.govuk-error-summary')).toContain('Enter a report reference like 7KQ-2MX-9P4');

  // Suspending needs its box ticked; resuming goes at once.
  await follow(admin, 'Back office destinations');
  await follow(admin, 'Suspend records-system');
  expect(await heading(admin)).toBe('Suspend records-system');
  await pressButton(admin, 'Suspend the destination');
  expect(await text(admin, '.govuk-error-summary')).toContain('Confirm that you understand deliveries will wait');
  expect(await heading(admin)).toBe('Suspend records-system');
  await choose(admin, 'I understand deliveries to records-system will wait until it is resumed');
  await pressButton(admin, 'Suspend the destination');
  expect(await text(admin, '.govuk-notification-banner--success')).toContain('records-system is suspended');
  expect(await text(admin, '.govuk-summary-card')).toContain(`Suspended since`);
  expect(await text(admin, '.govuk-summary-card')).toContain(`by ${nameOf('northshire.admin')}`);
  await pressButton(admin, 'Resume records-system');
  expect(await text(admin, '.govuk-notification-banner--success')).toContain('records-system is resumed');
  expect(await text(admin, '.govuk-summary-card')).toContain('Active');
  expect(violationsOn(admin)).toEqual([]);
}, 120_000);

it('gives a call handler none of it: the back office and deliveries are "page not found", and sending again changes nothing', async () => {
  const page = await freshPage();
  await signIn(page, 'northshire.handler1');
  for (const address of ['admin/back-office', 'admin/deliveries', 'admin/back-office/records-system/suspend']) {
    await visit(page, `${stack.siteUrl('northshire')}${address}`);
    expect(await heading(page)).toBe('Page not found');
  }
  // A form posted with the session's own token (from the sign-out form): the api refuses it, the same as something missing.
  await Promise.all([
    page.waitForEvent('load'),
    page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/admin/deliveries/replay';
      for (const [name, value] of [['_csrf', (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value], ['replay', 'dead']]) {
        const input = Object.assign(document.createElement('input'), { type: 'hidden', name, value });
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    }),
  ]);
  expect(pathOf(page)).toBe('/admin/deliveries/replay');
  expect(await heading(page)).toBe('Page not found');
  expect(violationsOn(page)).toEqual([]);
});
