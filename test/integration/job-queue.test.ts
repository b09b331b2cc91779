import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TenantTransactions } from '@front-counter/database';
import { enqueue, OUTBOX_MAX_ATTEMPTS } from '@front-counter/outbox';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// Jobs on pg-boss: enqueued with the change that causes them or not at all, retried with back-off,
// dead-lettered when every attempt failed, and events written before the queue existed are not lost.

/** A loopback port nothing listens on: every e-mail this stack sends fails to connect. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let stack: TestStack;
let tenantId: string;
const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
const jobsOf = (queue: string, eventId: string) => sql(`SELECT state, start_after > now() AS waiting FROM pgboss.job WHERE name = $1 AND data->>'eventId' = $2`, [queue, eventId]);

beforeAll(async () => {
  const port = await closedPort();
  stack = await startTestStack({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'front-counter-jobs-')), OUTBOX_POLL_MS: '60000', SMTP_URL: `smtp://127.0.0.1:${port}` });
  await stack.worker.get(JobWorker).pause();
  [{ id: tenantId }] = await sql(`SELECT id FROM tenants WHERE slug = 'northshire'`);
});
afterAll(() => stack?.close());

const resumeLink = { draftId: '00000000-0000-4000-8000-000000000001', email: 'someone@example.com', resumeUrl: 'http://northshire.localhost/resume/x', language: 'en' as const };

it('enqueues an event\'s job in the transaction that writes it: a rolled-back change leaves neither', async () => {
  const transactions = stack.api.get(TenantTransactions);
  await expect(
    transactions.run(tenantId, async (manager) => {
      await enqueue(manager, tenantId, 'email.resume-link', { ...resumeLink, email: 'rolled-back@example.com' });
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await sql(`SELECT id FROM outbox_events WHERE payload->>'email' = 'rolled-back@example.com'`)).toEqual([]);
  expect(await sql(`SELECT id FROM pgboss.job WHERE name = 'outbox' AND data->>'tenantId' = $1 AND state = 'created'`, [tenantId])).toEqual([]);
});

it('retries a failing delivery with back-off, then moves it to the dead letters, recording every attempt', async () => {
  const { reference } = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers({ email: 'confirm-me@example.com' }));
  const [{ id: eventId }] = await sql(
    `SELECT e.id::text FROM outbox_events e JOIN reports r ON r.id::text = e.payload->>'reportId' WHERE r.reference = $1 AND e.type = 'email.report-confirmation'`,
    [reference],
  );
  expect(await jobsOf('outbox', eventId)).toEqual([{ state: 'created', waiting: false }]);

  const worker = stack.worker.get(JobWorker);
  await worker.runDueJobs();
  // The SMTP server is down: the attempt is recorded on the event and the job waits for its retry.
  expect(await sql(`SELECT attempts, delivered_at, last_error IS NOT NULL AS failed FROM outbox_events WHERE id = $1`, [eventId])).toEqual([{ attempts: 1, delivered_at: null, failed: true }]);
  expect(await jobsOf('outbox', eventId)).toEqual([{ state: 'retry', waiting: true }]);
  // Running again before the back-off has passed does nothing.
  await worker.runDueJobs();
  expect((await sql(`SELECT attempts FROM outbox_events WHERE id = $1`, [eventId]))[0].attempts).toBe(1);

  // The last retry, due now: it fails too, and the job goes to the dead letters.
  await sql(`UPDATE pgboss.job SET retry_count = retry_limit, start_after = now() WHERE name = 'outbox' AND data->>'eventId' = $1`, [eventId]);
  await worker.runDueJobs();
  expect((await jobsOf('outbox', eventId)).map((job) => job.state)).toEqual(['failed']);
  expect((await sql(`SELECT attempts FROM outbox_events WHERE id = $1`, [eventId]))[0].attempts).toBe(2);
  expect(await jobsOf('outbox-dead', eventId)).toHaveLength(1);
  expect(OUTBOX_MAX_ATTEMPTS).toBe(10);
});

it('queues, when a worker starts, the undelivered events written before jobs moved to pg-boss, once', async () => {
  await sql(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);
  const [{ id: eventId }] = await sql(
    `INSERT INTO outbox_events (tenant_id, type, payload, queued) VALUES ($1, 'evidence.delete-objects', '{"keys": []}', false) RETURNING id::text`,
    [tenantId],
  );
  const worker = stack.worker.get(JobWorker);
  expect(await worker.dispatcher.queueWaiting()).toBe(1);
  expect(await worker.dispatcher.queueWaiting()).toBe(0);
  expect(await jobsOf('outbox', eventId)).toHaveLength(1);
  await worker.runDueJobs();
  expect(await sql(`SELECT queued, delivered_at IS NOT NULL AS delivered FROM outbox_events WHERE id = $1`, [eventId])).toEqual([{ queued: true, delivered: true }]);
});

it('refuses to start when a queue is missing, naming it and what to run', async () => {
  await sql(`SELECT pgboss.delete_queue('retention-run')`);
  try {
    const { createWorker } = await import('../../apps/worker/src/create-worker.js');
    const { createLogger } = await import('@front-counter/logging');
    await expect(createWorker(stack.config, stack.database.urls, createLogger({ level: 'silent', name: 'test' }))).rejects.toThrow(/job queues retention-run do not exist: run the migrations first/);
  } finally {
    await sql(`SELECT pgboss.create_queue('retention-run', '{"policy": "standard", "retryLimit": 2, "retryDelay": 60, "expireInSeconds": 3600}')`);
  }
});
