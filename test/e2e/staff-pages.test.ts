import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { formatReference } from '@front-counter/reports';
import { seededRealms } from '../../apps/idp/src/seeded-users.js';
import { StaffEvents } from '../../apps/web/src/staff/staff-events.js';
import { StaffCookieSealer, type StaffSession } from '../../apps/web/src/staff/staff-session.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The staff pages over HTTP, signing in through the development provider's page as a browser
 * without JavaScript would: redirects followed by hand, cookies kept per site and path.
 */

const HOST = 'northshire.localhost';
const IDLE_MINUTES = 5;
let stack: TestStack;
let sealer: StaffCookieSealer;
/** Places a few kilometres apart, so no two reports are possible duplicates unless a test wants them to be. */
let places = 0;
const placeInNorthshire = () => ({ latitude: 54.35, longitude: -2.1 + 0.03 * places++ });

beforeAll(async () => {
  stack = await startTestStack({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'front-counter-staff-')), STAFF_IDLE_MINUTES: String(IDLE_MINUTES), OUTBOX_POLL_MS: '60000' });
  sealer = new StaffCookieSealer(stack.config.session.secret);
});
afterAll(() => stack?.close());

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
const submit = (where = placeInNorthshire()) => submitThroughApi(stack.apiUrl, HOST, 'report-a-crime', theftAnswers({ where }));
const names = new Map(
  seededRealms([{ slug: 'northshire', name: { en: 'Northshire Police' }, domains: [], identity: { realm: 'northshire', audience: 'front-counter' } }], { audience: 'front-counter' })[0].users.map((user) => [user.username, user.name]),
);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  location?: string;
}

/** A browser's cookie store, by name and path, for one site or the provider. */
class Cookies {
  readonly values = new Map<string, { name: string; value: string; path: string; raw: string }>();

  header(pathname: string): string {
    return [...this.values.values()]
      .filter((cookie) => pathname === cookie.path || pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  store(setCookies: string[]) {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const cookiePath = attributes.find((attribute) => /^path=/i.test(attribute))?.slice(5) ?? '/';
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0/i.test(header)) this.values.delete(`${name} ${cookiePath}`);
      else this.values.set(`${name} ${cookiePath}`, { name, value, path: cookiePath, raw: header });
    }
  }

  get(name: string) {
    return [...this.values.values()].find((cookie) => cookie.name === name);
  }

  set(name: string, value: string, cookiePath = '/') {
    this.values.set(`${name} ${cookiePath}`, { name, value, path: cookiePath, raw: `${name}=${value}` });
  }
}

/** A member of staff's browser: the force site by its Host header, the provider by its address. */
class StaffBrowser {
  readonly site = new Cookies();
  private readonly provider = new Cookies();
  csrf = '';

  constructor(readonly host = HOST) {}

  /** The force whose site this is (`<slug>.localhost`). */
  get force(): string {
    return this.host.split('.')[0];
  }

  request(method: 'GET' | 'POST', pathAndQuery: string, options: { form?: Record<string, string | string[]>; headers?: Record<string, string>; withToken?: boolean } = {}): Promise<Reply> {
    const base = new URL(stack.webUrl);
    const form = new URLSearchParams();
    if (method === 'POST' && options.withToken !== false) form.append('_csrf', this.csrf);
    for (const [name, value] of Object.entries(options.form ?? {})) for (const item of [value].flat()) form.append(name, item);
    const body = method === 'POST' ? form.toString() : undefined;
    const headers: Record<string, string | number> = { host: this.host, ...options.headers };
    const cookie = this.site.header(pathAndQuery.split('?')[0]);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) });
    return new Promise((resolve, reject) => {
      const request = http.request({ hostname: base.hostname, port: base.port, path: pathAndQuery, method, headers }, (response) => {
        this.site.store(response.headers['set-cookie'] ?? []);
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, location: response.headers.location });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  get(pathAndQuery: string, headers: Record<string, string> = {}) {
    return this.request('GET', pathAndQuery, { headers });
  }

  post(pathAndQuery: string, form: Record<string, string | string[]> = {}, options: { withToken?: boolean } = {}) {
    return this.request('POST', pathAndQuery, { form, ...options });
  }

  private async providerFetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.provider.header(new URL(url).pathname);
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    this.provider.store(response.headers.getSetCookie());
    return response;
  }

  /** Through the provider's sign-in page, as `username`; returns where the site sends them afterwards. */
  async signIn(username: string, start = '/staff/sign-in'): Promise<Reply> {
    const begin = await this.get(start);
    expect(begin.status).toBe(303);
    let address = begin.location!;
    expect(address.startsWith(`${stack.idp!.url}/realms/${this.force}/protocol/openid-connect/auth?`)).toBe(true);
    let response = await this.providerFetch(address);
    for (let hop = 0; hop < 10 && response.status === 303; hop++) {
      address = new URL(response.headers.get('location')!, address).href;
      if (!address.startsWith(stack.idp!.url)) break;
      response = await this.providerFetch(address);
      if (response.status === 200) {
        const html = await response.text();
        const form = [...html.matchAll(/<form method="post" action="([^"]+)"><input type="hidden" name="username" value="([^"]+)">/g)].find(([, , name]) => name === username);
        if (!form) throw new Error(`no "Sign in as" button for ${username}`);
        response = await this.providerFetch(new URL(form[1].replace(/&amp;/g, '&'), address).href, {
          method: 'POST',
          body: new URLSearchParams({ username }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      }
    }
    const callback = new URL(address);
    expect(`${callback.host}${callback.pathname}`).toBe(`${this.host}/staff/callback`);
    return this.get(`${callback.pathname}${callback.search}`);
  }

  get session(): StaffSession | null {
    return sealer.open<StaffSession>('session', this.force, this.site.get('fc_staff')?.value);
  }

  set session(session: StaffSession) {
    this.site.set('fc_staff', sealer.seal('session', this.force, session));
  }
}

async function signedIn(username = 'northshire.handler1'): Promise<StaffBrowser> {
  const browser = new StaffBrowser();
  const landed = await browser.signIn(username);
  expect(landed).toMatchObject({ status: 303, location: '/staff/queue' });
  return browser;
}

const reason = 'reason=triage';
const reportPath = (reference: string, query = reason) => `/staff/reports/${formatReference(reference)}${query ? `?${query}` : ''}`;
/** The page's markup with Handlebars's entity escapes undone (it writes `=` in attributes as `&#x3D;`). */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const visibleText = (html: string) => decoded(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const reportRow = async (reference: string) => (await sql(`SELECT * FROM reports WHERE reference = $1`, [reference]))[0];

describe('signing in', () => {
  it('shows a signed-out visitor a sign-in page, never indexed or cached, and sends other staff pages there', async () => {
    const browser = new StaffBrowser();
    const start = await browser.get('/staff');
    expect(start.status).toBe(200);
    expect(start.headers['cache-control']).toBe('no-store');
    expect(start.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(start.text).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(start.text).toMatch(/<a href="\/staff\/sign-in"[^>]*>\s*Sign in/);
    expect(start.text).not.toContain('Quick exit');
    const queue = await browser.get('/staff/queue?queue=tdiu');
    expect(queue).toMatchObject({ status: 303, location: `/staff?returnTo=${encodeURIComponent('/staff/queue?queue=tdiu')}` });
  });

  it('signs a call handler in through the provider with PKCE, state and nonce, into an encrypted http-only cookie', async () => {
    const browser = new StaffBrowser();
    const begin = await browser.get('/staff/sign-in');
    const authorization = new URL(begin.location!);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: 'front-counter-staff',
      response_type: 'code',
      redirect_uri: `http://${HOST}/staff/callback`,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
      scope: 'openid profile email',
    });
    expect(browser.site.get('fc_staff_sign_in')?.raw).toMatch(/Path=\/staff; .*HttpOnly; SameSite=Lax/);

    const landed = await new StaffBrowser().signIn('northshire.handler1');
    expect(landed).toMatchObject({ status: 303, location: '/staff/queue' });
    const fresh = await signedIn('northshire.handler1');
    const cookie = fresh.site.get('fc_staff')!;
    // The session serves /staff and /admin; the sign-in cookie above only /staff.
    expect(cookie.raw).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie.raw).not.toMatch(/Secure/);
    expect(cookie.raw.length).toBeLessThan(3900);
    // Encrypted: neither the tokens nor the name can be read from it.
    expect(cookie.value).not.toMatch(/eyJ/);
    expect(Buffer.from(cookie.value.slice(3), 'base64url').toString('latin1')).not.toContain(names.get('northshire.handler1'));
    const session = fresh.session!;
    // The provider's tokens are small enough to keep the ID token too (for sign-out's id_token_hint).
    expect(session).toMatchObject({ name: names.get('northshire.handler1'), roles: ['call-handler'], csrf: expect.stringMatching(/^[\w-]{43}$/), refreshToken: expect.any(String), idToken: expect.any(String) });
    expect(decodeJwt(session.accessToken)).toMatchObject({ preferred_username: 'northshire.handler1' });
    // The sign-in cookie is spent.
    expect(fresh.site.get('fc_staff_sign_in')).toBeUndefined();

    const queue = await fresh.get('/staff/queue');
    expect(queue.status).toBe(200);
    expect(visibleText(queue.text)).toContain(`Signed in as ${names.get('northshire.handler1')} (Call handler)`);
    expect(queue.text).toMatch(/<form method="post" action="\/staff\/sign-out"/);
    expect(queue.text).not.toContain('/staff/breaches');
    expect(queue.text).toContain('<script type="module" src="/assets/site/staff.js"></script>');
  });

  it('marks its cookies Secure and returns to https behind a TLS-terminating proxy', async () => {
    const browser = new StaffBrowser();
    const begin = await browser.get('/staff/sign-in', { 'x-forwarded-proto': 'https' });
    expect(new URL(begin.location!).searchParams.get('redirect_uri')).toBe(`https://${HOST}/staff/callback`);
    const cookie = browser.site.get('__Secure-fc_staff_sign_in');
    expect(cookie?.raw).toMatch(/; Max-Age=600; Path=\/staff; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('returns to the page asked for, and sends a signed-in member on from /staff', async () => {
    const browser = new StaffBrowser();
    const landed = await browser.signIn('northshire.handler2', `/staff/sign-in?returnTo=${encodeURIComponent('/staff/queue?queue=tdiu')}`);
    expect(landed.location).toBe('/staff/queue?queue=tdiu');
    await expect(browser.get('/staff')).resolves.toMatchObject({ status: 303, location: '/staff/queue' });
    // Never off the site.
    const elsewhere = await new StaffBrowser().signIn('northshire.handler2', `/staff/sign-in?returnTo=${encodeURIComponent('//evil.example/staff/x')}`);
    expect(elsewhere.location).toBe('/staff/queue');
  });

  it('refuses a callback without its sign-in cookie or with another state', async () => {
    const browser = new StaffBrowser();
    const refused = await browser.get('/staff/callback?code=abc&state=forged');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('You could not be signed in');
    expect(browser.site.get('fc_staff')).toBeUndefined();
  });

  it('sends a force administrator to administration, where the queue is not theirs', async () => {
    const browser = new StaffBrowser();
    const landed = await browser.signIn('northshire.admin');
    expect(landed).toMatchObject({ status: 303, location: '/admin' });
    const queue = await browser.get('/staff/queue');
    expect(queue.status).toBe(404);
    expect(decoded(queue.text)).toContain('href="/admin"');
    expect(visibleText(queue.text)).not.toContain('Deadlines at risk');
  });
});

describe('the session cookie', () => {
  it('is refused when changed, and is good only on the site of the force it was made for', async () => {
    const browser = await signedIn();
    const original = browser.site.get('fc_staff')!.value;
    const tampered = `${original.slice(0, 20)}${original[20] === 'A' ? 'B' : 'A'}${original.slice(21)}`;
    browser.site.set('fc_staff', tampered);
    const refused = await browser.get('/staff/queue');
    expect(refused).toMatchObject({ status: 303, location: `/staff?returnTo=${encodeURIComponent('/staff/queue')}` });
    expect(browser.site.get('fc_staff')).toBeUndefined();

    const elsewhere = new StaffBrowser('eastmarch.localhost');
    elsewhere.site.set('fc_staff', original);
    await expect(elsewhere.get('/staff/queue')).resolves.toMatchObject({ status: 303, location: expect.stringMatching(/^\/staff\?returnTo=/) });
  });

  it(`ends after ${IDLE_MINUTES} idle minutes (STAFF_IDLE_MINUTES) with a "signed out" page, and keeps going while used`, async () => {
    const browser = await signedIn();
    const session = browser.session!;
    browser.session = { ...session, lastSeenAt: Date.now() - (IDLE_MINUTES - 1) * 60_000 };
    const before = Date.now();
    await expect(browser.get('/staff/queue')).resolves.toMatchObject({ status: 200 });
    expect(browser.session!.lastSeenAt).toBeGreaterThanOrEqual(before);

    browser.session = { ...browser.session!, lastSeenAt: Date.now() - (IDLE_MINUTES + 1) * 60_000 };
    const ended = await browser.get('/staff/reports/7KQ-2MX-9P4?reason=triage');
    expect(ended.status).toBe(303);
    expect(ended.location).toMatch(/^\/staff\/signed-out\?why=idle&returnTo=/);
    expect(browser.site.get('fc_staff')).toBeUndefined();
    const page = await browser.get(ended.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You have been signed out');
    expect(page.text).toContain(`had not used the staff pages for ${IDLE_MINUTES} minutes`);
    expect(decoded(page.text)).toContain(`href="/staff/sign-in?returnTo=${encodeURIComponent('/staff/reports/7KQ-2MX-9P4?reason=triage')}"`);
  });

  it('ends after the absolute limit however busy the member is', async () => {
    const browser = await signedIn();
    browser.session = { ...browser.session!, createdAt: Date.now() - 10 * 3_600_000 - 1000 };
    const ended = await browser.get('/staff/queue');
    expect(ended.location).toMatch(/^\/staff\/signed-out\?why=absolute/);
  });

  it('does not count live refreshes of the queue as activity', async () => {
    const browser = await signedIn();
    const idleSince = Date.now() - 60_000;
    browser.session = { ...browser.session!, lastSeenAt: idleSince };
    await expect(browser.get('/staff/queue', { 'x-staff-live': '1' })).resolves.toMatchObject({ status: 200 });
    expect(browser.session!.lastSeenAt).toBe(idleSince);
  });

  it('refreshes an expired access token with the refresh token, and one the api refuses', async () => {
    const browser = await signedIn();
    const first = browser.session!;
    browser.session = { ...first, accessExpiresAt: Date.now() - 1000 };
    await expect(browser.get('/staff/queue')).resolves.toMatchObject({ status: 200 });
    const second = browser.session!;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toEqual(expect.any(String));

    // Not expired by our clock, but refused by the api: refreshed once, then used.
    browser.session = { ...second, accessToken: `${second.accessToken.slice(0, -4)}AAAA` };
    await expect(browser.get('/staff/queue')).resolves.toMatchObject({ status: 200 });
    expect(browser.session!.accessToken).not.toContain('AAAA');
  });

  it('refreshes once for requests that arrive together (the provider would take a reused refresh token as stolen)', async () => {
    const browser = await signedIn();
    browser.session = { ...browser.session!, accessExpiresAt: Date.now() - 1000 };
    const cookie = browser.site.get('fc_staff')!.value;
    const together = await Promise.all(
      [0, 1, 2].map(() => {
        const tab = new StaffBrowser();
        tab.site.set('fc_staff', cookie);
        return tab.get('/staff/queue').then((reply) => ({ reply, session: tab.session }));
      }),
    );
    expect(together.map(({ reply }) => reply.status)).toEqual([200, 200, 200]);
    expect(new Set(together.map(({ session }) => session!.refreshToken)).size).toBe(1);
  });

  it('ends the session when the refresh token is refused', async () => {
    const browser = await signedIn();
    browser.session = { ...browser.session!, accessExpiresAt: Date.now() - 1000, refreshToken: 'not-a-refresh-token' };
    const ended = await browser.get('/staff/queue');
    expect(ended.location).toMatch(/^\/staff\/signed-out\?why=ended/);
    expect(browser.site.get('fc_staff')).toBeUndefined();
  });
});

describe('the queue', () => {
  it('lists a report submitted through the public api, with its service, queue, priority and time left', async () => {
    const { reference } = await submit({ latitude: 54.35, longitude: -2.0 });
    const browser = await signedIn();
    const queue = await browser.get('/staff/queue');
    expect(queue.status).toBe(200);
    const row = new RegExp(`<a class="govuk-link" href="/staff/reports/${formatReference(reference)}">${formatReference(reference)}</a>[\\s\\S]*?</tr>`).exec(queue.text)?.[0];
    expect(row).toBeDefined();
    const text = visibleText(row!);
    expect(text).toContain('Report a crime');
    expect(text).toMatch(/tdiu \d (4[0-5]) min left Awaiting triage/);
    expect(text).toContain('—');
    // The counts link to each queue.
    expect(decoded(queue.text)).toMatch(/<a class="govuk-link govuk-!-font-weight-bold" href="\/staff\/queue\?queue=tdiu">tdiu<\/a>/);
    // Filters are a GET form; an unknown queue lists nothing.
    const filtered = await browser.get('/staff/queue?queue=control-room');
    expect(filtered.text).not.toContain(formatReference(reference));
    expect(filtered.text).toMatch(/<details class="govuk-details" open>/);
  });

  it('marks a late report and pages through long queues', async () => {
    const { reference } = await submit();
    await sql(`UPDATE reports SET triage_by = now() - interval '7 minutes' WHERE reference = $1`, [reference]);
    const browser = await signedIn();
    const queue = await browser.get('/staff/queue');
    expect(queue.text).toMatch(new RegExp(`${formatReference(reference)}</a>[\\s\\S]*?<strong class="govuk-tag govuk-tag--red">Late by [78] min</strong>`));
    const none = await browser.get('/staff/queue?page=7');
    expect(none.text).toContain('No reports match these filters.');
  });

  it('shows deadlines at risk to supervisors only: a call handler gets the same page as a missing one', async () => {
    const { reference } = await submit();
    await sql(`UPDATE reports SET triage_by = now() + interval '10 minutes' WHERE reference = $1`, [reference]);
    const supervisor = await signedIn('northshire.supervisor');
    const queue = await supervisor.get('/staff/queue');
    expect(queue.text).toContain('href="/staff/breaches"');
    const breaches = await supervisor.get('/staff/breaches');
    expect(breaches.status).toBe(200);
    expect(visibleText(breaches.text)).toMatch(new RegExp(`${formatReference(reference)} Report a crime tdiu \\d Due in (9|10) min`));

    const handler = await signedIn();
    const refused = await handler.get('/staff/breaches');
    const missing = await handler.get('/staff/no-such-page');
    expect(refused.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(refused.text).toContain('Page not found');
    expect(refused.text).toBe(missing.text);
  });
});

describe('a report', () => {
  it('asks why it is being opened, then shows it, recording the reason in the audit trail', async () => {
    const { reference } = await submit({ latitude: 54.35, longitude: -2.0 });
    const browser = await signedIn();
    const ask = await browser.get(reportPath(reference, ''));
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Why are you opening this report?');
    for (const label of ['Triage it', 'The reporter contacted us', 'Supervisor review', 'Other']) expect(ask.text).toContain(label);
    expect(ask.text).toMatch(/<form method="get" action="\/staff\/reports\/[\w-]+"/);

    const noDetails = await browser.get(reportPath(reference, 'reason=other&details='));
    expect(noDetails.status).toBe(400);
    expect(noDetails.text).toContain('Enter the reason you are opening this report');

    const before = await sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'report.read'`);
    const shown = await browser.get(reportPath(reference, 'reason=other&details=Checking+a+linked+call'));
    expect(shown.status).toBe(200);
    const text = visibleText(shown.text);
    expect(text).toContain(`Report ${formatReference(reference)}`);
    expect(text).toContain('Sam Reporter');
    expect(text).toContain('sam@example.com');
    expect(text).toContain('54.35, -2');
    expect(text).toContain('Routing rule Other crime');
    // The answers, labelled by the form and formatted as the reporter saw them.
    expect(text).toContain('A blue Raleigh bicycle');
    expect(text).toContain('My bicycle was taken from the rack while I was inside the library.');
    expect(text).toMatch(/Submitted .* Reporter|Submitted/);
    const reads = await sql(`SELECT reason, actor_id, details FROM audit_events WHERE action = 'report.read' ORDER BY id DESC LIMIT 1`);
    expect(await sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'report.read'`)).toEqual([{ n: before[0].n + 1 }]);
    expect(reads[0]).toMatchObject({ reason: 'Other: Checking a linked call', actor_id: browser.session!.subject });
  });

  it('shows the records system’s reference (crime or incident number) in its summary once the force’s records system has answered one', async () => {
    const { reference } = await submit();
    const browser = await signedIn();
    expect(visibleText((await browser.get(reportPath(reference))).text)).not.toContain('Records system reference');
    // As the delivery worker records it when the records system answers (see deliveries.test.ts).
    await sql(`UPDATE reports SET external_reference = $2 WHERE reference = $1`, [reference, 'NS/2026/004217']);
    const shown = await browser.get(reportPath(reference));
    expect(shown.status).toBe(200);
    const summary = visibleText(shown.text.slice(shown.text.indexOf('govuk-summary-list'), shown.text.indexOf('</dl>')));
    expect(summary).toContain('Records system reference NS/2026/004217');
  });

  it('is claimed, assessed and decided on through its forms, each answered by a redirect and a banner', async () => {
    const { reference } = await submit();
    const browser = await signedIn();
    await browser.get(reportPath(reference));

    // Without the form's token nothing happens.
    const forged = await browser.post(`/staff/reports/${formatReference(reference)}/claim`, { reason: 'triage' }, { withToken: false });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('Your form could not be sent');
    expect((await reportRow(reference)).claimed_by).toBeNull();

    const claimed = await browser.post(`/staff/reports/${formatReference(reference)}/claim`, { reason: 'triage' });
    expect(claimed).toMatchObject({ status: 303, location: reportPath(reference) });
    const afterClaim = await browser.get(claimed.location!);
    expect(afterClaim.text).toContain(`You have claimed report ${formatReference(reference)}.`);
    expect(afterClaim.text).toContain('You are working on this report.');
    expect((await reportRow(reference)).claimed_by).toBe(browser.session!.subject);
    // The banner is shown once.
    expect((await browser.get(claimed.location!)).text).not.toContain('You have claimed report');

    // A decision that needs THRIVE first: the api's message, the typed values kept.
    const early = await browser.post(`/staff/reports/${formatReference(reference)}/decide`, { reason: 'triage', decision: 'CLOSE', closeReason: 'advice-given', messageToReporter: 'We have given advice.' });
    expect(early.status).toBe(409);
    expect(early.text).toContain('There is a problem');
    expect(early.text).toContain('Record the THRIVE assessment before this decision.');
    expect(early.text).toContain('We have given advice.</textarea>');
    expect(early.text).toMatch(/value="advice-given" selected/);

    // THRIVE with a missing note: the field's error, and what was typed.
    const thrive: Record<string, string> = { reason: 'triage' };
    for (const part of ['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement']) Object.assign(thrive, { [`thrive-${part}-level`]: 'LOW', [`thrive-${part}-note`]: `No ${part} concerns.` });
    const incomplete = await browser.post(`/staff/reports/${formatReference(reference)}/thrive`, { ...thrive, 'thrive-harm-note': '' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.text).toContain('<a href="#thrive-harm-note">Enter a note on harm</a>');
    expect(incomplete.text).toContain('No threat concerns.</textarea>');
    const recorded = await browser.post(`/staff/reports/${formatReference(reference)}/thrive`, { ...thrive, 'thrive-harm-level': 'MEDIUM' });
    expect(recorded.status).toBe(303);
    const afterThrive = await browser.get(recorded.location!);
    expect(afterThrive.text).toContain('THRIVE assessment recorded.');
    expect(afterThrive.text).toMatch(/name="thrive-harm-level" type="radio" value="MEDIUM" checked/);
    expect((await reportRow(reference)).thrive).toMatchObject({ harm: { level: 'medium', note: 'No harm concerns.' } });

    const noMessage = await browser.post(`/staff/reports/${formatReference(reference)}/decide`, { reason: 'triage', decision: 'ALLOCATE', unit: '', messageToReporter: ' ' });
    expect(noMessage.status).toBe(400);
    expect(noMessage.text).toContain('<a href="#unit">Enter the investigation unit</a>');
    expect(noMessage.text).toContain('<a href="#messageToReporter">Enter a message for the reporter</a>');

    const decided = await browser.post(`/staff/reports/${formatReference(reference)}/decide`, {
      reason: 'triage',
      decision: 'REQUEST_INFORMATION',
      messageToReporter: 'Please tell us the frame number of the bicycle.',
      note: 'Check the marketplace listings.',
    });
    expect(decided).toMatchObject({ status: 303, location: reportPath(reference) });
    const afterDecision = await browser.get(decided.location!);
    expect(afterDecision.text).toContain('Decision recorded: ask the reporter for more information.');
    expect(visibleText(afterDecision.text)).toContain('More information requested');
    expect(visibleText(afterDecision.text)).toContain('Please tell us the frame number of the bicycle.');
    expect(await reportRow(reference)).toMatchObject({ status: 'awaiting-reporter', claimed_by: null });
  });

  it('lets a supervisor take over, and transfers a report with a banner on the queue', async () => {
    const { reference } = await submit();
    const handler = await signedIn('northshire.handler2');
    await handler.get(reportPath(reference));
    await handler.post(`/staff/reports/${formatReference(reference)}/claim`, { reason: 'triage' });

    const supervisor = await signedIn('northshire.supervisor');
    const page = await supervisor.get(reportPath(reference, 'reason=supervisor-review'));
    expect(visibleText(page.text)).toContain(`${names.get('northshire.handler2')} is working on this report.`);
    expect(page.text).toContain('Take over');
    const taken = await supervisor.post(`/staff/reports/${formatReference(reference)}/claim`, { reason: 'supervisor-review', takeOver: 'yes' });
    expect(taken.location).toBe(reportPath(reference, 'reason=supervisor-review'));
    expect((await supervisor.get(taken.location!)).text).toContain(`You have taken over report ${formatReference(reference)}.`);

    const transferred = await supervisor.post(`/staff/reports/${formatReference(reference)}/decide`, {
      reason: 'supervisor-review',
      decision: 'TRANSFER',
      toForce: 'eastmarch',
      messageToReporter: 'Eastmarch Constabulary will look into this.',
    });
    expect(transferred).toMatchObject({ status: 303, location: '/staff/queue' });
    const queue = await supervisor.get('/staff/queue');
    expect(queue.text).toContain(`Report ${formatReference(reference)} transferred to Eastmarch Constabulary`);
    // Gone from this force: the same "page not found" as any missing page.
    const gone = await supervisor.get(reportPath(reference));
    expect(gone.status).toBe(404);
    // Eastmarch's call handlers see where it came from.
    const eastmarch = new StaffBrowser('eastmarch.localhost');
    await expect(eastmarch.signIn('eastmarch.handler1')).resolves.toMatchObject({ status: 303, location: '/staff/queue' });
    const theirs = await eastmarch.get('/staff/queue');
    expect(visibleText(theirs.text)).toContain(`${formatReference(reference)} Transferred from Northshire Police`);
  });

  it('confirms or dismisses a possible duplicate', async () => {
    const place = placeInNorthshire();
    const first = await submit(place);
    const second = await submit(place);
    const [link] = await sql(`SELECT d.id FROM report_duplicates d JOIN reports r ON r.id = d.report_id WHERE r.reference = $1`, [second.reference]);
    expect(link).toBeDefined();
    const browser = await signedIn();
    const page = await browser.get(reportPath(second.reference));
    expect(page.text).toContain(`action="/staff/reports/${formatReference(second.reference)}/duplicates/${link.id}"`);
    expect(visibleText(page.text)).toContain(formatReference(first.reference));
    const dismissed = await browser.post(`/staff/reports/${formatReference(second.reference)}/duplicates/${link.id}`, { reason: 'triage', decision: 'dismiss' });
    expect(dismissed.status).toBe(303);
    expect((await browser.get(dismissed.location!)).text).toContain(`Possible duplicate ${formatReference(first.reference)} dismissed.`);
    expect((await sql(`SELECT status FROM report_duplicates WHERE id = $1`, [link.id]))[0].status).toBe('dismissed');
  });
});

describe('live updates', () => {
  it('streams a change to the force’s reports as Server-Sent Events', async () => {
    const browser = await signedIn();
    const base = new URL(stack.webUrl);
    const received: string[] = [];
    let response: http.IncomingMessage | undefined;
    const request = http.get({ hostname: base.hostname, port: base.port, path: '/staff/events', headers: { host: HOST, cookie: browser.site.header('/staff/events') } }, (incoming) => {
      response = incoming;
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => received.push(chunk));
    });
    request.on('error', () => undefined);
    try {
      const waitFor = async (predicate: () => boolean) => {
        for (let attempt = 0; attempt < 100 && !predicate(); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
        return predicate();
      };
      await expect(waitFor(() => received.join('').includes('event: ready'))).resolves.toBe(true);
      expect(response?.statusCode).toBe(200);
      expect(response?.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(response?.headers['cache-control']).toBe('no-store');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { reference } = await submit();
      const { id } = await reportRow(reference);
      await expect(waitFor(() => received.join('').includes(id))).resolves.toBe(true);
      expect(received.join('')).toContain(`data: {"reportId":"${id}","kind":"submitted"}`);
      expect(stack.web.get(StaffEvents).openStreams).toBe(1);
    } finally {
      request.destroy();
    }
    // The browser went away: the stream and its connection to the api are closed.
    for (let attempt = 0; attempt < 50 && stack.web.get(StaffEvents).openStreams > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stack.web.get(StaffEvents).openStreams).toBe(0);
  });

  it('answers 401 without a session, so the browser stops trying, leaving an ended session for the page to explain', async () => {
    await expect(new StaffBrowser().get('/staff/events')).resolves.toMatchObject({ status: 401 });
    const browser = await signedIn();
    browser.session = { ...browser.session!, lastSeenAt: Date.now() - (IDLE_MINUTES + 1) * 60_000 };
    await expect(browser.get('/staff/events')).resolves.toMatchObject({ status: 401 });
    expect(browser.site.get('fc_staff')).toBeDefined();
    await expect(browser.get('/staff/queue', { 'x-staff-live': '1' })).resolves.toMatchObject({ status: 303, location: expect.stringMatching(/^\/staff\/signed-out\?why=idle/) });
  });
});

describe('signing out', () => {
  it('needs the form’s token, clears the cookie and goes on to the provider’s end-session page, which returns to /staff/signed-out', async () => {
    const browser = await signedIn();
    await browser.get('/staff/queue');
    const forged = await browser.post('/staff/sign-out', {}, { withToken: false });
    expect(forged.status).toBe(403);
    expect(browser.site.get('fc_staff')).toBeDefined();

    const idToken = browser.session!.idToken;
    const out = await browser.post('/staff/sign-out');
    // A page that goes on to the provider at once: the staff pages' CSP (form-action 'self') would block a redirect.
    expect(out.status).toBe(200);
    const refresh = /<meta http-equiv="refresh" content="0; url=([^"]+)">/.exec(decoded(out.text))?.[1];
    expect(decoded(out.text)).toContain(`<a class="govuk-link" href="${refresh}">Continue to sign out of the sign-in service</a>`);
    const endSession = new URL(refresh!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${stack.idp!.url}/realms/northshire/protocol/openid-connect/logout`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`http://${HOST}/staff/signed-out`);
    expect(endSession.searchParams.get('client_id')).toBe('front-counter-staff');
    expect(endSession.searchParams.get('id_token_hint')).toBe(idToken);
    expect(browser.site.get('fc_staff')).toBeUndefined();
    const page = await browser.get('/staff/signed-out');
    expect(page.text).toContain('You have been signed out');
    expect(page.text).toContain('You have signed out of the staff pages.');
  });
});
