import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatReference } from '@front-counter/reports';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { launchChromium } from '../support/browser.js';
import { answer, answerExactly, audit, choose, continueOn, declareAndSend, fill, fillDate, follow, heading, pathOf, pressButton, startService, violationsOn, visit } from '../support/journey-steps.js';
import { eventually, scrape, valueOf } from '../support/prometheus.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Corrupt photos end to end (issue 12), with the worker running on its own: three bytes of a JPEG
 * header (FF D8 FF) and a JPEG header followed by a web page are accepted by their first bytes, then
 * found undecodable at the first attempt and marked "could not be processed" at once, never left
 * pending. The reporter sees it in the draft's file list, and in their report's timeline (English and
 * Welsh) for the file sent with the report and for the one added later; a call handler sees it on the
 * report page, in words, with no link. Screenshots of both pages go to .test-results/.
 */

const HOST = 'dyffryn';
const EMAIL = 'rhian@example.com';
const SCREENSHOTS = path.resolve('.test-results/evidence-unprocessable');
/** FF D8 FF: the start of a JPEG and nothing else. */
const JPEG_START_ONLY = Buffer.from([0xff, 0xd8, 0xff]);
/** A JPEG header (JFIF) and then a web page. */
const JPEG_THEN_HTML = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.from('<!doctype html><html><body><h1>Not a photo</h1><script>alert(1)</script></body></html>')]);

const handler = seededRealms([{ slug: 'dyffryn', name: { en: 'Dyffryn Police' }, domains: [], identity: { realm: 'dyffryn', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users.find(
  (user) => user.username === 'dyffryn.handler1',
)!;

let stack: TestStack;
let browser: Browser;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-unprocessable-'));
  chmodSync(dataDirectory, 0o755);
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The worker polls every quarter of a second: it scans, gives up on and e-mails as it would in service.
  [stack, browser] = await Promise.all([startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '250' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

/** Waits for the worker to finish with a file; returns how it left it. */
async function processed(name: string) {
  const [row] = await eventually(
    () => sql(`SELECT scan_status, processing_attempts AS attempts, next_attempt_at, scan_detail FROM evidence_files WHERE original_name = $1`, [name]),
    (rows) => rows.length === 1 && rows[0].scan_status !== 'pending',
    `the worker to finish with ${name}`,
    20_000,
  );
  return row;
}

async function emailedCode(address: string): Promise<string> {
  const directory = path.join(dataDirectory, 'mail');
  const latest = async () =>
    (existsSync(directory) ? readdirSync(directory) : [])
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
      .filter((candidate) => candidate.to === address && candidate.subject.includes('your code'))
      .sort((left, right) => left.sentAt.localeCompare(right.sentAt))
      .at(-1);
  const mail = await eventually(latest, (found) => found !== undefined, `a code e-mailed to ${address}`, 20_000);
  return /Your code is (\d{6})/.exec(mail!.text)![1];
}

/** The dashcam journey on dyffryn's site from its start page to the upload page. */
async function answerUpToUpload(page: Page) {
  await startService(page, `${stack.siteUrl(HOST)}submit-dashcam-footage`);
  await answer(page, { label: 'No' });
  await answer(page, { label: 'Using a mobile phone while driving' });
  await answer(page, { label: 'Yes' });
  await answer(page, { label: 'I was driving a vehicle' });
  const when = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  await answerExactly(page, 'I know exactly when', { day: when.getDate(), month: when.getMonth() + 1, year: when.getFullYear() });
  await choose(page, 'Describe the place, for example a park or a stretch of road');
  await fill(page, 'Description of the place', 'Bridge Street, outside the post office');
  await continueOn(page);
  await answer(page, { fields: { 'Registration number': 'EF56 GHJ', Make: 'Toyota', Colour: 'White' } });
  await answer(page, { fields: { 'Describe what happened': 'The driver was texting while moving off from the lights, at 1 minute 5 seconds.' } });
}

it('marks both corrupt photos "could not be processed" at once; the reporter is told in the draft and the timeline, staff on the report', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // The reporter sends the first with their report.
    await answerUpToUpload(page);
    expect(pathOf(page)).toBe('/submit-dashcam-footage/upload');
    await page.getByLabel('Video or photo files', { exact: true }).setInputFiles([{ name: 'IMG_0007.jpg', mimeType: 'image/jpeg', buffer: JPEG_START_ONLY }]);
    await continueOn(page);
    expect(pathOf(page)).toBe('/submit-dashcam-footage/unedited');

    // Given up on at the first attempt: no retries for bytes that cannot be decoded.
    const first = await processed('IMG_0007.jpg');
    expect(first).toMatchObject({ scan_status: 'unprocessable', attempts: 1, next_attempt_at: null });
    expect(first.scan_detail).toMatch(/damaged or is not an image/);

    // Back on the upload page, the draft's file list says so, beside the file's Remove button.
    await visit(page, `${stack.siteUrl(HOST)}submit-dashcam-footage/upload`);
    const listed = await page.locator('#uploaded-files').innerText();
    expect(listed).toMatch(/IMG_0007\.jpg[\s\S]*Could not be processed[\s\S]*Remove it and add another copy of it\.[\s\S]*Remove/);
    await page.locator('#uploaded-files').screenshot({ path: path.join(SCREENSHOTS, 'draft-file-list.png') });
    await continueOn(page);

    // They send the report anyway.
    await answer(page, { label: 'Yes' });
    await fill(page, 'Full name', 'Rhian Evans');
    await fillDate(page, 'Date of birth', { day: 12, month: 5, year: 1979 });
    await fill(page, 'Address line 1', '4 Heol y Bont', { within: 'Home address' });
    await fill(page, 'Town or city', 'Aberdyffryn', { within: 'Home address' });
    await continueOn(page);
    await answer(page, { fields: { 'Email address': EMAIL, 'Telephone number': '07700 900982' } });
    expect(await heading(page)).toBe('Check your answers before sending your report');
    await continueOn(page);
    const reference = await declareAndSend(page);

    // They track it: the timeline says the file could not be processed, naming it.
    await visit(page, stack.siteUrl(HOST));
    await follow(page, 'Track a report you have made');
    await fill(page, 'Reference number', reference);
    await fill(page, 'Email address', EMAIL);
    await pressButton(page, 'Send me a code');
    await fill(page, 'Code', await emailedCode(EMAIL));
    await pressButton(page, 'Continue');
    expect(pathOf(page)).toBe('/track/report');
    await expect(page.locator('.fc-timeline').innerText()).resolves.toMatch(/A file you sent could not be processed[\s\S]*IMG_0007\.jpg[\s\S]*If you still have it, add another copy below\.[\s\S]*You sent your report/);

    // They add the second through tracking: accepted, then given up on at once too.
    await page.getByLabel('Files', { exact: true }).setInputFiles([{ name: 'IMG_0008.jpg', mimeType: 'image/jpeg', buffer: JPEG_THEN_HTML }]);
    await pressButton(page, 'Upload files');
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Your files have been added to your report.');
    expect(await processed('IMG_0008.jpg')).toMatchObject({ scan_status: 'unprocessable', attempts: 1, next_attempt_at: null });
    await visit(page, `${stack.siteUrl(HOST)}track/report`);
    const steps = page.locator('.fc-timeline > li');
    await expect(steps.nth(0).innerText()).resolves.toMatch(/^A file you sent could not be processed[\s\S]*IMG_0008\.jpg/);
    await expect(steps.nth(1).innerText()).resolves.toMatch(/^You added a file[\s\S]*IMG_0008\.jpg/);
    await expect(steps.nth(2).innerText()).resolves.toMatch(/^A file you sent could not be processed[\s\S]*IMG_0007\.jpg/);
    await expect(steps.nth(3).innerText()).resolves.toMatch(/^You sent your report/);
    await page.setViewportSize({ width: 1000, height: 1200 });
    await page.locator('main').screenshot({ path: path.join(SCREENSHOTS, 'reporter-timeline.png') });

    // In Welsh too.
    await visit(page, `${stack.siteUrl(HOST)}track/report?lang=cy`);
    await expect(steps.nth(0).innerText()).resolves.toMatch(/^Nid oedd modd prosesu ffeil a anfonoch[\s\S]*IMG_0008\.jpg[\s\S]*Os yw hi gennych o hyd, ychwanegwch gopi arall isod\./);
    await page.locator('main').screenshot({ path: path.join(SCREENSHOTS, 'reporter-timeline-cy.png') });

    // No longer waiting for the worker: the uploads-awaiting-scan gauge does not count them.
    const worker = stack.metrics.worker!.url;
    await eventually(
      async () => valueOf(await scrape(worker), 'front_counter_force_uploads_awaiting_scan', { force: 'dyffryn' }),
      (value) => value === 0,
      'no dyffryn upload awaiting its scan',
    );

    // A call handler opens the report: both files "Could not be processed", in words, with no link.
    const desk = await context.newPage();
    await desk.setViewportSize({ width: 1280, height: 1000 });
    await visit(desk, `${stack.siteUrl(HOST)}staff`);
    await Promise.all([desk.waitForURL(/\/realms\/dyffryn\/login-actions\//), desk.getByRole('button', { name: 'Sign in' }).click()]);
    await Promise.all([desk.waitForURL(/\/staff\/queue/), desk.getByRole('button', { name: `Sign in as ${handler.name}` }).click()]);
    await desk.goto(`${stack.siteUrl(HOST)}staff/reports/${reference}?reason=triage`);
    await audit(desk);
    await expect(heading(desk)).resolves.toBe(`Report ${formatReference(reference.replace(/-/g, ''))}`);
    const rows = desk.locator('table.fc-evidence tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    for (const [index, name] of ['IMG_0007.jpg', 'IMG_0008.jpg'].entries()) {
      const row = await rows.nth(index).innerText();
      expect(row).toContain(name);
      expect(row).toContain('Could not be processed');
      expect(row).toContain('The file is damaged or is not an image that can be opened');
      expect(row).toContain('Not available');
      expect(row).not.toMatch(/Being scanned|UNPROCESSABLE|unprocessable/);
    }
    await expect(desk.locator('table.fc-evidence a').count()).resolves.toBe(0);
    await expect(desk.locator('main').innerText()).resolves.toContain('A file could not be processed');
    await desk.locator('#evidence').scrollIntoViewIfNeeded();
    await desk.screenshot({ path: path.join(SCREENSHOTS, 'staff-report-evidence.png'), fullPage: false });
    await desk.locator('main').screenshot({ path: path.join(SCREENSHOTS, 'staff-report.png') });

    // Never pending again, whatever the worker does next.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const files = await sql(`SELECT original_name AS name, scan_status, processing_attempts AS attempts FROM evidence_files ORDER BY created_at`);
    expect(files).toEqual([
      { name: 'IMG_0007.jpg', scan_status: 'unprocessable', attempts: 1 },
      { name: 'IMG_0008.jpg', scan_status: 'unprocessable', attempts: 1 },
    ]);
    const events = await sql(`SELECT details->>'name' AS name FROM report_events WHERE kind = 'evidence-unprocessable' ORDER BY id`);
    expect(events).toEqual([{ name: 'IMG_0007.jpg' }, { name: 'IMG_0008.jpg' }]);

    expect(violationsOn(page, desk)).toEqual([]);
  } finally {
    await context.close();
  }
}, 360_000);
