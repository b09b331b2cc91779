import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatReference, parseReference } from '@front-counter/reports';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { launchChromium } from '../support/browser.js';
import { answer, answerExactly, audit, choose, continueOn, declareAndSend, fill, fillDate, follow, heading, pagesAuditedOn, pathOf, pressButton, startService, violationsOn, visit } from '../support/journey-steps.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Both sides of one report, end to end, in Chromium against the real api, force sites, worker,
 * development sign-in provider and PostgreSQL: a member of the public reports a theft on
 * northshire's site, telling us of a mental health condition; northshire's rules put it at the top
 * of public protection with a 30-minute triage deadline; a call handler signs in through the
 * provider, claims it, records THRIVE and asks for more information; the reporter tracks it with the
 * reference and an e-mailed code and replies; the handler closes it. The timeline shows every step,
 * and the audit trail (as a supervisor sees it, and in the database) has every read and change.
 * axe checks every page on the way.
 */

let stack: TestStack;
let browser: Browser;
let dataDirectory: string;
const contexts: BrowserContext[] = [];
const EMAIL = 'alex.morgan@example.com';
const staff = seededRealms([{ slug: 'northshire', name: { en: 'Northshire Police' }, domains: [], identity: { realm: 'northshire', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users;
const handler = staff.find((user) => user.username === 'northshire.handler1')!;
const supervisor = staff.find((user) => user.username === 'northshire.supervisor')!;

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-end-to-end-'));
  chmodSync(dataDirectory, 0o755);
  [stack, browser] = await Promise.all([startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000' }), launchChromium()]);
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

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

/** Runs the worker once (delivers the outbox's e-mails into DATA_DIR/mail), then the e-mails sent to `to`, oldest first. */
async function mailTo(to: string) {
  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();
  const directory = path.join(dataDirectory, 'mail');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
    .filter((mail) => mail.to === to)
    .sort((left, right) => left.sentAt.localeCompare(right.sentAt));
}

/** Does something that loads a new page, then checks it with axe. */
async function andLand(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await audit(page);
}

async function signInAs(page: Page, name: string) {
  await visit(page, `${stack.siteUrl('northshire')}staff`);
  await Promise.all([page.waitForURL(/\/realms\/northshire\/login-actions\//), page.getByRole('button', { name: 'Sign in' }).click()]);
  await andLand(page, () => page.getByRole('button', { name: `Sign in as ${name}` }).click());
  expect(pathOf(page)).toBe('/staff/queue');
}

async function openReport(page: Page, shown: string, reason: string) {
  await andLand(page, () => page.locator('#queue-results').getByRole('link', { name: shown }).click());
  await expect(heading(page)).resolves.toBe('Why are you opening this report?');
  await page.getByLabel(reason, { exact: true }).check();
  await andLand(page, () => page.getByRole('button', { name: 'Open the report' }).click());
  await expect(heading(page)).resolves.toBe(`Report ${shown}`);
}

/** A GOV.UK summary list's value for a key. */
const summaryValue = (page: Page, key: string) =>
  page.locator('.govuk-summary-list__row').filter({ has: page.locator('.govuk-summary-list__key', { hasText: new RegExp(`^\\s*${key}\\s*$`) }) }).first().locator('.govuk-summary-list__value').innerText();

/** A table's rows (the first table in `selector`, or the one with this caption) as the text of their cells. */
const tableRows = (page: Page, selector: string, caption?: string) =>
  (caption ? page.locator('table').filter({ has: page.locator('caption', { hasText: caption }) }) : page.locator(selector).locator('table').first())
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim().replace(/\s+/g, ' '))));

it('a report made on northshire’s site is triaged, answered by its reporter through tracking and closed; every step is in the timeline and the audit trail', async () => {
  // Already waiting: a theft for TDIU (priority 3), made two minutes earlier.
  const earlier = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers({ where: { latitude: 54.35, longitude: -2.2 } }));

  // ── The reporter, on northshire's site ────────────────────────────────────────────────────────
  const reporter = await freshPage();
  await startService(reporter, `${stack.siteUrl('northshire')}report-a-crime`);
  await answer(reporter, { label: 'No' }); // not an emergency
  await answer(reporter, { label: 'I am the victim' });
  await answer(reporter, { label: 'Theft (not from a vehicle)' });
  await answer(reporter, { label: 'No' }); // no force or threats
  await follow(reporter, 'Add item');
  await answer(reporter, { fields: { 'Describe the item': 'Green Brompton folding bicycle', 'Estimated value in pounds': '1200' } });
  await continueOn(reporter);
  await answerExactly(reporter, 'I know exactly when', { day: 20, month: 11, year: 2026 });
  await choose(reporter, 'I know the address');
  await fill(reporter, 'Address line 1', 'Northtown railway station');
  await fill(reporter, 'Town or city', 'Northtown');
  await continueOn(reporter);
  await answer(reporter, { fields: { 'What happened?': 'I locked my bicycle at the station racks at 8am. When I came back at 6pm the lock had been cut and the bicycle was gone.' } });
  await answer(reporter, { label: 'No' }); // who did it
  await answer(reporter, { label: 'No' }); // witnesses
  await answer(reporter, { label: 'No' }); // evidence
  await choose(reporter, 'A mental health condition');
  await continueOn(reporter);
  expect(await heading(reporter)).toBe('Your details');
  await fill(reporter, 'Full name', 'Alex Morgan');
  await fillDate(reporter, 'Date of birth', { day: 2, month: 9, year: 1990 });
  await fill(reporter, 'Address line 1', '7 Mill Lane', { within: 'Address' });
  await fill(reporter, 'Town or city', 'Northtown', { within: 'Address' });
  await fill(reporter, 'Email address', EMAIL);
  await continueOn(reporter);
  await answer(reporter, { label: 'Email' });
  expect(await heading(reporter)).toBe('Check your answers before sending your report');
  await continueOn(reporter);
  const shown = await declareAndSend(reporter);
  const { reference } = parseReference(shown) as { reference: string };
  expect(await heading(reporter)).toContain('Report sent');

  // Placed by northshire's rules at submission: public protection, priority 2, triage within 30 minutes, reply within 24 hours.
  const [placed] = await sql(
    `SELECT queue, priority, tags, routing_rule, status, extract(epoch FROM triage_by - submitted_at)::int AS triage_seconds, extract(epoch FROM reply_by - submitted_at)::int AS reply_seconds
       FROM reports WHERE reference = $1`,
    [reference],
  );
  expect(placed).toEqual({ queue: 'public-protection', priority: 2, tags: ['vulnerable'], routing_rule: 'Vulnerable or domestic', status: 'awaiting-triage', triage_seconds: 1800, reply_seconds: 86_400 });

  // ── The call handler ──────────────────────────────────────────────────────────────────────────
  const desk = await freshPage();
  await signInAs(desk, handler.name);
  const [top, next] = await tableRows(desk, '#queue-results');
  expect(top[0]).toBe(shown);
  expect(top.slice(1, 4)).toEqual(['Report a crime', 'public-protection', '2']);
  expect(top[4]).toMatch(/^(29|30) min left$/);
  expect(next[0]).toBe(formatReference(earlier.reference));
  // Filtered to public protection, it is the only one.
  await desk.getByText('Filter reports', { exact: true }).click();
  await desk.getByLabel('Queue', { exact: true }).selectOption('public-protection');
  await andLand(desk, () => desk.getByRole('button', { name: 'Apply filters' }).click());
  expect((await tableRows(desk, '#queue-results')).map((row) => row[0])).toEqual([shown]);

  await openReport(desk, shown, 'Triage it');
  await expect(summaryValue(desk, 'Routing rule')).resolves.toBe('Vulnerable or domestic');
  await expect(summaryValue(desk, 'Name')).resolves.toBe('Alex Morgan');
  await expect(desk.locator('main').innerText()).resolves.toContain('Green Brompton folding bicycle');

  await andLand(desk, () => desk.getByRole('button', { name: 'Claim this report' }).click());
  await expect(desk.locator('.govuk-notification-banner').innerText()).resolves.toContain(`You have claimed report ${shown}.`);
  for (const [part, level] of [['Threat', 'Low'], ['Harm', 'Medium'], ['Risk', 'Low'], ['Investigation', 'Medium'], ['Vulnerability', 'High'], ['Engagement', 'Medium']]) {
    await desk.getByRole('group', { name: part, exact: true }).getByLabel(level, { exact: true }).check();
    await desk.getByLabel(`Note on ${part.toLowerCase()}`, { exact: true }).fill(`${level}: assessed from the account given.`);
  }
  await andLand(desk, () => desk.getByRole('button', { name: 'Record THRIVE assessment' }).click());
  await expect(desk.locator('.govuk-notification-banner').innerText()).resolves.toContain('THRIVE assessment recorded.');
  const question = 'Thank you for your report. Does your bicycle have a frame number, and was it registered with BikeRegister?';
  await desk.getByLabel('Ask the reporter for more information', { exact: true }).check();
  await desk.getByLabel('Message for the reporter', { exact: true }).fill(question);
  await andLand(desk, () => desk.getByRole('button', { name: 'Record decision' }).click());
  await expect(desk.locator('.govuk-notification-banner').innerText()).resolves.toContain('Decision recorded: ask the reporter for more information.');

  // ── The reporter tracks it ────────────────────────────────────────────────────────────────────
  const message = (await mailTo(EMAIL)).find((mail) => mail.text.includes(question));
  expect(message).toBeDefined();
  const tracker = await freshPage();
  await visit(tracker, stack.siteUrl('northshire'));
  await follow(tracker, 'Track a report you have made');
  await fill(tracker, 'Reference number', shown);
  await fill(tracker, 'Email address', EMAIL);
  await pressButton(tracker, 'Send me a code');
  expect(pathOf(tracker)).toBe('/track/code');
  const codeMail = (await mailTo(EMAIL)).filter((mail) => mail.subject.includes('your code')).at(-1)!;
  await fill(tracker, 'Code', /Your code is (\d{6})/.exec(codeMail.text)![1]);
  await pressButton(tracker, 'Continue');
  expect(pathOf(tracker)).toBe('/track/report');
  await expect(tracker.locator('.govuk-notification-banner').innerText()).resolves.toContain(question);
  await expect(summaryValue(tracker, 'Status')).resolves.toBe('We need more information from you');
  const reply = 'Yes: the frame number is WSBC604213987, registered with BikeRegister in 2024.';
  await fill(tracker, 'Your message', reply);
  await pressButton(tracker, 'Send message');
  await expect(tracker.locator('.govuk-notification-banner--success').innerText()).resolves.toContain('Your message has been sent. The report is back with our team.');

  // ── Back in the queue; the handler reads the reply and closes the report ──────────────────────
  await andLand(desk, () => desk.getByRole('link', { name: 'Queue', exact: true }).click());
  expect((await tableRows(desk, '#queue-results'))[0][0]).toBe(shown);
  await openReport(desk, shown, 'The reporter contacted us');
  await expect(desk.locator('main').innerText()).resolves.toContain(reply);
  await andLand(desk, () => desk.getByRole('button', { name: 'Claim this report' }).click());
  const closing = 'Thank you. We have recorded the frame number and circulated your bicycle as stolen. We will contact you if it is found.';
  await desk.getByLabel('Close the report', { exact: true }).check();
  await desk.getByLabel('Reason for closing', { exact: true }).selectOption('advice-given');
  await desk.getByLabel('Message for the reporter', { exact: true }).fill(closing);
  await andLand(desk, () => desk.getByRole('button', { name: 'Record decision' }).click());
  await expect(desk.locator('.govuk-notification-banner').innerText()).resolves.toContain('Decision recorded: close the report.');

  // The staff timeline has every step, in order, with who did it.
  const timeline = (await tableRows(desk, 'main', 'Timeline')).map(([, what, who]) => `${what} · ${who}`);
  expect(timeline).toEqual([
    'Submitted · Reporter',
    'Routed · System',
    `Claimed · ${handler.name}`,
    `THRIVE recorded · ${handler.name}`,
    `More information requested · ${handler.name}`,
    'Reporter replied · Reporter',
    `Claimed · ${handler.name}`,
    `Closed · ${handler.name}`,
  ]);

  // The reporter's page shows the closing message, and the e-mail has gone.
  await tracker.reload();
  await audit(tracker);
  await expect(summaryValue(tracker, 'Status')).resolves.toBe('Closed');
  await expect(tracker.locator('main').innerText()).resolves.toContain(closing);
  expect((await mailTo(EMAIL)).some((mail) => mail.text.includes(closing))).toBe(true);

  // ── The audit trail: a supervisor's page, and the database ────────────────────────────────────
  const review = await freshPage();
  await signInAs(review, supervisor.name);
  await review.getByText('Filter reports', { exact: true }).click();
  await review.getByLabel('Closed', { exact: true }).check();
  await andLand(review, () => review.getByRole('button', { name: 'Apply filters' }).click());
  await openReport(review, shown, 'Supervisor review');
  await andLand(review, () => review.getByRole('link', { name: 'Audit trail: who has opened or changed this report' }).click());
  await expect(heading(review)).resolves.toBe(`Audit trail of report ${shown}`);
  // Each page showing the report after an action is a read of its personal data, audited with the reason it was opened for.
  const trail = (await tableRows(review, 'main')).map(([, who, what, why, details]) => [who, what, why, details]);
  const read = (who: string, why: string) => [who, 'Opened', why, ''];
  expect(trail).toEqual([
    ['Reporter', 'Submitted', '', ''],
    read(handler.name, 'Triage'),
    [handler.name, 'Claimed', '', ''],
    read(handler.name, 'Triage'),
    [handler.name, 'THRIVE assessment recorded', '', 'Threat Low, Harm Medium, Risk Low, Investigation Medium, Vulnerability High, Engagement Medium'],
    read(handler.name, 'Triage'),
    [handler.name, 'Decision recorded', '', 'Ask the reporter for more information'],
    read(handler.name, 'Triage'),
    ['Reporter', 'Reporter signed in to track it', '', ''],
    ['Reporter', 'Reporter replied', '', 'Was awaiting reporter'],
    read(handler.name, 'The reporter contacted us'),
    [handler.name, 'Claimed', '', ''],
    read(handler.name, 'The reporter contacted us'),
    [handler.name, 'Decision recorded', '', 'Close the report; Reason for closing: Advice given'],
    read(handler.name, 'The reporter contacted us'),
    read(supervisor.name, 'Supervisor review'),
  ]);

  // In the database: every staff and reporter step in the timeline has its audit event, every read its reason.
  const [{ id }] = await sql(`SELECT id FROM reports WHERE reference = $1`, [reference]);
  const events = await sql(`SELECT kind, actor_type FROM report_events WHERE report_id = $1 AND actor_type <> 'system' ORDER BY id`, [id]);
  const audited = await sql(`SELECT action, actor_type, actor_id, reason FROM audit_events WHERE subject_id = $1 ORDER BY id`, [id]);
  const changes = audited.filter((event) => !['report.read', 'report.tracking-opened', 'report.audit-trail-read'].includes(event.action));
  expect(changes.map((event) => event.action)).toEqual(
    events.map((event) => ({ submitted: 'report.submitted', claimed: 'report.claimed', 'thrive-recorded': 'report.thrive-recorded', 'reporter-replied': 'report.reporter-replied' })[event.kind as string] ?? 'report.decided'),
  );
  expect(audited.filter((event) => event.action === 'report.read').map((event) => [event.actor_id, event.reason])).toEqual([
    ...Array(4).fill([handler.id, 'Triage']),
    ...Array(3).fill([handler.id, 'The reporter contacted us']),
    [supervisor.id, 'Supervisor review'],
  ]);
  expect(audited.at(-1)).toMatchObject({ action: 'report.audit-trail-read', actor_id: supervisor.id });
  await expect(sql(`UPDATE audit_events SET reason = 'changed' WHERE subject_id = $1`, [id])).rejects.toThrow(/append-only/);

  const pages = [reporter, desk, tracker, review];
  expect(pagesAuditedOn(...pages).length).toBeGreaterThanOrEqual(40);
  expect(violationsOn(...pages)).toEqual([]);
}, 240_000);
