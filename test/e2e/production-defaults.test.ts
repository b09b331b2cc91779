import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { freePort } from '@front-counter/config';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { getWithHost } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The apps' own entry points (what the image runs) started as an operator might, without NODE_ENV:
 * they are production, so nothing meant for a developer's machine is on. Only `npm start` turns the
 * development conveniences on (test/e2e/local-stacks.test.ts).
 */

interface Started {
  process: ChildProcess;
  output: () => string;
}

function start(entry: string, environment: Record<string, string>): Started {
  // Exactly these variables: in particular no NODE_ENV (Jest sets NODE_ENV=test in its own).
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { process: child, output: () => output };
}

async function answering(url: string, started: Started, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (started.process.exitCode !== null) throw new Error(`exited ${started.process.exitCode}:\n${started.output()}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s:\n${started.output()}`);
}

function stopped(started: Started | undefined): Promise<void> {
  if (!started || started.process.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    started.process.once('exit', () => resolve());
    started.process.kill('SIGTERM');
  });
}

const HOST = 'report.northshire.police.example';

describe('the apps\' entry points without NODE_ENV', () => {
  let database: TestDatabase;
  let api: Started;
  let web: Started;
  let webUrl: string;
  let apiUrl: string;
  let webMetrics: number;

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false });
    const sessionSecret = randomBytes(48).toString('base64');
    const [apiPort, apiMetrics, webPort] = [await freePort(), await freePort(), await freePort()];
    webMetrics = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    webUrl = `http://127.0.0.1:${webPort}`;
    api = start('dist/apps/api/src/main.js', { APP_DATABASE_URL: database.urls.app, SESSION_SECRET: sessionSecret, API_PORT: String(apiPort), API_HOST: '127.0.0.1', METRICS_PORT: String(apiMetrics), METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    await answering(`${apiUrl}/health/ready`, api);
    web = start('dist/apps/web/src/main.js', { SESSION_SECRET: sessionSecret, API_URL: apiUrl, PORT: String(webPort), HOST: '127.0.0.1', METRICS_PORT: String(webMetrics), METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    await answering(`${webUrl}/health/ready`, web);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([stopped(web), stopped(api)]);
    await database?.drop();
  }, 60_000);

  it('serve the force\'s site on its own domain, and nothing on <force>.localhost', async () => {
    const home = await getWithHost(webUrl, HOST);
    expect(home.status).toBe(200);
    expect(home.text).toContain('Northshire Police');
    expect((await getWithHost(webUrl, 'northshire.localhost')).status).toBe(404);
  });

  it('have no development mailbox', async () => {
    // /dev/mail is then just a path like any other: the journey routes send it to a service called "dev", which does not exist.
    const mailbox = await getWithHost(webUrl, HOST, '/dev/mail');
    expect(mailbox.text).not.toMatch(/Development mailbox/i);
    const end = mailbox.status === 303 ? await getWithHost(webUrl, HOST, mailbox.headers.get('location')!) : mailbox;
    expect(end.status).toBe(404);
    expect(end.text).not.toMatch(/Development mailbox/i);
  });

  it('have no development sign-in: a force with no issuer of its own (and no IDP_URL) has no staff sign-in', async () => {
    const answer = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-host': HOST },
      body: JSON.stringify({ query: '{ tenant { staffSignIn { issuer } } }' }),
    }).then((response) => response.json() as Promise<{ data: { tenant: { staffSignIn: { issuer: string | null } } } }>);
    expect(answer.data.tenant.staffSignIn.issuer).toBeNull();
    const signIn = await getWithHost(webUrl, HOST, '/staff/sign-in');
    expect(signIn.status).toBe(503);
    expect(signIn.headers.get('location')).toBeNull();
    expect(signIn.text).toContain('Staff sign-in is not available');
    expect(signIn.text).toContain('Staff sign-in has not been set up for this site yet.');
    // Nothing to try again: only the force's tenant data can fix it.
    expect(signIn.text).not.toContain('Try again');
  });

  it('hide the GraphQL schema', async () => {
    const answer = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { types { name } } }' }) }).then(
      (response) => response.json() as Promise<{ errors?: { message: string }[] }>,
    );
    expect(answer.errors?.[0].message).toMatch(/introspection/i);
  });

  it('serve metrics on their own port only', async () => {
    expect((await fetch(`http://127.0.0.1:${webMetrics}/metrics`)).status).toBe(200);
    expect((await getWithHost(webUrl, HOST, '/metrics')).text).not.toContain('front_counter_http_requests_total');
  });

  it.each([
    ['the development default', 'front-counter-development-session-secret-not-for-production', /SESSION_SECRET is the development default/],
    ['a placeholder', 'CHANGE-ME-openssl-rand-base64-48', /SESSION_SECRET is still a placeholder/],
    ['a short secret', 'short', /SESSION_SECRET must be at least 32 characters/],
  ])('refuse to start with %s, naming it', (_what, secret, message) => {
    const result = spawnSync(process.execPath, ['dist/apps/web/src/main.js'], { cwd: ROOT, env: { SESSION_SECRET: secret, API_URL: apiUrl, PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/^Invalid configuration:/);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(secret === 'short' ? '"short"' : secret);
  });
});

describe('the development mailbox', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ HOST: '0.0.0.0' });
  }, 120_000);
  afterAll(() => stack?.close());

  it('answers on loopback only, even when the site listens on every interface', async () => {
    const onLoopback = await getWithHost(stack.webUrl, 'northshire.localhost', '/dev/mail');
    expect(onLoopback.status).toBe(200);
    expect(onLoopback.text).toMatch(/Development mailbox/i);
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (!outside) {
      console.warn('Skipped the non-loopback half: this machine has no IPv4 address but loopback.');
      return;
    }
    const fromOutside = await getWithHost(`http://${outside.address}:${stack.webPort}`, 'northshire.localhost', '/dev/mail');
    expect(fromOutside.status).toBe(404);
    expect(fromOutside.text).not.toMatch(/Development mailbox/i);
  });
});
