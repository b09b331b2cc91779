import { Writable } from 'node:stream';
import { getWithHost } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
const logLines: string[] = [];

beforeAll(async () => {
  const logs = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  stack = await startTestStack({ LOG_LEVEL: 'info' }, logs);
});
afterAll(() => stack?.close());

/** A request to the force sites as a browser on `host` would make it. */
const visit = (host: string, path = '/', headers: Record<string, string> = {}) => getWithHost(stack.webUrl, host, path, headers);

const themeOf = (html: string) => /href="(\/assets\/theme\/[0-9a-f]{12}\.css)"/.exec(html)?.[1];

describe('force sites', () => {
  it('serves each force its own home page, name and theme by Host', async () => {
    const northshire = await visit('northshire.localhost:3000');
    expect(northshire.status).toBe(200);
    expect(northshire.text).toContain('<title>Northshire Police</title>');
    expect(northshire.text).toContain('Report to Northshire Police online');
    expect(northshire.text).toContain('We aim to look at every report within 45 minutes and reply within 48 hours.');

    const eastmarch = await visit('report.eastmarch.police.example');
    expect(eastmarch.text).toContain('Report to Eastmarch Constabulary online');
    expect(eastmarch.text).toContain('within 60 minutes and reply within 72 hours');
    expect(eastmarch.text).not.toContain('Northshire');

    const northshireTheme = await visit('northshire.localhost', themeOf(northshire.text));
    expect(northshireTheme.headers.get('content-type')).toMatch(/text\/css/);
    expect(northshireTheme.text).toMatch(/--govuk-brand-colour: ?#003a70;/);
    expect(northshireTheme.headers.get('cache-control')).toContain('immutable');
    expect((await visit('eastmarch.localhost', themeOf(eastmarch.text))).text).toMatch(/--govuk-brand-colour: ?#4a1a5c;/);
  });

  it('does not use the GOV.UK typeface or crown', async () => {
    const page = await visit('northshire.localhost');
    const base = await visit('northshire.localhost', /href="(\/assets\/css\/[0-9a-f]{12}\.css)"/.exec(page.text)?.[1]);
    expect(base.status).toBe(200);
    expect(base.text).toContain('.govuk-body');
    expect(base.text).not.toContain('GDS Transport');
    expect(page.text).not.toContain('govuk-header__logotype');
    expect(page.text).not.toContain('crown');
  });

  it('serves a force logo as an image under a CSP that forbids scripts', async () => {
    const page = await visit('eastmarch.localhost');
    const logo = /src="(\/assets\/logo\/[0-9a-f]{12}\.svg)"/.exec(page.text)?.[1];
    const response = await visit('eastmarch.localhost', logo);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await visit('northshire.localhost')).text).not.toContain('/assets/logo/');
  });

  it('shows an unknown host the 404 page that names no force, in English and Welsh', async () => {
    const response = await visit('report.nowhere.example');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page not found');
    expect(response.text).toContain('lang="cy"');
    for (const force of ['Northshire', 'Eastmarch', 'Dyffryn']) expect(response.text).not.toContain(force);
    expect((await visit('127.0.0.1')).status).toBe(404);
  });

  it('shows a themed 404 for an unknown page of a known force', async () => {
    const response = await visit('northshire.localhost', '/no-such-page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page not found');
    expect(response.text).toContain('Northshire Police');
  });

  it('serves a bilingual force in Welsh when asked, remembers the choice, and offers the switch', async () => {
    const welsh = await visit('dyffryn.localhost', '/?lang=cy');
    expect(welsh.text).toContain('<html lang="cy"');
    expect(welsh.text).toContain('Heddlu Dyffryn');
    expect(welsh.text).toContain('Mewn argyfwng, ffoniwch 999');
    expect(welsh.text).toContain('hreflang="en"');
    const cookie = welsh.headers.get('set-cookie');
    expect(cookie).toMatch(/^fc_lang=cy; Path=\/; .*HttpOnly/);

    const remembered = await visit('dyffryn.localhost', '/accessibility', { cookie: 'fc_lang=cy' });
    expect(remembered.text).toContain('<html lang="cy"');
    expect((await visit('dyffryn.localhost', '/', { 'accept-language': 'cy-GB,cy;q=0.9,en;q=0.5' })).text).toContain('<html lang="cy"');
    expect((await visit('dyffryn.localhost')).text).toContain('<html lang="en"');
  });

  it('ignores a language the force does not publish in and offers no switch', async () => {
    const response = await visit('northshire.localhost', '/?lang=cy');
    expect(response.text).toContain('<html lang="en"');
    expect(response.text).not.toContain('fc-language-switch');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('has Quick exit, the emergency notice and the footer pages on every page', async () => {
    for (const path of ['/', '/accessibility', '/privacy']) {
      const page = await visit('northshire.localhost', path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('govuk-js-exit-this-page-button');
      expect(page.text).toContain('href="https://www.bbc.co.uk/weather"');
      expect(page.text).toContain('In an emergency, call 999');
      expect(page.text).toContain('href="/accessibility"');
      expect(page.text).toContain('Non-emergency: 101');
    }
    expect((await visit('northshire.localhost', '/accessibility')).text).toContain('Accessibility statement for Northshire Police online reporting');
    expect((await visit('northshire.localhost', '/privacy')).text).toContain('Privacy notice: Northshire Police online reporting');
  });

  it('sends security headers: CSP without unsafe-inline, HSTS, nosniff, no framing, no-store on pages', async () => {
    const { headers } = await visit('northshire.localhost');
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves inline-free markup: no inline scripts, styles or event handlers', async () => {
    const { text } = await visit('dyffryn.localhost');
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(text).not.toMatch(/<style/);
    expect(text).not.toMatch(/\son[a-z]+=/);
    expect(text).not.toMatch(/\sstyle=/);
  });

  it('answers malformed requests with a page, never a framework error', async () => {
    const badUrl = await visit('northshire.localhost', '/%');
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('content-type')).toMatch(/text\/html/);
    expect(badUrl.text).toContain('There is a problem with your request');
    expect(badUrl.text).not.toContain('FST_');
    const missingAsset = await visit('northshire.localhost', '/assets/css/000000000000.css');
    expect(missingAsset.status).toBe(404);
  });

  it('never turns the request path into a link to another site', async () => {
    const page = await visit('dyffryn.localhost', '//evil.example');
    expect(page.text).not.toContain('evil.example');
  });

  it('reports health without a force host', async () => {
    expect((await visit('127.0.0.1', '/health/live')).status).toBe(200);
    expect(JSON.parse((await visit('127.0.0.1', '/health/ready')).text)).toEqual({ status: 'ok', api: 'ok' });
  });

  it('logs each request as structured JSON with its request id and force, and nothing personal', async () => {
    const requestId = 'test-request-0123456789';
    await visit('northshire.localhost', '/privacy?email=someone%40example.com&phone=07700900123', { 'x-request-id': requestId, cookie: 'session=secret-value' });
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === requestId);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ app: 'web', msg: 'request', tenant: 'northshire', path: '/privacy', status: 200, method: 'GET' }),
        // The web passed its request id to the api, so both halves of one page view share it.
        expect.objectContaining({ app: 'api', msg: 'request', tenant: 'northshire', path: '/graphql' }),
      ]),
    );
    const everything = logLines.join('\n');
    expect(everything).not.toContain('someone');
    expect(everything).not.toContain('07700900123');
    expect(everything).not.toContain('secret-value');
  });
});
