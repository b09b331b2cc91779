import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium } from '../support/browser.js';
import { answer, answerExactly, choose, continueOn, fill, heading, pagesAuditedOn, pathOf, startService, violationsOn } from '../support/journey-steps.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Evidence in the dashcam journey in Chromium: a photo and a short video chosen in the page's file
 * input go through the force site (multipart, streamed on) to the api's store; a disguised file is
 * refused with a message naming what would do; a file can be removed; the report carries the files.
 */

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startTestStack({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'front-counter-evidence-browser-')), OUTBOX_POLL_MS: '60000' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function shortVideo(): Buffer {
  const ftyp = Buffer.from('000000206674797069736f6d0000020069736f6d69736f3261766331', 'hex');
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(50_008, 0);
  mdat.write('mdat', 4);
  return Buffer.concat([ftyp, Buffer.alloc(0x20 - ftyp.length), mdat, Buffer.alloc(50_000, 3)]);
}

it('uploads a photo and a short video in the dashcam journey, refuses a disguised file, and sends them with the report', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await startService(page, `${stack.siteUrl('dyffryn')}submit-dashcam-footage`);
    await answer(page, { label: 'No' });
    await answer(page, { label: 'Using a mobile phone while driving' });
    await answer(page, { label: 'Yes' });
    await answer(page, { label: 'I was driving a vehicle' });
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);
    await answerExactly(page, 'I know exactly when', { day: threeDaysAgo.getDate(), month: threeDaysAgo.getMonth() + 1, year: threeDaysAgo.getFullYear() });
    await choose(page, 'Describe the place, for example a park or a stretch of road');
    await fill(page, 'Description of the place', 'A470 northbound, just after the Llanaber roundabout');
    await continueOn(page);
    await answer(page, { fields: { 'Registration number': 'AB12 CDE', Make: 'Ford', Colour: 'Silver' } });
    await answer(page, { fields: { 'Describe what happened': 'The driver was holding a phone to their ear at the lights, at 0 minutes 40 seconds.' } });
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
      { name: 'front-camera.mp4', mimeType: 'video/mp4', buffer: shortVideo() },
      { name: 'spare.mp4', mimeType: 'video/mp4', buffer: shortVideo() },
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
      { original_name: 'front-camera.mp4', kind: 'video', size: shortVideo().length },
    ]);
    expect(await heading(page)).toContain('footage');
    expect(pagesAuditedOn(page).length).toBeGreaterThan(10);
    expect(violationsOn(page)).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);
