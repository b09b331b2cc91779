import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { StaffCookieSealer, type StaffSession } from '../../apps/web/src/staff/staff-session.js';
import { captureLogs, type CapturedLogs, type LogLine } from '../support/log-capture.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Logs hold no secrets and say who wrote them (issue 12). The whole product in one process, as
 * `npm start` runs it (api, web, worker and the development sign-in provider), logging at its most
 * talkative, is taken through a public journey with personal data: part of a dashcam report, saved
 * for later with an e-mail address, resumed from its link in another browser, a photo uploaded, the
 * report sent; a member of staff signs in through the provider, opens the report and downloads the
 * photo through its signed link; the reporter tracks the report with the e-mailed code and replies,
 * once while the database refuses the reply (so the api's exception handler logs a real error whose
 * query parameters hold the reply). Then every line of the run, and anything else printed, is
 * searched for everything the test typed and every token, code, cookie and link it was given.
 */

const HOST = 'northshire.localhost';
const SERVICE = 'submit-dashcam-footage';
/** Personal data unique to this run, so a match in the logs can only have come from it. */
const run = randomBytes(3).toString('hex');
const PERSON = {
  fullName: `Morwenna Quillfeather${run}`,
  email: `morwenna.${run}@example.com`,
  phone: '07700 900461',
  addressLine: `${run} Tannery Yard`,
  town: `Quillby${run}`,
  postcode: 'NE9 7QW',
};
const PLACE = `Layby ${run} on the Quillby bypass`;
const REGISTRATION = 'QX71 LMN';
const WHAT_HAPPENED = `The silver van ${run} clipped the bollard outside the bakery and drove on`;
const REPLY = `The van had a dented tailgate ${run} and a ladder on the roof`;

let stack: TestStack | undefined;
let logs: CapturedLogs;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-log-hygiene-'));
  chmodSync(dataDirectory, 0o755);
  logs = captureLogs();
  // The worker runs its own loop (mail, evidence), as it does under `npm start`.
  stack = await startTestStack({ DATA_DIR: dataDirectory, LOG_LEVEL: 'trace', OUTBOX_POLL_MS: '250' }, logs.destination);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  logs?.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

interface Reply {
  status: number;
  location?: string;
  text: string;
  body: Buffer;
}

/** A browser without JavaScript on one force's site: cookies kept, the last page's form token sent back. */
class Visitor {
  readonly cookies = new Map<string, string>();
  /** Every cookie value the site ever set. */
  readonly cookieValues = new Set<string>();
  csrf = '';

  constructor(private readonly webUrl: string) {}

  private request(method: 'GET' | 'POST', requestPath: string, body?: { type: string; data: Buffer }): Promise<Reply> {
    const base = new URL(this.webUrl);
    const headers: Record<string, string | number> = { host: HOST, cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
    if (body) Object.assign(headers, { 'content-type': body.type, 'content-length': body.data.length });
    return new Promise((resolve, reject) => {
      const request = http.request({ hostname: base.hostname, port: base.port, path: requestPath, method, headers }, (response) => {
        for (const cookie of response.headers['set-cookie'] ?? []) {
          const [pair] = cookie.split(';');
          const name = pair.slice(0, pair.indexOf('='));
          const value = pair.slice(pair.indexOf('=') + 1);
          if (value === '' || /max-age=0\b/i.test(cookie) || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
          else {
            this.cookies.set(name, value);
            this.cookieValues.add(value);
          }
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const data = Buffer.concat(chunks);
          const text = data.toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: response.statusCode ?? 0, location: response.headers.location?.replace(/^https?:\/\/northshire\.localhost(:\d+)?(?=\/)/, ''), text, body: data });
        });
      });
      request.on('error', reject);
      request.end(body?.data);
    });
  }

  get(requestPath: string) {
    return this.request('GET', requestPath);
  }

  post(requestPath: string, fields: Record<string, string>) {
    return this.request('POST', requestPath, { type: 'application/x-www-form-urlencoded', data: Buffer.from(new URLSearchParams({ _csrf: this.csrf, ...fields }).toString()) });
  }

  postFiles(requestPath: string, files: Record<string, { name: string; type: string; content: Buffer }[]>) {
    const boundary = `----log-hygiene-${randomBytes(8).toString('hex')}`;
    const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${this.csrf}\r\n`)];
    for (const [field, list] of Object.entries(files)) {
      for (const file of list) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.request('POST', requestPath, { type: `multipart/form-data; boundary=${boundary}`, data: Buffer.concat(parts) });
  }
}

type PageInput = Record<string, string> | { files: Record<string, { name: string; type: string; content: Buffer }[]> };

/** Answers each page the site shows from `answers` until it sends the visitor to `stopAt`; returns that address. */
async function answerPages(visitor: Visitor, from: string, answers: Record<string, PageInput>, stopAt: string): Promise<string> {
  let location = from;
  for (let step = 0; step < 40; step++) {
    const pageId = location.split('?')[0].split('/').pop()!;
    if (pageId === stopAt) return location;
    const page = await visitor.get(location);
    if (page.status !== 200) throw new Error(`GET ${location} answered ${page.status}`);
    const input = answers[pageId] ?? (pageId === 'check-answers' ? {} : undefined);
    if (!input) throw new Error(`No answers for page ${pageId}`);
    const answered = 'files' in input && typeof input.files === 'object' ? await visitor.postFiles(location, input.files as never) : await visitor.post(location, input as Record<string, string>);
    if (answered.status !== 303 || !answered.location) throw new Error(`Page ${pageId} answered ${answered.status}: ${answered.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 400)}`);
    location = answered.location;
  }
  throw new Error(`${stopAt} was not reached`);
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const mailsTo = (address: string) => {
  const directory = path.join(dataDirectory, 'mail');
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
    .filter((mail) => mail.to === address)
    .sort((left, right) => left.sentAt.localeCompare(right.sentAt));
};

/** The secrets inside a cookie's value: the value, its signed or sealed parts, and the strings in a base64url JSON part. */
function secretsInCookie(raw: string): string[] {
  const value = decodeURIComponent(raw);
  const found = [raw, value];
  for (const part of value.split('.').filter((piece) => piece.length >= 16)) {
    found.push(part);
    try {
      const decoded = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
      for (const inner of Object.values(decoded)) if (typeof inner === 'string' && inner.length >= 16) found.push(inner);
    } catch {
      // Not JSON: a signature, or a sealed (encrypted) value.
    }
  }
  return found;
}

it('a public journey, a resume link, evidence, staff sign-in and tracking leave no token, code, link or personal data in any log line; every line names the app that wrote it', async () => {
  const running = stack!;
  const secrets = new Map<string, string>(); // the value -> what it is
  const secret = (what: string, ...values: (string | undefined | null)[]) => {
    for (const value of values) if (value) secrets.set(value, what);
  };
  secret('name', PERSON.fullName);
  secret('e-mail address', PERSON.email, encodeURIComponent(PERSON.email));
  secret('phone number', PERSON.phone, PERSON.phone.replace(/\s/g, ''));
  secret('address', PERSON.addressLine, PERSON.town, PERSON.postcode);
  secret('place', PLACE);
  secret('vehicle registration', REGISTRATION, REGISTRATION.replace(/\s/g, ''));
  secret('free text', WHAT_HAPPENED, REPLY, encodeURIComponent(REPLY));

  // --- The public: a dashcam report begun, saved for later with an address, resumed elsewhere, sent with a photo.
  const sharp = (await import('sharp')).default;
  const photo = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#a63' } }).png().toBuffer();
  const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600_000);
  const answers: Record<string, PageInput> = {
    emergency: { emergency: 'no' },
    'offence-type': { offenceType: 'mobile-phone' },
    'witness-statement': { willingToGiveStatement: 'yes' },
    involvement: { involvement: 'driver' },
    when: { 'offenceWhen-kind': 'exact', 'offenceWhen-day': String(threeDaysAgo.getDate()), 'offenceWhen-month': String(threeDaysAgo.getMonth() + 1), 'offenceWhen-year': String(threeDaysAgo.getFullYear()) },
    where: { 'offenceLocation-kind': 'description', 'offenceLocation-description': PLACE },
    vehicle: { vehicleRegistration: REGISTRATION, vehicleMake: 'Ford', vehicleColour: 'Silver' },
    'what-happened': { whatHappened: WHAT_HAPPENED },
    upload: { files: { footage: [{ name: `van-${run}.png`, type: 'image/png', content: photo }] } },
    unedited: { footageUnedited: 'yes' },
    'your-details': { fullName: PERSON.fullName, 'dateOfBirth-day': '12', 'dateOfBirth-month': '5', 'dateOfBirth-year': '1979', 'address-line1': PERSON.addressLine, 'address-town': PERSON.town, 'address-postcode': PERSON.postcode },
    'contact-details': { email: PERSON.email, phone: PERSON.phone },
    declaration: { confirm: 'yes' },
  };
  const first = new Visitor(running.webUrl);
  expect((await first.get(`/${SERVICE}`)).status).toBe(200);
  const started = await first.post(`/${SERVICE}/start`, {});
  await answerPages(first, started.location!, answers, 'upload');
  expect((await first.get(`/${SERVICE}/save`)).status).toBe(200);
  const saved = await first.post(`/${SERVICE}/save`, { email: PERSON.email });
  expect(saved.status).toBe(200);
  const resumeToken = /\/resume\/([A-Za-z0-9_-]{32,})/.exec(saved.text)?.[1];
  expect(resumeToken).toBeDefined();
  secret('resume token', resumeToken);
  // The link also goes by e-mail (the worker's delivery, with the address).
  const resumeMail = await eventually('the resume link was not e-mailed', async () => mailsTo(PERSON.email).find((mail) => mail.text.includes(resumeToken!)));
  expect(resumeMail.text).toContain(`/resume/${resumeToken}`);

  const second = new Visitor(running.webUrl);
  expect((await second.get(`/resume/${resumeToken}`)).status).toBe(200);
  const resumed = await second.post(`/resume/${resumeToken}`, {});
  expect(resumed).toMatchObject({ status: 303, location: `/${SERVICE}/upload` });
  const confirmation = await answerPages(second, resumed.location!, answers, 'confirmation');
  const confirmationPage = await second.get(confirmation);
  const reference = /class="fc-reference">([^<]+)</.exec(confirmationPage.text)?.[1];
  expect(reference).toMatch(/^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
  secret('reference', reference, reference!.replaceAll('-', ''));

  // --- Staff: sign in through the development provider (OIDC code, state, nonce), open the report, download the photo.
  const staff = new Visitor(running.webUrl);
  const begin = await staff.get('/staff/sign-in');
  expect(begin.status).toBe(303);
  let address = begin.location!;
  const authorization = new URL(address);
  secret('OIDC state', authorization.searchParams.get('state'));
  secret('OIDC nonce', authorization.searchParams.get('nonce'));
  secret('PKCE challenge', authorization.searchParams.get('code_challenge'));
  const providerCookies = new Map<string, string>();
  const provider = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...providerCookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      providerCookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return response;
  };
  let response = await provider(address);
  for (let hop = 0; hop < 10 && response.status >= 300 && response.status < 400; hop++) {
    address = new URL(response.headers.get('location')!, address).href;
    if (!address.startsWith(running.idp!.url)) break;
    response = await provider(address);
    if (response.status === 200) {
      const html = await response.text();
      const form = [...html.matchAll(/<form method="post" action="([^"]+)"><input type="hidden" name="username" value="([^"]+)">/g)].find(([, , name]) => name === 'northshire.handler1');
      if (!form) throw new Error('the sign-in page offers no northshire.handler1');
      response = await provider(new URL(form[1].replace(/&amp;/g, '&'), address).href, { method: 'POST', body: new URLSearchParams({ username: 'northshire.handler1' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
  }
  const callback = new URL(address);
  if (callback.pathname !== '/staff/callback') throw new Error(`sign-in stopped at ${address}: ${response.status} ${(await response.text()).slice(0, 500)}`);
  secret('OIDC code', callback.searchParams.get('code'));
  secret('OIDC state', callback.searchParams.get('state'));
  const landed = await staff.get(`${callback.pathname}${callback.search}`);
  expect(landed).toMatchObject({ status: 303, location: '/staff/queue' });
  const session = new StaffCookieSealer(running.config.session.secret).open<StaffSession>('session', 'northshire', staff.cookies.get('fc_staff'));
  expect(session?.accessToken).toBeDefined();
  secret('access token', session!.accessToken, session!.refreshToken, session!.idToken);
  for (const value of providerCookies.values()) if (value.length >= 16) secret('sign-in provider cookie', value);

  const reportPage = await eventually('the photo was not processed', async () => {
    const page = await staff.get(`/staff/reports/${reference}?reason=triage`);
    expect(page.status).toBe(200);
    return page.text.includes('/staff/evidence/') && page.text.includes('download') ? page.text : undefined;
  });
  const evidenceLinks = [...new Set([...reportPage.matchAll(/\/staff\/evidence\/([^"&]+)/g)].map(([, token]) => token))];
  expect(evidenceLinks.length).toBeGreaterThanOrEqual(1);
  for (const token of evidenceLinks) {
    secret('evidence link token', token, ...token.split('.'));
    const file = await staff.get(`/staff/evidence/${token}`);
    expect(file.status).toBe(200);
  }

  // --- The reporter tracks the report: reference, address, the e-mailed code; replies (once refused by the database).
  const tracker = new Visitor(running.webUrl);
  await tracker.get('/track');
  expect(await tracker.post('/track', { reference: reference!, email: PERSON.email })).toMatchObject({ status: 303, location: '/track/code' });
  const code = await eventually('no tracking code was e-mailed', async () => /Your code is (\d{6})/.exec(mailsTo(PERSON.email).map((mail) => mail.text).join('\n'))?.[1]);
  secret('tracking code', code);
  await tracker.get('/track/code');
  expect(await tracker.post('/track/code', { code })).toMatchObject({ status: 303, location: '/track/report' });
  expect((await tracker.get('/track/report')).status).toBe(200);

  const admin = running.database.urls.admin;
  await sqlOn(admin, 'REVOKE INSERT ON report_events FROM front_counter_app');
  let refused: Reply;
  try {
    refused = await tracker.post('/track/report/reply', { message: REPLY });
  } finally {
    await sqlOn(admin, 'GRANT INSERT ON report_events TO front_counter_app');
  }
  expect(refused.status).toBeGreaterThanOrEqual(500);
  expect(await tracker.post('/track/report/reply', { message: REPLY })).toMatchObject({ status: 303, location: '/track/report' });
  expect(await tracker.post('/track/sign-out', {})).toMatchObject({ status: 303, location: '/track/signed-out' });

  for (const visitor of [first, second, staff, tracker]) for (const value of visitor.cookieValues) for (const found of secretsInCookie(value)) if (found.length >= 16) secret('cookie', found);

  // The mail it sent, then the whole run to its end (shutdown's lines too).
  await eventually('the reporter\'s mail was not all sent', async () => (mailsTo(PERSON.email).length >= 3 ? true : undefined));
  await running.close();
  stack = undefined;
  logs.stop();

  // --- Nothing secret anywhere in what was written.
  const everything = logs.text();
  const leaks = [...secrets].filter(([value]) => (/^\d{6}$/.test(value) || /^[0-9A-Z]{9}$/.test(value) ? new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`).test(everything) : everything.includes(value)));
  const shown = leaks.map(([value, what]) => `${what}: ${everything.split('\n').find((line) => line.includes(value))?.slice(0, 600)}`);
  expect(shown).toEqual([]);
  expect(everything.toLowerCase()).not.toContain(PERSON.email.toLowerCase());

  // --- The request lines show route templates where a token was in the path.
  const lines = logs.lines();
  const requests = lines.filter((line) => line.msg === 'request');
  expect(requests).toContainEqual(expect.objectContaining({ app: 'web', method: 'GET', route: '/resume/:token', path: '/resume/:token', status: 200 }));
  expect(requests).toContainEqual(expect.objectContaining({ app: 'web', method: 'GET', route: '/staff/evidence/:token', path: '/staff/evidence/:token', status: 200 }));
  expect(requests).toContainEqual(expect.objectContaining({ app: 'api', method: 'GET', route: '/evidence/:token', path: '/evidence/:token', status: 200 }));
  expect(requests).toContainEqual(expect.objectContaining({ app: 'web', method: 'POST', route: '/:serviceId/:pageId', path: `/${SERVICE}/declaration` }));
  expect(requests).toContainEqual(expect.objectContaining({ app: 'api', method: 'POST', path: '/graphql' }));

  // --- Every line written while serving an api request says api; a web request, web; the worker's work, worker.
  const spansOf = (app: string) => new Set(requests.filter((line) => line.app === app).map((line) => line.spanId));
  const apiSpans = spansOf('api');
  const webSpans = spansOf('web');
  expect(apiSpans.size).toBeGreaterThan(10);
  expect(webSpans.size).toBeGreaterThan(10);
  const wrongApp = (line: LogLine) => {
    if (typeof line.spanId !== 'string') return false;
    if (apiSpans.has(line.spanId)) return line.app !== 'api';
    if (webSpans.has(line.spanId)) return line.app !== 'web';
    return line.app !== 'worker'; // a span no request made: the worker's delivery or processing under a report's trace
  };
  expect(lines.filter(wrongApp).map((line) => ({ app: line.app, msg: line.msg, context: line.context }))).toEqual([]);
  // The database's refusal was logged by Nest's exception handler, while serving the api's request, as the api's.
  const handled = lines.filter((line) => line.context === 'ExceptionsHandler');
  expect(handled.length).toBeGreaterThan(0);
  for (const line of handled) {
    expect(line).toMatchObject({ app: 'api', component: 'nest', level: 50, err: { message: expect.stringContaining('permission denied for table report_events') } });
    expect(apiSpans.has(line.spanId as string)).toBe(true);
  }
  // The worker's own rounds, outside any request, say worker.
  const rounds = lines.filter((line) => ['outbox delivered', 'evidence files scanned'].includes(line.msg as string));
  expect(rounds.length).toBeGreaterThan(0);
  expect(rounds.every((line) => line.app === 'worker')).toBe(true);
  // Nest's start-up lines are each app's own.
  const mapped = lines.filter((line) => line.context === 'RouterExplorer');
  expect(mapped.filter((line) => /\{\/evidence\/:token, GET\}/.test(String(line.msg))).map((line) => line.app)).toEqual(['api']);
  expect(mapped.filter((line) => /\{\/track, GET\}/.test(String(line.msg))).map((line) => line.app)).toEqual(['web']);
  // Every line carries an app, except the launcher's own.
  expect(lines.filter((line) => !line.app).map((line) => line.msg)).toEqual([]);
}, 240_000);
