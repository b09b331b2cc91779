import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium } from '../support/browser.js';
import { formatReference } from '@front-counter/reports';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { answer, answerExactly, audit, choose, continueOn, declareAndSend, fill, fillDate, heading, pagesAuditedOn, pathOf, startService, violationsOn, visit, withoutJavaScript } from '../support/journey-steps.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { mp4 } from '../support/media.js';

/**
 * Evidence in the dashcam journey in Chromium: a photo and a short video chosen in the page's file
 * input go through the force site (multipart, streamed on) to the api's store; a disguised file is
 * refused with a message naming what would do; a file can be removed; the report carries the files,
 * and a call handler signed in on the force's site sees them: the photo's thumbnail, both files'
 * fingerprints and scan state, and downloads that match what was sent.
 */

const handler = seededRealms([{ slug: 'dyffryn', name: { en: 'Dyffryn Police' }, domains: [], identity: { realm: 'dyffryn', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users.find(
  (user) => user.username === 'dyffryn.handler1',
)!;

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'front-counter-evidence-browser-')), OUTBOX_POLL_MS: '60000' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});


/** The dashcam journey on dyffryn's site from its start page to the upload page: a driver on a phone. */
async function answerUpToUpload(page: Page, offence: { daysAgo: number; place: string; vehicle: Record<string, string>; what: string }) {
  await startService(page, `${stack.siteUrl('dyffryn')}submit-dashcam-footage`);
  await answer(page, { label: 'No' });
  await answer(page, { label: 'Using a mobile phone while driving' });
  await answer(page, { label: 'Yes' });
  await answer(page, { label: 'I was driving a vehicle' });
  const when = new Date(Date.now() - offence.daysAgo * 24 * 60 * 60 * 1000);
  await answerExactly(page, 'I know exactly when', { day: when.getDate(), month: when.getMonth() + 1, year: when.getFullYear() });
  await choose(page, 'Describe the place, for example a park or a stretch of road');
  await fill(page, 'Description of the place', offence.place);
  await continueOn(page);
  await answer(page, { fields: offence.vehicle });
  await answer(page, { fields: { 'Describe what happened': offence.what } });
}

it('uploads a photo and a short video in the dashcam journey, refuses a disguised file, and sends them with the report', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  try {
    await answerUpToUpload(page, { daysAgo: 3, place: 'A470 northbound, just after the Llanaber roundabout', vehicle: { 'Registration number': 'AB12 CDE', Make: 'Ford', Colour: 'Silver' }, what: 'The driver was holding a phone to their ear at the lights, at 0 minutes 40 seconds.' });
    expect(pathOf(page)).toBe('/submit-dashcam-footage/upload');

    // Continuing without a file: the question's own message.
    await continueOn(page);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Select a video or photo file to upload');

    // A web page named as a photo is refused, naming the formats that would do.
    const files = page.getByLabel('Video or photo files', { exact: true });
    await files.setInputFiles([{ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html><body>not a photo</body></html>') }]);
    await continueOn(page);
    expect(pathOf(page)).toBe('/submit-dashcam-footage/upload');
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('photo.jpg: The selected file must be JPG, PNG, WebP, GIF, MP4, MOV, AVI, WebM, MKV or 3GP');

    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#36c' } }).jpeg().toBuffer();
    await files.setInputFiles([
      { name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'front-camera.mp4', mimeType: 'video/mp4', buffer: mp4(50_000) },
      { name: 'spare.mp4', mimeType: 'video/mp4', buffer: mp4(50_000) },
    ]);
    await continueOn(page);
    expect(pathOf(page)).toBe('/submit-dashcam-footage/unedited');

    // Back to the upload page: the files are listed, and one can be removed.
    await page.goto(`${stack.siteUrl('dyffryn')}submit-dashcam-footage/upload`);
    await expect(page.locator('#uploaded-files').innerText()).resolves.toMatch(/IMG_0042\.jpg[\s\S]*front-camera\.mp4[\s\S]*spare\.mp4/);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Remove spare.mp4' }).click()]);
    await expect(page.locator('#uploaded-files').innerText()).resolves.not.toContain('spare.mp4');
    await continueOn(page);
    expect(pathOf(page)).toBe('/submit-dashcam-footage/unedited');

    const stored = await sqlOn(stack.database.urls.admin, `SELECT original_name, kind, size_bytes::int AS size FROM evidence_files ORDER BY created_at`);
    expect(stored).toEqual([
      { original_name: 'IMG_0042.jpg', kind: 'image', size: photo.length },
      { original_name: 'front-camera.mp4', kind: 'video', size: mp4(50_000).length },
    ]);

    // The rest of the journey; check your answers names the files.
    await answer(page, { label: 'Yes' });
    await fill(page, 'Full name', 'Rhian Evans');
    await fillDate(page, 'Date of birth', { day: 12, month: 5, year: 1979 });
    await fill(page, 'Address line 1', '4 Heol y Bont', { within: 'Home address' });
    await fill(page, 'Town or city', 'Aberdyffryn', { within: 'Home address' });
    await continueOn(page);
    await answer(page, { fields: { 'Email address': 'rhian@example.com', 'Telephone number': '07700 900982' } });
    expect(await heading(page)).toBe('Check your answers before sending your report');
    await expect(page.locator('main').innerText()).resolves.toMatch(/IMG_0042\.jpg\s+front-camera\.mp4/);
    await continueOn(page);
    const reference = await declareAndSend(page);

    // The worker scans (no scanner here: "not scanned") and makes the photo's copies.
    const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
    await stack.worker.get(JobWorker).runDueJobs();

    // A call handler of the force sees them on the report.
    const desk = await context.newPage();
    await visit(desk, `${stack.siteUrl('dyffryn')}staff`);
    await Promise.all([desk.waitForURL(/\/realms\/dyffryn\/login-actions\//), desk.getByRole('button', { name: 'Sign in' }).click()]);
    await Promise.all([desk.waitForURL(/\/staff\/queue/), desk.getByRole('button', { name: `Sign in as ${handler.name}` }).click()]);
    await desk.goto(`${stack.siteUrl('dyffryn')}staff/reports/${reference}?reason=triage`);
    await audit(desk);
    await expect(heading(desk)).resolves.toBe(`Report ${formatReference(reference.replace(/-/g, ''))}`);
    const table = desk.locator('table.fc-evidence');
    await expect(table.innerText()).resolves.toMatch(/IMG_0042\.jpg[\s\S]*Not scanned[\s\S]*front-camera\.mp4[\s\S]*Not scanned/);
    await expect(table.innerText()).resolves.toContain(createHash('sha256').update(photo).digest('hex'));
    const thumbnail = desk.getByRole('img', { name: 'Preview of IMG_0042.jpg' });
    const source = (await thumbnail.getAttribute('src'))!;
    const fetched = await desk.evaluate(async (address) => {
      const response = await fetch(address);
      return [response.status, response.headers.get('content-type'), response.headers.get('x-content-type-options')];
    }, source);
    expect(fetched).toEqual([200, 'image/jpeg', 'nosniff']);
    await desk.waitForFunction(() => ((document.querySelector('img.fc-evidence__thumbnail') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0, null, { timeout: 10_000 });
    const [download] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Download front-camera.mp4' }).click()]);
    expect(download.suggestedFilename()).toBe('front-camera.mp4');
    const saved: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) saved.push(chunk as Buffer);
    expect(Buffer.concat(saved).equals(mp4(50_000))).toBe(true);
    const audited = await sqlOn(stack.database.urls.admin, `SELECT details->>'name' AS name FROM audit_events WHERE action = 'evidence.downloaded'`);
    expect(audited).toEqual([{ name: 'front-camera.mp4' }]);

    expect(pagesAuditedOn(page).length).toBeGreaterThan(10);
    expect(violationsOn(page, desk)).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);

it('uploads without JavaScript: the form posts as it is, and the file is listed on the page', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = withoutJavaScript(await context.newPage());
  try {
    await answerUpToUpload(page, { daysAgo: 1, place: 'High Street, by the bus station', vehicle: { 'Registration number': 'CD34 EFG', Make: 'Vauxhall', Colour: 'Blue' }, what: 'The driver went through the red light at 0 minutes 12 seconds.' });
    expect(pathOf(page)).toBe('/submit-dashcam-footage/upload');
    await page.getByLabel('Video or photo files', { exact: true }).setInputFiles([{ name: 'red-light.mp4', mimeType: 'video/mp4', buffer: mp4(50_000) }]);
    await continueOn(page);
    expect(pathOf(page)).toBe('/submit-dashcam-footage/unedited');
    await visit(page, `${stack.siteUrl('dyffryn')}submit-dashcam-footage/upload`);
    await expect(page.locator('#uploaded-files').innerText()).resolves.toContain('red-light.mp4');
    expect(violationsOn(page)).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);
