import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { newReference } from '@front-counter/reports';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

let stack: TestStack;
let issuer: TestIssuer;
let dataDirectory: string;
const NORTH = 'northshire.localhost';
const EAST = 'eastmarch.localhost';
const DYFFRYN = 'dyffryn.localhost';
/** Inside Northshire's area, so the report stays with Northshire. */
const IN_NORTHSHIRE = { latitude: 54.35, longitude: -2.0 };

beforeAll(async () => {
  issuer = await startTestIssuer();
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-tracking-'));
  chmodSync(dataDirectory, 0o755);
  // A long poll: the tests deliver the outbox themselves. Staff tokens come from the test issuer.
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', IDP_URL: issuer.url, DEV_IDP: 'false' });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

interface Response {
  status: number;
  location?: string;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A browser without JavaScript on one force's site: cookies kept (an emptied one is dropped), the
 * last page's form token sent back with each form, every header visible to the test.
 */
class Visitor {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly host: string) {}

  request(method: 'GET' | 'POST', requestPath: string, options: { form?: Record<string, string>; withToken?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const base = new URL(stack.webUrl);
    let body: string | undefined;
    const headers: Record<string, string | number> = { host: this.host, cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '), ...options.headers };
    if (options.form) {
      const form = new URLSearchParams(options.withToken === false ? {} : { _csrf: this.csrf });
      for (const [name, value] of Object.entries(options.form)) form.append(name, value);
      body = form.toString();
      Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) });
    }
    return new Promise((resolve, reject) => {
      const request = http.request({ hostname: base.hostname, port: base.port, path: requestPath, method, headers }, (response) => {
        for (const cookie of response.headers['set-cookie'] ?? []) {
          const [pair] = cookie.split(';');
          const index = pair.indexOf('=');
          const [name, value] = [pair.slice(0, index), pair.slice(index + 1)];
          if (value === '' || /max-age=0\b/i.test(cookie)) this.cookies.delete(name);
          else this.cookies.set(name, value);
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: response.statusCode ?? 0, location: response.headers.location, headers: response.headers, text });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  get(requestPath: string, headers: Record<string, string> = {}) {
    return this.request('GET', requestPath, { headers });
  }

  post(requestPath: string, form: Record<string, string>, options: { withToken?: boolean } = {}) {
    return this.request('POST', requestPath, { form, ...options });
  }

  /** The tracking cookie's contents (it is signed, not encrypted: `<base64url JSON>.<signature>`). */
  trackingState(): Record<string, unknown> | undefined {
    const raw = this.cookies.get('fc_track');
    if (!raw) return undefined;
    const value = decodeURIComponent(raw);
    return JSON.parse(Buffer.from(value.slice(0, value.lastIndexOf('.')), 'base64url').toString('utf8'));
  }
}

const formatted = (reference: string) => reference.match(/.{3}/g)!.join('-');
/** The visible text of a page: tags dropped, entities and spaces normalised. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&#x3D;/g, '=')
    .replace(/\s+/g, ' ');

async function deliverOutbox() {
  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();
}

function mailsTo(address: string) {
  const directory = path.join(dataDirectory, 'mail');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
    .filter((mail) => mail.to === address)
    .sort((left, right) => left.sentAt.localeCompare(right.sentAt));
}

/** The code in the newest tracking-code e-mail to `address` (English or Welsh). */
async function latestCode(address: string): Promise<string> {
  await deliverOutbox();
  const mail = mailsTo(address).filter((candidate) => /code|cod/.test(candidate.subject)).at(-1);
  const code = /(?:Your code is|Eich cod yw) (\d{6})/.exec(mail?.text ?? '')?.[1];
  if (!code) throw new Error(`No tracking code was e-mailed to ${address}`);
  return code;
}

/** `where: null` leaves the place described in words only (no point, so no routing by area). */
const submit = (host: string, email: string, where: { latitude: number; longitude: number } | null = IN_NORTHSHIRE) =>
  submitThroughApi(stack.apiUrl, host, 'report-a-crime', theftAnswers({ email, where: where ?? undefined }));

/** Reference and address, the e-mailed code: the visitor lands on the report. */
async function openReport(visitor: Visitor, reference: string, email: string): Promise<Response> {
  await visitor.get('/track');
  expect((await visitor.post('/track', { reference, email })).location).toBe('/track/code');
  await visitor.get('/track/code');
  const verified = await visitor.post('/track/code', { code: await latestCode(email) });
  expect(verified).toMatchObject({ status: 303, location: '/track/report' });
  return visitor.get('/track/report');
}

type StaffResult = { data?: any; errors?: { message: string }[] };
async function staff(query: string, variables: Record<string, unknown>, realm = 'northshire'): Promise<StaffResult> {
  const bearer = await issuer.token({ realm, roles: ['call-handler'], subject: `${realm}-handler`, name: `${realm} handler` });
  const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  const result = (await response.json()) as StaffResult;
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result;
}
async function decide(reference: string, decision: Record<string, unknown>) {
  await staff(`mutation($r: String!) { claimReport(report: $r, takeOver: false) { claimedByMe } }`, { r: reference });
  await staff(`mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { status } }`, { r: reference, d: decision });
}
const statusOf = async (reference: string) => (await sql(`SELECT status FROM reports WHERE reference = $1`, [reference]))[0]?.status;

describe('the way in', () => {
  it('is linked from the home page and from the confirmation of a report with an e-mail address', async () => {
    const visitor = new Visitor(NORTH);
    const home = await visitor.get('/');
    expect(home.text).toMatch(/<a class="govuk-link[^"]*" href="\/track">Track a report you have made<\/a>/);
    expect((await new Visitor(DYFFRYN).get('/?lang=cy')).text).toContain("Dilyn adroddiad rydych wedi&#x27;i wneud</a>");

    const { session } = await submit(NORTH, 'linked@example.com');
    const confirmation = await new Visitor(NORTH).get('/report-a-crime/confirmation', { cookie: `fc_session=${await signedSession(session)}` });
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toContain('href="/track">Track your report and read our messages</a>');
  });
});

/** The journey's session cookie for an api session token, signed as the site signs it. */
async function signedSession(token: string): Promise<string> {
  const { sign } = (await import('@fastify/cookie')).default;
  return encodeURIComponent(sign(token, stack.config.session.secret));
}

describe('tracking a report', () => {
  it('reference and e-mail, a code, the report with its status and timeline, a reply, sign out; nothing personal in a URL, no page stored', async () => {
    const email = 'x@example.com';
    const { reference } = await submit(NORTH, email);
    const visitor = new Visitor(NORTH);

    const start = await visitor.get('/track');
    expect(start.status).toBe(200);
    expect(start.text).toContain('<h1 class="govuk-heading-l">Track your report</h1>');
    expect(start.text).toContain('It is on your confirmation email, like 7KQ-2MX-9P4');
    expect(start.headers['cache-control']).toBe('no-store');
    const cookie = start.headers['set-cookie']!.find((header) => header.startsWith('fc_track='))!;
    expect(cookie).toMatch(/; Path=\/track/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/; Secure/);
    expect(Number(/Max-Age=(\d+)/.exec(cookie)![1])).toBeLessThanOrEqual(30 * 60);

    // Nothing typed: both errors, in the summary and at each field.
    const empty = await visitor.post('/track', { reference: '', email: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<title>Error: Track your report – Northshire Police</title>');
    expect(empty.text).toContain('There is a problem');
    expect(empty.text).toContain('<a href="#reference">Enter your reference number</a>');
    expect(empty.text).toContain('<a href="#email">Enter the email address you gave with your report</a>');
    expect(empty.text).toMatch(/id="reference-error"[\s\S]*Enter your reference number/);
    // What was typed is kept.
    const typo = await visitor.post('/track', { reference: '7KQ-2MX', email: email });
    expect(typo.status).toBe(400);
    expect(typo.text).toContain('value="7KQ-2MX"');
    expect(typo.text).toContain(`value="${email}"`);
    expect(typo.text).toContain('Your reference number must be 9 letters and numbers, like 7KQ-2MX-9P4');

    // Any case, with spaces: accepted; the next page names the address only masked.
    const asked = await visitor.post('/track', { reference: ` ${formatted(reference).toLowerCase()} `, email: email.toUpperCase() });
    expect(asked).toMatchObject({ status: 303, location: '/track/code' });
    expect(asked.headers['cache-control']).toBe('no-store');
    expect(visitor.trackingState()).toMatchObject({ force: 'northshire', reference, maskedEmail: 'x••••@example.com' });
    expect(JSON.stringify(visitor.trackingState())).not.toContain('x@example.com');
    const codePage = await visitor.get('/track/code');
    expect(textOf(codePage.text)).toContain('If the details match a report, we have sent a code to x••••@example.com.');
    expect(textOf(codePage.text)).toContain(`Reference number: ${formatted(reference)}`);
    expect(codePage.text).toContain('I have not received a code');
    expect(codePage.text).toContain('href="/track">Check your details and ask for a new code</a>');

    // The "ask for a new code" link goes back to /track with the reference filled in.
    expect((await visitor.get('/track')).text).toContain(`value="${formatted(reference)}"`);
    await visitor.get('/track/code');

    // Wrong codes count down.
    const code = await latestCode(email);
    const wrong = code === '000000' ? '000001' : '000000';
    const first = await visitor.post('/track/code', { code: wrong });
    expect(first.status).toBe(400);
    expect(first.text).toContain('<a href="#code">The code is not right. You have 4 more tries</a>');
    expect(first.text).toContain(`value="${wrong}"`);
    expect((await visitor.post('/track/code', { code: wrong })).text).toContain('The code is not right. You have 3 more tries');
    const right = await visitor.post('/track/code', { code });
    expect(right).toMatchObject({ status: 303, location: '/track/report' });
    const token = visitor.trackingState()!.token as string;
    expect(token).toMatch(/^[\w-]{43}$/);
    // The cookie lasts as long as the api's tracking session: 30 minutes at most.
    const sessionCookie = right.headers['set-cookie']!.find((header) => header.startsWith('fc_track='))!;
    expect(Number(/Max-Age=(\d+)/.exec(sessionCookie)![1])).toBeGreaterThan(29 * 60);
    expect(Number(/Max-Age=(\d+)/.exec(sessionCookie)![1])).toBeLessThanOrEqual(30 * 60);
    expect(sessionCookie).toMatch(/Path=\/track; HttpOnly; SameSite=Lax/);

    const report = await visitor.get('/track/report');
    expect(report.status).toBe(200);
    expect(report.headers['cache-control']).toBe('no-store');
    const page = textOf(report.text);
    expect(page).toContain(`Reference number ${formatted(reference)}`);
    expect(page).toContain('What it is about Report a crime');
    expect(page).toMatch(/Date sent \d{1,2} \w+ \d{4} at \d{1,2}:\d\d(am|pm)/);
    expect(page).toContain('Status Waiting to be looked at');
    expect(page).toContain('You sent your report');
    expect(report.text).not.toContain(token);
    expect(report.text).not.toContain('govuk-notification-banner');

    // A reply: checked (empty, too long, kept as typed), then sent; the page says so once.
    const blank = await visitor.post('/track/report/reply', { message: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('<a href="#message">Enter your message</a>');
    const long = 'a'.repeat(5001);
    const tooLong = await visitor.post('/track/report/reply', { message: long });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Your message must be 5,000 characters or fewer');
    expect(tooLong.text).toContain(`>${long}</textarea>`);
    const sent = await visitor.post('/track/report/reply', { message: 'The bicycle has a red bell.\nFrame number WTU123.' });
    expect(sent).toMatchObject({ status: 303, location: '/track/report' });
    const after = await visitor.get('/track/report');
    expect(after.text).toContain('govuk-notification-banner--success');
    expect(textOf(after.text)).toContain('Your message has been sent. The report is back with our team.');
    expect(textOf(after.text)).toMatch(/What has happened The newest step is first\. You sent us a message .* Your message The bicycle has a red bell\. Frame number WTU123\. .*You sent your report/);
    expect((await visitor.get('/track/report')).text).not.toContain('Your message has been sent');

    // Sign out: the cookie goes, and the report cannot be opened again without a new code.
    const signedOut = await visitor.post('/track/sign-out', {});
    expect(signedOut).toMatchObject({ status: 303, location: '/track/signed-out' });
    expect(signedOut.headers['set-cookie']!.find((header) => header.startsWith('fc_track='))).toMatch(/^fc_track=;.*Path=\/track/);
    expect(visitor.cookies.has('fc_track')).toBe(false);
    expect((await visitor.get('/track/signed-out')).text).toContain('You have signed out of your report');
    expect((await visitor.get('/track/report')).location).toBe('/track');
  });

  it('answers a wrong address, or a reference that does not exist, exactly as a right one, and e-mails nobody', async () => {
    const { reference } = await submit(NORTH, 'xena@example.com');
    const codePage = async (typedReference: string, typedEmail: string) => {
      const visitor = new Visitor(NORTH);
      await visitor.get('/track');
      const asked = await visitor.post('/track', { reference: typedReference, email: typedEmail });
      const page = await visitor.get('/track/code');
      return { status: asked.status, location: asked.location, text: page.text.replace(/name="_csrf" value="[^"]+"/, '') };
    };
    const right = await codePage(formatted(reference), 'xena@example.com');
    const wrongAddress = await codePage(formatted(reference), 'xavier@example.com');
    const noSuchReport = await codePage(formatted(newReference()), 'xena@example.com');
    expect(right).toMatchObject({ status: 303, location: '/track/code' });
    expect(wrongAddress).toEqual(right);
    expect(noSuchReport.text.replace(/[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}/g, 'REF')).toEqual(right.text.replace(/[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}/g, 'REF'));
    await deliverOutbox();
    expect(mailsTo('xavier@example.com')).toEqual([]);
    expect(mailsTo('xena@example.com').filter((mail) => mail.subject.includes('your code'))).toHaveLength(1);
  });

  it('refuses a form without its token, and a cookie that was changed or signed by someone else', async () => {
    const email = 'forged@example.com';
    const { reference } = await submit(NORTH, email);
    const visitor = new Visitor(NORTH);
    await visitor.get('/track');
    // No form token: nothing is sent.
    expect(await visitor.post('/track', { reference, email }, { withToken: false })).toMatchObject({ status: 303, location: '/track' });
    // Another site's form (no cookie either).
    expect(await new Visitor(NORTH).post('/track', { reference, email, _csrf: visitor.csrf }, { withToken: false })).toMatchObject({ status: 303, location: '/track' });
    await deliverOutbox();
    expect(mailsTo(email).filter((mail) => mail.subject.includes('your code'))).toEqual([]);

    await openReport(visitor, reference, email);
    // A reply without the form token changes nothing.
    expect(await visitor.post('/track/report/reply', { message: 'Forged.' }, { withToken: false })).toMatchObject({ status: 303, location: '/track/report' });
    expect(await sql(`SELECT count(*)::int AS n FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.reference = $1 AND e.kind = 'reporter-replied'`, [reference])).toEqual([{ n: 0 }]);
    expect(await visitor.post('/track/sign-out', {}, { withToken: false })).toMatchObject({ status: 303, location: '/track/report' });
    expect((await visitor.get('/track/report')).status).toBe(200);

    // The contents changed (another reference), the signature kept: not accepted.
    const raw = decodeURIComponent(visitor.cookies.get('fc_track')!);
    const signature = raw.slice(raw.lastIndexOf('.') + 1);
    const changed = { ...visitor.trackingState(), until: Date.now() + 24 * 3600_000 };
    const forged = new Visitor(NORTH);
    forged.cookies.set('fc_track', encodeURIComponent(`${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`));
    const refused = await forged.get('/track/report');
    expect(refused).toMatchObject({ status: 303, location: '/track' });
    // Signed with another secret.
    const { sign } = (await import('@fastify/cookie')).default;
    const foreign = new Visitor(NORTH);
    foreign.cookies.set('fc_track', encodeURIComponent(sign(Buffer.from(JSON.stringify(visitor.trackingState())).toString('base64url'), 'not-the-site-secret')));
    expect(await foreign.get('/track/report')).toMatchObject({ status: 303, location: '/track' });
    // Not signed at all.
    const unsigned = new Visitor(NORTH);
    unsigned.cookies.set('fc_track', Buffer.from(JSON.stringify(visitor.trackingState())).toString('base64url'));
    expect(await unsigned.get('/track/report')).toMatchObject({ status: 303, location: '/track' });
  });

  it('sends a reporter whose time ran out back to the start, saying so, with the reference filled in', async () => {
    const email = 'slow@example.com';
    const { reference } = await submit(NORTH, email);
    const visitor = new Visitor(NORTH);
    await openReport(visitor, reference, email);
    await sql(`UPDATE tracking_sessions SET expires_at = now() - interval '1 second' WHERE report_id = (SELECT id FROM reports WHERE reference = $1)`, [reference]);

    expect(await visitor.get('/track/report')).toMatchObject({ status: 303, location: '/track' });
    expect(visitor.trackingState()).not.toHaveProperty('token');
    const start = await visitor.get('/track');
    expect(start.text).toContain('Your time to view the report ran out');
    expect(start.text).toContain(`value="${formatted(reference)}"`);
    expect((await visitor.get('/track')).text).not.toContain('Your time to view the report ran out');

    // A reply posted after the time ran out is not taken either.
    const late = new Visitor(NORTH);
    await openReport(late, reference, email);
    await late.get('/track/report');
    await sql(`UPDATE tracking_sessions SET expires_at = now() - interval '1 second' WHERE report_id = (SELECT id FROM reports WHERE reference = $1)`, [reference]);
    expect(await late.post('/track/report/reply', { message: 'Too late.' })).toMatchObject({ status: 303, location: '/track' });
    expect(await sql(`SELECT count(*)::int AS n FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.reference = $1 AND e.kind = 'reporter-replied'`, [reference])).toEqual([{ n: 0 }]);
  });

  it('does not let another force’s site use the cookie', async () => {
    const email = 'elsewhere@example.com';
    const { reference } = await submit(NORTH, email);
    const visitor = new Visitor(NORTH);
    await openReport(visitor, reference, email);
    const elsewhere = new Visitor(EAST);
    elsewhere.cookies.set('fc_track', visitor.cookies.get('fc_track')!);
    expect(await elsewhere.get('/track/report')).toMatchObject({ status: 303, location: '/track' });
    expect((await elsewhere.get('/track')).text).not.toContain(formatted(reference));
    elsewhere.cookies.set('fc_track', visitor.cookies.get('fc_track')!);
    elsewhere.csrf = visitor.csrf;
    expect(await elsewhere.post('/track/report/reply', { message: 'From the wrong site.' })).toMatchObject({ status: 303, location: '/track' });
    // It still works where it was made.
    expect((await visitor.get('/track/report')).status).toBe(200);
  });

  it('sets the cookie Secure when the site is reached over https', async () => {
    const response = await new Visitor(NORTH).get('/track', { 'x-forwarded-proto': 'https' });
    expect(response.headers['set-cookie']!.find((header) => header.startsWith('fc_track='))).toMatch(/; Secure/);
  });
});

describe('when the force needs something from the reporter', () => {
  it('highlights the request and puts the reply first; the reply returns the report to the queue', async () => {
    const email = 'asked@example.com';
    const { reference } = await submit(NORTH, email);
    await decide(reference, { decision: 'REQUEST_INFORMATION', messageToReporter: 'Does the bicycle have a frame number?\nPlease reply with it.' });
    expect(await statusOf(reference)).toBe('awaiting-reporter');

    const visitor = new Visitor(NORTH);
    const report = await openReport(visitor, reference, email);
    const page = textOf(report.text);
    expect(report.text).toMatch(/<div class="govuk-notification-banner" role="region"/);
    expect(page).toContain('Important We need more information from you Does the bicycle have a frame number? Please reply with it. Reply using the form below. Track your report Your report Reply or add information');
    expect(page).toContain('Status We need more information from you');
    // The reply form comes before the report's details and timeline.
    expect(report.text.indexOf('action="/track/report/reply"')).toBeLessThan(report.text.indexOf('govuk-summary-list'));
    expect(report.text.indexOf('action="/track/report/reply"')).toBeLessThan(report.text.indexOf('What has happened'));
    // Each step with its date and time, newest first, the force's message in full.
    expect(page).toMatch(/We asked you for more information \d{1,2} \w+ \d{4} at \d{1,2}:\d\d(am|pm) Our message to you Does the bicycle have a frame number\? Please reply with it\. You sent your report \d{1,2} \w+ \d{4} at/);
    expect(report.text).toContain('data-module="govuk-character-count" data-maxlength="5000"');

    expect(await visitor.post('/track/report/reply', { message: 'Yes: WTU123456789.' })).toMatchObject({ status: 303, location: '/track/report' });
    expect(await statusOf(reference)).toBe('awaiting-triage');
    const queue = await staff(`query { queue(statuses: [AWAITING_TRIAGE], first: 200) { items { reference } } }`, {});
    expect(queue.data.queue.items.map((item: { reference: string }) => item.reference)).toContain(reference);
    const after = textOf((await visitor.get('/track/report')).text);
    expect(after).toContain('Status Waiting to be looked at');
    expect(after).not.toContain('Important We need more information from you');
  });

  it('says a transfer in words: passed from one force to the other, on the receiving force’s site', async () => {
    const email = 'moved@example.com';
    const { reference } = await submit(NORTH, email);
    await decide(reference, { decision: 'TRANSFER', toForce: 'eastmarch', messageToReporter: 'It happened in Eastmarch, so Eastmarch Constabulary will look after your report.' });
    const visitor = new Visitor(EAST);
    const page = textOf((await openReport(visitor, reference, email)).text);
    expect(page).toContain('Passed from Northshire Police to Eastmarch Constabulary');
    expect(page).toContain('It happened in Eastmarch, so Eastmarch Constabulary will look after your report.');
  });
});

describe('in Welsh', () => {
  it('runs every page in Welsh on Dyffryn’s site', async () => {
    const email = 'cymraeg@example.com';
    const { reference } = await submit(DYFFRYN, email, null);
    const visitor = new Visitor(DYFFRYN);
    const start = await visitor.get('/track?lang=cy');
    expect(start.text).toContain('<html lang="cy"');
    expect(start.text).toContain('<h1 class="govuk-heading-l">Dilyn eich adroddiad</h1>');
    expect(start.text).toContain('Mae ar eich e-bost cadarnhau, fel 7KQ-2MX-9P4');
    const empty = await visitor.post('/track', { reference: '', email: '' });
    expect(empty.text).toContain('Mae problem wedi codi');
    expect(empty.text).toContain('Rhowch eich cyfeirnod');
    expect(empty.text).toContain('<title>Gwall: Dilyn eich adroddiad – Heddlu Dyffryn</title>');

    await visitor.post('/track', { reference, email });
    const codePage = textOf((await visitor.get('/track/code')).text);
    expect(codePage).toContain("Os yw'r manylion yn cyfateb i adroddiad, rydym wedi anfon cod i c••••@example.com.");
    expect(codePage).toContain('Nid wyf wedi cael cod');
    const code = await latestCode(email);
    const wrong = await visitor.post('/track/code', { code: code === '000000' ? '000001' : '000000' });
    expect(textOf(wrong.text)).toContain("Nid yw'r cod yn gywir. Mae gennych 4 cynnig arall");
    await visitor.post('/track/code', { code });
    const report = await visitor.get('/track/report');
    const page = textOf(report.text);
    expect(report.text).toContain('<html lang="cy"');
    expect(page).toContain(`Cyfeirnod ${formatted(reference)}`);
    expect(page).toContain('Statws Yn aros i rywun edrych arno');
    expect(page).toContain('Rhoi gwybod am drosedd');
    expect(page).toMatch(/Dyddiad anfon \d{1,2} \S+ \d{4} am \d{1,2}:\d\d(yb|yp)/);
    expect(page).toContain('Fe anfonoch eich adroddiad');
    expect(report.text).toContain('data-i18n.characters-under-limit.other="Mae gennych %{count} o nodau ar ôl"');
    await visitor.post('/track/report/reply', { message: 'Diolch.' });
    expect(textOf((await visitor.get('/track/report')).text)).toContain("Mae eich neges wedi'i hanfon. Mae'r adroddiad yn ôl gyda'n tîm.");
    expect(await visitor.post('/track/sign-out', {})).toMatchObject({ location: '/track/signed-out' });
    expect(textOf((await visitor.get('/track/signed-out')).text)).toContain("Rydych wedi allgofnodi o'ch adroddiad");
  });
});
