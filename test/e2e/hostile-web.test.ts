import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mp4 } from '../support/media.js';
import { answerThroughApi, dashcamAnswers, submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Hostile input against the force sites over real HTTP, generated from the web's own route table:
 * every public route (journeys, tracking, home, sign-in pages, evidence links, assets) gets NUL and
 * lone surrogates in its path, query and body, broken escapes, bodies too large or with too many
 * fields, every kind of malformed multipart, and Hosts that are ambiguous. Each must answer a specific
 * 4xx with the bad-request page in English and Welsh (in the force's theme where the force is known),
 * never a 5xx, and leave nothing stored: no draft, answer, file, report or tracking row changes.
 */

const DYFFRYN = 'dyffryn.localhost';
const SERVICE = 'submit-dashcam-footage';

let stack: TestStack;
let dataDirectory: string;
const webLog: string[] = [];

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-hostile-web-'));
  chmodSync(dataDirectory, 0o755);
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      webLog.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  // Rate limits off: this suite sends hundreds of posts from one address on purpose. The forces do not
  // change while it runs, so they are looked up once, not on each of its requests.
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', RATE_LIMITS_ENABLED: 'false', TENANT_CACHE_SECONDS: '600', LOG_LEVEL: 'warn' }, logs);
});
afterAll(() => stack?.close());

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

// ---------------------------------------------------------------------------------------------
// Raw HTTP: exactly the bytes a hostile client sends (two Hosts, NUL in the path, a body cut off).

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

interface RawRequest {
  method: 'GET' | 'POST';
  target: string;
  headers?: [string, string][];
  body?: Buffer;
  /** Hosts sent as given (none, one, or several); DYFFRYN by default. */
  hosts?: string[];
  /** Send from this loopback address (127.0.0.2 is not a trusted proxy). */
  localAddress?: string;
}

function send(request: RawRequest): Promise<RawResponse> {
  const port = Number(new URL(stack.webUrl).port);
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    ...(request.hosts ?? [DYFFRYN]).map((host) => `Host: ${host}`),
    ...(request.headers ?? []).map(([name, value]) => `${name}: ${value}`),
    ...(request.body ? [`Content-Length: ${request.body.length}`] : []),
    'Connection: close',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: request.localAddress }, () => {
      socket.write(Buffer.from(head, 'latin1'));
      if (request.body) socket.write(request.body);
    });
    const finish = () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`No answer to ${request.method} ${request.target}: ${raw.toString('latin1').slice(0, 200)}`));
      const [statusLine, ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      let body: Buffer = raw.subarray(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: body.toString('utf8') });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', finish);
    // A server that answered before reading all of a refused body may reset the connection: the answer still counts.
    socket.on('error', () => (chunks.length ? finish() : reject(new Error(`Connection failed for ${request.method} ${request.target}`))));
    socket.setTimeout(30_000, () => socket.destroy(new Error(`${request.method} ${request.target} took over 30 s`)));
  });
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** A page's words: tags dropped, the entities Handlebars writes decoded. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

// ---------------------------------------------------------------------------------------------
// The route table, from the running web app: Nest's controllers, each checked as a Fastify route.

interface Route {
  method: 'GET' | 'POST';
  path: string;
}

function routeTable(app: NestFastifyApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const own = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (own === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        if (method !== 'GET' && method !== 'POST') continue;
        const joined = `/${[base, own].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
        routes.push({ method, path: joined });
      }
    }
  }
  return routes;
}

/** What the public reach without signing in: not the staff, administration, national or development pages (staff sign-in and evidence links excepted). */
const isPublic = (route: Route) =>
  !/^\/(admin|national|dev|health)(\/|$)/.test(route.path) && (!route.path.startsWith('/staff') || /^\/staff\/(sign-in|callback|signed-out|evidence\/:token)$/.test(route.path)) && !route.path.includes('*');

/** Real values for path parameters: the visitor's own journey and page, a file id, a token. */
const REAL_PARAMETERS: Record<string, string[]> = {
  serviceId: [SERVICE],
  pageId: ['upload', 'what-happened'],
  index: ['0'],
  fileId: ['7b0b4a1e-3c7d-4a3e-9f1a-2b6c8d9e0f12'],
  token: [randomBytes(32).toString('base64url')],
  file: ['0123456789ab.css'],
};

// ---------------------------------------------------------------------------------------------
// The kinds of hostile input, each with the refusal it must get.

type Problem = 'malformed-form' | 'too-many-files' | 'too-many-fields' | 'too-large' | 'invalid-characters' | 'invalid-address';

/** The sentence each problem shows, in both languages (from the message catalogues). */
const PROBLEM_TEXT: Record<Problem, { en: string; cy: string }> = {
  'malformed-form': { en: 'The form you sent could not be read.', cy: "Nid oedd modd darllen y ffurflen a anfonwyd gennych." },
  'too-many-files': { en: 'You sent more files at once than we can take. Send up to 20 files at a time.', cy: 'Anfonwch hyd at 20 ffeil ar y tro.' },
  'too-many-fields': { en: 'The form you sent has more fields than any of our pages.', cy: "Mae gan y ffurflen a anfonwyd gennych fwy o feysydd nag sydd gan unrhyw un o'n tudalennau." },
  'too-large': { en: 'What you sent is too large.', cy: "Mae'r hyn a anfonwyd gennych yn rhy fawr." },
  'invalid-characters': { en: 'What you sent contains characters we cannot accept', cy: "Mae'r hyn a anfonwyd gennych yn cynnwys nodau na allwn eu derbyn" },
  'invalid-address': { en: 'The web address, or the site name sent with it, is not valid.', cy: "Nid yw'r cyfeiriad gwe, na'r enw safle a anfonwyd gydag ef, yn ddilys." },
};

interface Hostile {
  kind: string;
  request: RawRequest;
  /** `themed`: in Dyffryn's theme, or plain (naming no force); shared assets may be either. */
  expected: { status: number; problem: Problem; themed: boolean | 'either' };
}

interface Visitor {
  cookie: string;
  csrf: string;
}

const typed = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((text) => !text.includes('\u0000'));
/** Percent-encoded text with NUL put somewhere in it. */
const encodedWithNul = fc.tuple(typed, fc.nat()).map(([text, at]) => {
  const encoded = encodeURIComponent(text);
  const position = at % (encoded.length + 1);
  const safe = encoded.slice(0, position).replace(/%[0-9A-F]?$/, '');
  return `${safe}%00${encoded.slice(safe.length)}`;
});
/** A UTF-16 surrogate half encoded as UTF-8 would encode it (CESU-8): bytes no UTF-8 decoder accepts. */
const encodedSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => `x${[0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('')}`);
/** `%` without two hex digits after it. */
const brokenEscape = fc.tuple(fc.constantFrom('%', '%E0%A4%A', '%zz', '%4', '%%41'), fc.stringMatching(/^[g-z]{0,5}$/)).map(([broken, tail]) => `a${broken}${tail}`);

const multipart = (boundary: string, parts: { name: string; value?: string; file?: { name: string; content: Buffer } }[], closing = true) =>
  Buffer.concat([
    ...parts.map((part) =>
      part.file
        ? Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.file.name}"\r\nContent-Type: video/mp4\r\n\r\n`), part.file.content, Buffer.from('\r\n')])
        : Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value ?? ''}\r\n`),
    ),
    Buffer.from(closing ? `--${boundary}--\r\n` : ''),
  ]);
const form = (contentType: string, body: Buffer | string): Pick<RawRequest, 'headers' | 'body'> => ({ headers: [['Content-Type', contentType]], body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1') });

/** Routes that read a multipart form themselves; any other answers such a form as malformed. */
const readsMultipart = (route: Route) => route.method === 'POST' && ['/:serviceId/:pageId', '/track/report/files'].includes(route.path);

/**
 * For one route (its path filled in), the generators of each kind of hostile request with the
 * refusal expected. `visitor` is a reporter part-way through the dashcam journey and tracking a
 * report, so forms reach the code that reads them for real.
 */
function hostileKinds(route: Route, values: Record<string, string>, visitor: Visitor): Record<string, fc.Arbitrary<Hostile>> {
  const params = Object.keys(values);
  const fill = (replaced?: { name: string; value: string }) => params.reduce((built, name) => built.replace(`:${name}`, name === replaced?.name ? replaced.value : encodeURIComponent(values[name])), route.path);
  const target = fill();
  const themed: boolean | 'either' = /^\/assets\/(css|govuk|site)\//.test(route.path) ? 'either' : true;
  const cookie: [string, string] = ['Cookie', visitor.cookie];
  const refusal = (problem: Problem, status = problem === 'too-large' ? 413 : 400) => ({ status, problem, themed });
  const hostile = (kind: string, request: RawRequest, problem: Problem, status?: number): Hostile => ({ kind, request: { ...request, headers: [cookie, ...(request.headers ?? [])] }, expected: refusal(problem, status) });
  // A hostile value in one of the route's parameters (in a segment of its own where it has none).
  const withParam = (value: string) => (params.length === 0 ? `${target}${target.endsWith('/') ? '' : '/'}${value}` : fill({ name: params[value.length % params.length], value }));
  const kinds: Record<string, fc.Arbitrary<Hostile>> = {
    'NUL in the query': encodedWithNul.map((value) => hostile('NUL in the query', { method: route.method, target: `${target}?q=${value}` }, 'invalid-characters')),
    'lone surrogate in the query': encodedSurrogate.map((value) => hostile('lone surrogate in the query', { method: route.method, target: `${target}?lang=${value}` }, 'invalid-characters')),
    'broken escape in the query': brokenEscape.map((value) => hostile('broken escape in the query', { method: route.method, target: `${target}?change=${value}` }, 'invalid-address')),
    'NUL in the path': encodedWithNul.map((value) => hostile('NUL in the path', { method: route.method, target: withParam(`p${value}`) }, 'invalid-characters')),
    'lone surrogate in the path': encodedSurrogate.map((value) => hostile('lone surrogate in the path', { method: route.method, target: withParam(value) }, 'invalid-characters')),
    'broken escape in the path': brokenEscape.map((value) => hostile('broken escape in the path', { method: route.method, target: withParam(value) }, 'invalid-address')),
    'two Host headers': fc.constantFrom('northshire.localhost', DYFFRYN, 'eastmarch.localhost').map((second) => ({ kind: 'two Host headers', request: { method: route.method, target, hosts: [DYFFRYN, second], headers: [cookie] }, expected: { status: 400, problem: 'invalid-address' as const, themed: false } })),
    'a Host with odd characters': fc.constantFrom('<script>', ' x', '@evil.example', '/x', '%2e', '\\', '"').map((odd) => ({ kind: 'a Host with odd characters', request: { method: route.method, target, hosts: [`dyffryn${odd}.localhost`], headers: [cookie] }, expected: { status: 400, problem: 'invalid-address' as const, themed: false } })),
    'a different X-Forwarded-Host from an untrusted client': fc.constantFrom('northshire.localhost', 'evil.example').map((forwarded) => ({
      kind: 'a different X-Forwarded-Host from an untrusted client',
      request: { method: route.method, target, localAddress: '127.0.0.2', headers: [cookie, ['X-Forwarded-Host', forwarded]] },
      expected: { status: 400, problem: 'invalid-address' as const, themed: false },
    })),
  };
  if (route.method === 'GET') return kinds;

  const urlencoded = (body: string) => form('application/x-www-form-urlencoded', body);
  const token = `_csrf=${encodeURIComponent(visitor.csrf)}`;
  Object.assign(kinds, {
    'NUL in a form field': encodedWithNul.map((value) => hostile('NUL in a form field', { method: 'POST', target, ...urlencoded(`${token}&whatHappened=${value}`) }, 'invalid-characters')),
    'lone surrogate in a form field': encodedSurrogate.map((value) => hostile('lone surrogate in a form field', { method: 'POST', target, ...urlencoded(`${token}&reference=${value}`) }, 'invalid-characters')),
    'lone surrogate in a JSON body': fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => hostile('lone surrogate in a JSON body', { method: 'POST', target, ...form('application/json', `{"_csrf":${JSON.stringify(visitor.csrf)},"message":"a\\u${code.toString(16)}b"}`) }, 'invalid-characters')),
    'broken escape in a form': brokenEscape.map((value) => hostile('broken escape in a form', { method: 'POST', target, ...urlencoded(`${token}&message=${value}`) }, 'malformed-form')),
    'the form token twice': fc.constant(hostile('the form token twice', { method: 'POST', target, ...urlencoded(`${token}&${token}&email=a%40example.com`) }, 'malformed-form')),
    'too many form fields': fc.integer({ min: 201, max: 10_000 }).map((count) => hostile('too many form fields', { method: 'POST', target, ...urlencoded(`${token}&${Array.from({ length: count }, (_, index) => `f${index}=x`).join('&')}`) }, 'too-many-fields')),
    'a form over the body limit': fc.integer({ min: 2 * 1024 * 1024 + 1, max: 3_000_000 }).map((size) => hostile('a form over the body limit', { method: 'POST', target, ...urlencoded(`${token}&message=${'a'.repeat(size)}`) }, 'too-large')),
  });

  // Multipart: what a route that reads it must say, and what every other route says (it takes none).
  const multipartProblem = (problem: Problem): Problem => (readsMultipart(route) ? problem : 'malformed-form');
  const boundary = fc.stringMatching(/^[A-Za-z0-9]{8,30}$/);
  const video = (name: string) => ({ name: 'footage', file: { name, content: mp4(2000) } });
  const files = (count: number) => Array.from({ length: count }, (_, index) => ({ ...video(`clip-${index}.mp4`), name: route.path.startsWith('/track') ? 'files' : 'footage' }));
  Object.assign(kinds, {
    'multipart without a boundary': fc.constant(hostile('multipart without a boundary', { method: 'POST', target, ...form('multipart/form-data', multipart('abc', [{ name: '_csrf', value: visitor.csrf }, ...files(1)])) }, multipartProblem('malformed-form'))),
    'multipart with the wrong boundary': fc.tuple(boundary, boundary).filter(([a, b]) => !a.includes(b) && !b.includes(a)).map(([declared, used]) =>
      hostile('multipart with the wrong boundary', { method: 'POST', target, ...form(`multipart/form-data; boundary=${declared}`, multipart(used, [{ name: '_csrf', value: visitor.csrf }, ...files(1)])) }, multipartProblem('malformed-form')),
    ),
    'multipart cut off': fc.tuple(boundary, fc.integer({ min: 1, max: 3 }), fc.double({ min: 0.05, max: 0.95, noNaN: true })).map(([mark, count, at]) => {
      const whole = multipart(mark, [{ name: '_csrf', value: visitor.csrf }, ...files(count)]);
      return hostile('multipart cut off', { method: 'POST', target, ...form(`multipart/form-data; boundary=${mark}`, whole.subarray(0, Math.floor(whole.length * at))) }, multipartProblem('malformed-form'));
    }),
    'multipart of random bytes': fc.tuple(boundary, fc.uint8Array({ minLength: 1, maxLength: 4000 })).map(([mark, noise]) => hostile('multipart of random bytes', { method: 'POST', target, ...form(`multipart/form-data; boundary=${mark}`, Buffer.from(noise)) }, multipartProblem('malformed-form'))),
    'multipart with too many fields': fc.tuple(boundary, fc.integer({ min: 201, max: 400 })).map(([mark, count]) =>
      hostile('multipart with too many fields', { method: 'POST', target, ...form(`multipart/form-data; boundary=${mark}`, multipart(mark, [{ name: '_csrf', value: visitor.csrf }, ...Array.from({ length: count }, (_, index) => ({ name: `f${index}`, value: 'x' }))])) }, multipartProblem('too-many-fields')),
    ),
    'NUL in a multipart field': fc.tuple(boundary, typed).map(([mark, text]) =>
      hostile('NUL in a multipart field', { method: 'POST', target, ...form(`multipart/form-data; boundary=${mark}`, multipart(mark, [{ name: '_csrf', value: visitor.csrf }, { name: 'whatHappened', value: `${text}\u0000` }])) }, multipartProblem('invalid-characters')),
    ),
  });
  kinds['multipart with too many files'] = fc.tuple(boundary, fc.integer({ min: 21, max: 30 })).map(([mark, count]) =>
    hostile('multipart with too many files', { method: 'POST', target, ...form(`multipart/form-data; boundary=${mark}`, multipart(mark, [{ name: '_csrf', value: visitor.csrf }, ...files(count)])) }, multipartProblem('too-many-files')),
  );
  return kinds;
}

function checkRefusal(hostile: Hostile, response: RawResponse, force = 'Dyffryn Police'): void {
  const where = `${hostile.kind}: ${hostile.request.method} ${hostile.request.target.slice(0, 120)}`;
  if (response.status >= 500) throw new Error(`${where} answered ${response.status}`);
  const text = textOf(response.text);
  const expected = hostile.expected;
  const problem = PROBLEM_TEXT[expected.problem];
  const seen = { status: response.status, html: /^text\/html/.test(response.headers['content-type'] ?? ''), english: text.includes('There is a problem with your request'), welsh: text.includes("Mae problem gyda'ch cais"), problemEn: text.includes(problem.en), problemCy: text.includes(problem.cy) };
  const wanted = { status: expected.status, html: true, english: true, welsh: true, problemEn: true, problemCy: true };
  if (JSON.stringify(seen) !== JSON.stringify(wanted)) throw new Error(`${where}: expected ${JSON.stringify(wanted)} (${expected.problem}), got ${JSON.stringify(seen)}: ${text.slice(0, 600)}`);
  if (expected.themed === true && !(response.text.includes('/assets/theme/') && text.includes(force))) throw new Error(`${where}: the page is not in ${force}'s theme`);
  if (expected.themed === false && response.text.includes('/assets/theme/')) throw new Error(`${where}: a force's theme for a request that names no force clearly`);
}

// ---------------------------------------------------------------------------------------------
// What is stored, before and after.

const walk = (directory: string): string[] => {
  try {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(directory, entry.name)) : [path.join(directory, entry.name)]));
  } catch {
    return [];
  }
};
const storedObjects = () => walk(path.join(dataDirectory, 'evidence')).sort();

async function storedState() {
  const [counts] = await sql(`
    SELECT (SELECT count(*) FROM drafts)::int AS drafts, (SELECT count(*) FROM evidence_files)::int AS evidence_files, (SELECT count(*) FROM reports)::int AS reports,
           (SELECT count(*) FROM report_events)::int AS report_events, (SELECT count(*) FROM tracking_codes)::int AS tracking_codes, (SELECT count(*) FROM tracking_sessions)::int AS tracking_sessions,
           (SELECT count(*) FROM outbox_events)::int AS outbox_events,
           (SELECT md5(coalesce(string_agg(id::text || answers::text, ',' ORDER BY id), '')) FROM drafts) AS draft_answers`);
  return { ...counts, objects: storedObjects() };
}

/** The same as `before` once uploads the web aborted have been cleaned up by the api (which may take a moment). */
async function expectNothingStored(before: Awaited<ReturnType<typeof storedState>>) {
  let after = await storedState();
  for (let attempt = 0; attempt < 50 && JSON.stringify(after) !== JSON.stringify(before); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await storedState();
  }
  expect(after).toEqual(before);
}

// ---------------------------------------------------------------------------------------------
// A visitor part-way through the dashcam journey (at its upload page) and tracking a report.

const sessionHash = (token: string) => createHash('sha256').update(token).digest('hex');

async function signedCookie(value: string): Promise<string> {
  const { sign } = (await import('@fastify/cookie')).default;
  return encodeURIComponent(sign(value, stack.config.session.secret));
}

/** Cookies from a response, merged into a jar. */
function keepCookies(jar: Map<string, string>, response: RawResponse & { setCookies?: string[] }) {
  for (const cookie of response.setCookies ?? []) {
    const [pair] = cookie.split(';');
    jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
  }
}

/** A plain browser-like request with a cookie jar (for setting up the visitor). */
async function browse(jar: Map<string, string>, method: 'GET' | 'POST', target: string, fields?: Record<string, string>) {
  const body = fields ? Buffer.from(new URLSearchParams(fields).toString()) : undefined;
  const headers: [string, string][] = [['Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; ')]];
  if (body) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  const response = await sendKeepingCookies({ method, target, headers, body });
  keepCookies(jar, response);
  return response;
}

/** `send`, also returning every Set-Cookie (which `send` folds into one header). */
async function sendKeepingCookies(request: RawRequest): Promise<RawResponse & { setCookies: string[] }> {
  const port = Number(new URL(stack.webUrl).port);
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: DYFFRYN, ...Object.fromEntries(request.headers ?? []) };
    if (request.body) headers['content-length'] = String(request.body.length);
    const outgoing = http.request({ host: '127.0.0.1', port, path: request.target, method: request.method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value ?? '')])),
          text: Buffer.concat(chunks).toString('utf8'),
          setCookies: response.headers['set-cookie'] ?? [],
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

async function deliverOutbox() {
  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();
}

async function latestCode(address: string): Promise<string> {
  await deliverOutbox();
  const directory = path.join(dataDirectory, 'mail');
  const mails = readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; sentAt: string })
    .filter((mail) => mail.to === address && /code|cod/.test(mail.subject))
    .sort((left, right) => left.sentAt.localeCompare(right.sentAt));
  const code = /(?:Your code is|Eich cod yw) (\d{6})/.exec(mails.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error(`No tracking code was e-mailed to ${address}`);
  return code;
}

/** A reporter at the dashcam journey's upload page who is also tracking a report they sent before. */
async function hostileVisitor(): Promise<Visitor & { session: string; jar: Map<string, string> }> {
  const { session } = await answerThroughApi(stack.apiUrl, DYFFRYN, SERVICE, dashcamAnswers(), 'upload');
  const jar = new Map([['fc_session', await signedCookie(session)]]);
  const page = await browse(jar, 'GET', `/${SERVICE}/upload`);
  expect(page.status).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];

  const email = `tracker-${randomBytes(4).toString('hex')}@example.com`;
  const { reference } = await submitThroughApi(stack.apiUrl, DYFFRYN, 'report-a-crime', theftAnswers({ email }));
  const start = await browse(jar, 'GET', '/track');
  const trackCsrf = /name="_csrf" value="([^"]+)"/.exec(start.text)![1];
  expect((await browse(jar, 'POST', '/track', { _csrf: trackCsrf, reference, email })).headers.location).toBe('/track/code');
  const codePage = await browse(jar, 'GET', '/track/code');
  const codeCsrf = /name="_csrf" value="([^"]+)"/.exec(codePage.text)![1];
  expect((await browse(jar, 'POST', '/track/code', { _csrf: codeCsrf, code: await latestCode(email) })).headers.location).toBe('/track/report');
  expect((await browse(jar, 'GET', '/track/report')).status).toBe(200);
  // One form token serves both: the journey's pages and tracking's are checked separately, so a
  // hostile form carries the journey's (which tracking refuses) unless a test says otherwise.
  return { session, jar, csrf, cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
}

const draftFiles = async (session: string) =>
  (await sql(`SELECT e.original_name AS name FROM evidence_files e JOIN drafts d ON d.id = e.submission_id WHERE d.session_hash = $1 ORDER BY e.created_at`, [sessionHash(session)])).map((row) => row.name as string);

// ---------------------------------------------------------------------------------------------

describe('hostile input to the force site', () => {
  let routes: Route[];
  let visitor: Awaited<ReturnType<typeof hostileVisitor>>;

  beforeAll(async () => {
    routes = routeTable(stack.web).filter(isPublic);
    visitor = await hostileVisitor();
  });

  it('finds the public routes in the running app, each one a Fastify route', () => {
    const fastify = stack.web.getHttpAdapter().getInstance();
    for (const route of routes) expect({ ...route, registered: fastify.hasRoute({ method: route.method, url: route.path }) }).toEqual({ ...route, registered: true });
    const names = routes.map((route) => `${route.method} ${route.path}`);
    for (const expected of ['GET /', 'GET /privacy', 'GET /:serviceId', 'POST /:serviceId/start', 'GET /:serviceId/:pageId', 'POST /:serviceId/:pageId', 'POST /:serviceId/:pageId/files/:fileId/remove', 'GET /resume/:token', 'POST /track', 'POST /track/code', 'POST /track/report/files', 'GET /staff/sign-in', 'GET /staff/evidence/:token']) {
      expect(names).toContain(expected);
    }
    expect(names.filter((name) => /\/(admin|national)\b/.test(name))).toEqual([]);
  });

  it('answers every kind on every public route with a specific 4xx page in both languages, never a 5xx, and stores nothing', async () => {
    const before = await storedState();
    const sent: Record<string, number> = {};
    for (const route of routes) {
      const params = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
      const realValues = fc.record(Object.fromEntries(params.map((name) => [name, fc.constantFrom(...(REAL_PARAMETERS[name] ?? ['x']))])) as Record<string, fc.Arbitrary<string>>);
      const requests = realValues.chain((values) => fc.oneof(...Object.values(hostileKinds(route, values, visitor))));
      const kinds = Object.keys(hostileKinds(route, Object.fromEntries(params.map((name) => [name, 'x'])), visitor)).length;
      await fc.assert(
        fc.asyncProperty(requests, async (hostile) => {
          checkRefusal(hostile, await send(hostile.request));
          sent[hostile.kind] = (sent[hostile.kind] ?? 0) + 1;
        }),
        { numRuns: kinds * 2, endOnFailure: true },
      );
    }
    // Every kind was sent (to many routes each), and the site logged no failure of its own.
    expect(Object.keys(sent).length).toBeGreaterThanOrEqual(21);
    expect(Math.min(...Object.values(sent))).toBeGreaterThan(0);
    expect(webLog.filter((line) => /"app":"web"/.test(line) && /"level":(5|6)0/.test(line))).toEqual([]);
    await expectNothingStored(before);
    // The reporter's journey carries on as before: the upload page, no files, nothing answered by the attacks.
    expect(await draftFiles(visitor.session)).toEqual([]);
  }, 170_000);

  it('takes the files of a 25-file form off the draft again, keeping the one sent before, and says why', async () => {
    const boundary = `hostile${randomBytes(6).toString('hex')}`;
    const body = (count: number, prefix: string) =>
      multipart(boundary, [{ name: '_csrf', value: visitor.csrf }, ...Array.from({ length: count }, (_, index) => ({ name: 'footage', file: { name: `${prefix}-${index}.mp4`, content: mp4(3000 + index) } }))]);
    const headers: [string, string][] = [['Cookie', visitor.cookie], ['Content-Type', `multipart/form-data; boundary=${boundary}`]];
    const kept = await send({ method: 'POST', target: `/${SERVICE}/upload`, headers, body: body(1, 'kept') });
    expect(kept.status).toBe(303);
    expect(await draftFiles(visitor.session)).toEqual(['kept-0.mp4']);

    const before = await storedState();
    const [{ last }] = await sql(`SELECT coalesce(max(id), 0) AS last FROM audit_events`);
    const flood = await send({ method: 'POST', target: `/${SERVICE}/upload`, headers, body: body(25, 'flood') });
    checkRefusal({ kind: '25 files', request: { method: 'POST', target: `/${SERVICE}/upload` }, expected: { status: 400, problem: 'too-many-files', themed: true } }, flood);
    expect(textOf(flood.text)).toContain('Nothing you sent with this request has been kept.');
    // Four more were stored (the question takes five) and taken off again; the earlier file stays.
    expect(await draftFiles(visitor.session)).toEqual(['kept-0.mp4']);
    await expectNothingStored(before);
    const audit = await sql(`SELECT action, count(*)::int AS n FROM audit_events WHERE id > $1 AND action IN ('evidence.uploaded', 'evidence.removed') GROUP BY action ORDER BY action`, [last]);
    expect(audit).toEqual([
      { action: 'evidence.removed', n: 4 },
      { action: 'evidence.uploaded', n: 4 },
    ]);

    // From the page's upload script the same refusal comes back as where to go, and the page then says it at the question.
    const scripted = await sendKeepingCookies({ method: 'POST', target: `/${SERVICE}/upload`, headers: [...headers, ['X-FC-Upload', '1']], body: body(22, 'script') });
    expect([scripted.status, JSON.parse(scripted.text)]).toEqual([400, { location: `/${SERVICE}/upload` }]);
    const flash = scripted.setCookies.find((cookie) => cookie.startsWith('fc_upload_errors='))!.split(';')[0];
    const shown = await send({ method: 'GET', target: `/${SERVICE}/upload`, headers: [['Cookie', `${visitor.cookie}; ${flash}`]] });
    expect(shown.status).toBe(200);
    expect(textOf(shown.text)).toContain('You sent more files at once than we can take. Send up to 20 files at a time.');
    expect(await draftFiles(visitor.session)).toEqual(['kept-0.mp4']);
  });

  it('aborts a file on its way to the api when the form is cut off part-way through it, and keeps nothing of it', async () => {
    const before = await storedState();
    const boundary = `cut${randomBytes(6).toString('hex')}`;
    // Big enough that the web is still sending it on when the end of the form (without its closing boundary) arrives.
    const whole = multipart(boundary, [{ name: '_csrf', value: visitor.csrf }, { name: 'footage', file: { name: 'long.mp4', content: mp4(6 * 1024 * 1024) } }], false);
    const cut = await send({ method: 'POST', target: `/${SERVICE}/upload`, headers: [['Cookie', visitor.cookie], ['Content-Type', `multipart/form-data; boundary=${boundary}`]], body: whole.subarray(0, whole.length - 1000) });
    checkRefusal({ kind: 'cut off', request: { method: 'POST', target: `/${SERVICE}/upload` }, expected: { status: 400, problem: 'malformed-form', themed: true } }, cut);
    await expectNothingStored(before);
    expect(webLog.filter((line) => /"app":"web"/.test(line) && /disturbed or locked|"level":50/.test(line))).toEqual([]);
  });

  it('refuses a list where a page takes one answer, and multipart on a page without a file question', async () => {
    const before = await storedState();
    const list = await send({ method: 'POST', target: `/${SERVICE}/what-happened`, headers: [['Cookie', visitor.cookie], ['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(new URLSearchParams([['_csrf', visitor.csrf], ['whatHappened', 'one'], ['whatHappened', 'two']]).toString()) });
    checkRefusal({ kind: 'a list', request: { method: 'POST', target: `/${SERVICE}/what-happened` }, expected: { status: 400, problem: 'malformed-form', themed: true } }, list);
    const boundary = 'notafilepage';
    const wellFormed = await send({ method: 'POST', target: `/${SERVICE}/what-happened`, headers: [['Cookie', visitor.cookie], ['Content-Type', `multipart/form-data; boundary=${boundary}`]], body: multipart(boundary, [{ name: '_csrf', value: visitor.csrf }, { name: 'whatHappened', value: 'A driver on the phone' }]) });
    checkRefusal({ kind: 'multipart to a page without files', request: { method: 'POST', target: `/${SERVICE}/what-happened` }, expected: { status: 400, problem: 'malformed-form', themed: true } }, wellFormed);
    await expectNothingStored(before);
  });

  it('shows the page in Welsh first for a reader of Welsh, and in both languages on a force that offers only English', async () => {
    const welsh = await send({ method: 'GET', target: '/track?q=%00', headers: [['Cookie', 'fc_lang=cy']] });
    expect(welsh.status).toBe(400);
    expect(welsh.text).toMatch(/<html lang="cy"/);
    expect(textOf(/<h1[^>]*>[^<]*<\/h1>/.exec(welsh.text)![0]).trim()).toBe("Mae problem gyda'ch cais");
    const english = await send({ method: 'GET', target: '/track?q=%00', hosts: ['northshire.localhost'] });
    checkRefusal({ kind: 'English-only force', request: { method: 'GET', target: '/track?q=%00' }, expected: { status: 400, problem: 'invalid-characters', themed: true } }, english, 'Northshire Police');
  });

  it('takes a different X-Forwarded-Host from a trusted proxy as before: the Host decides the force', async () => {
    const proxied = await send({ method: 'GET', target: '/', headers: [['X-Forwarded-Host', 'northshire.localhost']] });
    expect(proxied.status).toBe(200);
    expect(textOf(proxied.text)).toContain('Dyffryn Police');
    const sameFromAnywhere = await send({ method: 'GET', target: '/', localAddress: '127.0.0.2', headers: [['X-Forwarded-Host', DYFFRYN]] });
    expect(sameFromAnywhere.status).toBe(200);
  });

  it('refuses 25 files added to a report through tracking and keeps none of them, though the api had taken ten', async () => {
    const trackCsrf = /name="_csrf" value="([^"]+)"/.exec((await browse(visitor.jar, 'GET', '/track/report')).text)![1];
    const before = await sql(`SELECT (SELECT count(*) FROM evidence_files WHERE source = 'tracking')::int AS files, (SELECT count(*) FROM report_events WHERE kind = 'evidence-added')::int AS steps`);
    const objectsBefore = storedObjects();
    const boundary = `track${randomBytes(6).toString('hex')}`;
    const body = multipart(boundary, [{ name: '_csrf', value: trackCsrf }, ...Array.from({ length: 25 }, (_, index) => ({ name: 'files', file: { name: `added-${index}.mp4`, content: mp4(2000 + index) } }))]);
    const response = await send({ method: 'POST', target: '/track/report/files', headers: [['Cookie', [...visitor.jar].map(([name, value]) => `${name}=${value}`).join('; ')], ['Content-Type', `multipart/form-data; boundary=${boundary}`]], body });
    checkRefusal({ kind: '25 files through tracking', request: { method: 'POST', target: '/track/report/files' }, expected: { status: 400, problem: 'too-many-files', themed: true } }, response);
    expect(textOf(response.text)).toContain('Nothing you sent with this request has been kept.');
    expect(await sql(`SELECT (SELECT count(*) FROM evidence_files WHERE source = 'tracking')::int AS files, (SELECT count(*) FROM report_events WHERE kind = 'evidence-added')::int AS steps`)).toEqual(before);
    expect(storedObjects()).toEqual(objectsBefore);
  });
});
