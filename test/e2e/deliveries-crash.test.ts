import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { ensureBuilt } from '../support/built-app.js';
import { startHttpsReceiver, type TestHttpsReceiver } from '../support/https-receiver.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { watchProcess, type WatchedProcess } from '../support/watched-process.js';

// The worker killed (kill -9) in the middle of deliveries, as a process of its own the way it runs
// in production: nothing is lost, and what was sent twice went with the same webhook-id.

const REPORTS = 12;
let receiver: TestHttpsReceiver;
let stack: TestStack;
let dataDirectory: string;
let caFile: string;
const workers: WatchedProcess[] = [];

beforeAll(async () => {
  await ensureBuilt();
  // A slow records system: it takes each delivery, then answers 400 ms later, so a worker can die in between.
  receiver = await startHttpsReceiver({ forces: ['northshire'], answerAfterMs: 400 });
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-crash-'));
  caFile = path.join(dataDirectory, 'receiver-ca.pem');
  writeFileSync(caFile, receiver.ca);
  stack = await startTestStack({ DATA_DIR: dataDirectory });
  // The stack's own worker stands aside: the workers here are processes of their own.
  await stack.worker.get(JobWorker).pause();
}, 300_000);
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await stack?.close();
  await receiver?.close();
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `node dist/apps/worker/src/main.js` (as the image runs it) with the environment its Deployment gives it (the app role's connection only). */
async function startWorker(): Promise<{ process: ReturnType<typeof spawn>; watched: WatchedProcess }> {
  const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      APP_DATABASE_URL: stack.database.urls.app,
      DATA_DIR: dataDirectory,
      METRICS_PORT: String(await freePort()),
      OUTBOX_POLL_MS: '200',
      JOB_MAINTENANCE_SECONDS: '2',
      DELIVERY_CA_FILE: caFile,
      NORTHSHIRE_RECORDS_URL: `${receiver.url}/northshire`,
      NORTHSHIRE_RECORDS_SECRET: receiver.secrets.northshire as string,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchProcess(child, 20_000);
  workers.push(watched);
  return { process: child, watched };
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs: number, watched?: WatchedProcess): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}${watched ? `; the worker printed:\n${watched.output()}` : ''}`);
    if (watched?.exit()) throw new Error(`The worker ${watched.exit()} while waiting for ${what}:\n${watched.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('loses nothing when the worker is killed in the middle of deliveries, and repeats a delivery only with its webhook-id', async () => {
  const references: string[] = [];
  for (let index = 0; index < REPORTS; index++) references.push((await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers())).reference);

  const first = await startWorker();
  const arrived = () => new Set(receiver.received().map((entry) => entry.reference)).size;
  await until(() => arrived() >= 3, 'the first deliveries', 60_000, first.watched);
  first.process.kill('SIGKILL');
  await until(() => first.watched.exit() !== undefined, 'the killed worker to end', 10_000);
  expect(first.watched.exit()).toBe('exited with SIGKILL');
  expect(arrived()).toBeLessThan(REPORTS); // killed part-way
  // The jobs it held stay active until their expiry (two minutes for a delivery): here, time passes.
  const held = await sql(`UPDATE pgboss.job SET expire_in = interval '1 second' WHERE state = 'active' AND name IN ('outbox', 'delivery') RETURNING id`);
  expect(held.length).toBeGreaterThan(0);

  const second = await startWorker();
  const delivered = async () => (await sql(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`))[0].n as number;
  await until(async () => (await delivered()) === REPORTS, 'every delivery', 90_000, second.watched).catch(async (error: Error) => {
    const jobs = await sql(`SELECT name, state, count(*)::int AS n, max(retry_count) AS retries, min(start_after) AS next FROM pgboss.job WHERE name IN ('outbox', 'delivery') GROUP BY 1, 2`);
    const rows = await sql(`SELECT status, attempts, last_error FROM deliveries`);
    throw new Error(`${error.message}\njobs: ${JSON.stringify(jobs)}\ndeliveries: ${JSON.stringify(rows)}\nreceived: ${receiver.received().length}`);
  });

  // Nothing lost: every report's event was fanned out once and reached the receiver, which said 200.
  expect(await sql(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'report.submitted' AND delivered_at IS NULL`)).toEqual([{ n: 0 }]);
  expect(await sql(`SELECT count(*)::int AS n FROM deliveries`)).toEqual([{ n: REPORTS }]);
  const received = receiver.received();
  for (const reference of references) expect(received.filter((entry) => entry.reference === reference && entry.status === 200).length).toBeGreaterThanOrEqual(1);
  // Any repeat went with the webhook-id of the delivery it repeats, so the receiver could drop it.
  const idsByReference = new Map<string, Set<string>>();
  for (const entry of received) idsByReference.set(entry.reference!, (idsByReference.get(entry.reference!) ?? new Set()).add(entry.id!));
  for (const reference of references) expect(idsByReference.get(reference)!.size).toBe(1);
  const ids = await sql(`SELECT d.message_id, r.reference FROM deliveries d JOIN reports r ON r.id = d.report_id`);
  for (const row of ids) expect([...idsByReference.get(row.reference)!]).toEqual([row.message_id]);
  expect(received.filter((entry) => entry.duplicate).every((entry) => received.some((other) => other.id === entry.id && !other.duplicate))).toBe(true);
}, 240_000);
