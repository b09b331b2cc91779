import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium } from '../support/browser.js';
import { audit, fill, follow, heading, pagesAuditedOn, pathOf, pressButton, violationsOn, visit } from '../support/journey-steps.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

/**
 * "Track your report" in Chromium as a reporter uses it, from the force's home page to signing out,
 * on a report the force has asked a question about. Every page (and each error state) is checked
 * with axe-core; none may have a serious or critical violation.
 */

let stack: TestStack;
let issuer: TestIssuer;
let browser: Browser;
let dataDirectory: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-tracking-browser-'));
  chmodSync(dataDirectory, 0o755);
  [stack, browser] = await Promise.all([startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', IDP_URL: issuer.url, DEV_IDP: 'false' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await issuer?.close();
});

async function staffQuery(query: string, variables: Record<string, unknown>) {
  const bearer = await issuer.token({ realm: 'northshire', roles: ['call-handler'], subject: 'northshire-handler', name: 'northshire handler' });
  const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  const result = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}
const staff = staffQuery;

async function emailedCode(address: string): Promise<string> {
  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();
  const directory = path.join(dataDirectory, 'mail');
  const mail = readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
    .filter((candidate) => candidate.to === address && candidate.subject.includes('your code'))
    .sort((left, right) => left.sentAt.localeCompare(right.sentAt))
    .at(-1);
  return /Your code is (\d{6})/.exec(mail!.text)![1];
}

it('a reporter finds their report from the home page, answers the force’s question and signs out, every page accessible', async () => {
  const email = 'browser@example.com';
  const { reference } = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers({ email, where: { latitude: 54.35, longitude: -2.0 } }));
  await staff(`mutation($r: String!) { claimReport(report: $r) { claimedByMe } }`, { r: reference });
  await staff(`mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { status } }`, {
    r: reference,
    d: { decision: 'REQUEST_INFORMATION', messageToReporter: 'Does the bicycle have a frame number? Please reply with it.' },
  });

  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await visit(page, stack.siteUrl('northshire'));
    await follow(page, 'Track a report you have made');
    expect(pathOf(page)).toBe('/track');
    await expect(heading(page)).resolves.toBe('Track your report');

    // Nothing typed: the error summary and the fields' errors.
    await pressButton(page, 'Send me a code');
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Enter your reference number');

    await fill(page, 'Reference number', reference.match(/.{3}/g)!.join('-'));
    await fill(page, 'Email address', email);
    await pressButton(page, 'Send me a code');
    expect(pathOf(page)).toBe('/track/code');
    await expect(page.locator('main').textContent()).resolves.toContain('we have sent a code to b••••@example.com');
    await page.getByText('I have not received a code').click();
    await expect(page.getByRole('link', { name: 'Check your details and ask for a new code' }).isVisible()).resolves.toBe(true);
    await audit(page);

    const code = await emailedCode(email);
    await fill(page, 'Code', code === '000000' ? '000001' : '000000');
    await pressButton(page, 'Continue');
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('The code is not right. You have 4 more tries');
    await fill(page, 'Code', code);
    await pressButton(page, 'Continue');
    expect(pathOf(page)).toBe('/track/report');
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Does the bicycle have a frame number?');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('We need more information from you');

    // The character count runs (govuk-frontend's JavaScript under the CSP).
    await fill(page, 'Your message', 'Yes: WTU123456789.');
    await expect(page.locator('.govuk-character-count__status').textContent()).resolves.toContain('4,982 characters remaining');
    await pressButton(page, 'Send message');
    expect(pathOf(page)).toBe('/track/report');
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Your message has been sent. The report is back with our team.');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Waiting to be looked at');
    expect((await sqlOn(stack.database.urls.admin, `SELECT status FROM reports WHERE reference = $1`, [reference]))[0].status).toBe('awaiting-triage');

    // Adding files: a disguised one is refused naming it; a photo is added, named in the timeline, and staff see it.
    const files = page.getByLabel('Files', { exact: true });
    await files.setInputFiles([{ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>not a pdf</html>') }]);
    await pressButton(page, 'Upload files');
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('receipt.pdf: The selected file must be');
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#a33' } }).jpeg().toBuffer();
    await page.getByLabel('Files', { exact: true }).setInputFiles([{ name: 'frame-number.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await pressButton(page, 'Upload files');
    expect(pathOf(page)).toBe('/track/report');
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Your files have been added to your report.');
    await expect(page.locator('.fc-timeline li').first().textContent()).resolves.toMatch(/You added a file[\s\S]*frame-number\.jpg/);
    const seen = await staffQuery(`query($r: String!) { reportEvidence(report: $r) { name source sizeBytes } }`, { r: reference });
    expect(seen).toEqual({ reportEvidence: [{ name: 'frame-number.jpg', source: 'tracking', sizeBytes: photo.length }] });

    await pressButton(page, 'Sign out of this report');
    expect(pathOf(page)).toBe('/track/signed-out');
    await expect(heading(page)).resolves.toBe('You have signed out of your report');
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('fc_track');

    expect(pagesAuditedOn(page)).toEqual(['/', '/track', '/track', '/track/code', '/track/code', '/track/code', '/track/report', '/track/report', '/track/report', '/track/report', '/track/signed-out']);
    expect(violationsOn(page)).toEqual([]);
  } finally {
    await context.close();
  }
});
