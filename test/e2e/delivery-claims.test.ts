import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeliveryService } from '@front-counter/deliveries';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { startHttpsReceiver, type TestHttpsReceiver } from '../support/https-receiver.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// A delivery is claimed, sent and recorded in three steps: no transaction (and no pooled connection)
// stays open while a slow records system answers, and a claimed delivery is not sent a second time.

let receiver: TestHttpsReceiver;
let stack: TestStack;
const VARIABLES = ['NORTHSHIRE_RECORDS_URL', 'NORTHSHIRE_RECORDS_SECRET'] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  // A slow records system: it answers each delivery two seconds after taking it.
  receiver = await startHttpsReceiver({ forces: ['northshire'], answerAfterMs: 2000 });
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-claims-'));
  const caFile = path.join(dataDirectory, 'receiver-ca.pem');
  writeFileSync(caFile, receiver.ca);
  process.env.NORTHSHIRE_RECORDS_URL = `${receiver.url}/northshire`;
  process.env.NORTHSHIRE_RECORDS_SECRET = receiver.secrets.northshire as string;
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', DELIVERY_CA_FILE: caFile });
  await stack.worker.get(JobWorker).pause();
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > 20_000) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('holds no transaction open while the receiver answers, and does not send a claimed delivery twice', async () => {
  const { reference } = await submitThroughApi(stack.apiUrl, 'northshire.localhost', 'report-a-crime', theftAnswers());
  const sending = stack.worker.get(JobWorker).runDueJobs(); // fans the event out, then sends the delivery
  const claimed = async () => (await sql(`SELECT 1 FROM deliveries WHERE sending_until > now() AND status = 'pending'`)).length === 1;
  await until(claimed, 'the delivery to be claimed');
  const [delivery] = await sql(`SELECT id, tenant_id FROM deliveries`);

  // The receiver has it and takes two seconds to answer: no transaction of this database is open meanwhile.
  await until(async () => receiver.received().length === 1, 'the receiver to take the delivery');
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(await claimed()).toBe(true);
  const open = await sql(`SELECT application_name, state, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < now() - interval '600 milliseconds'`);
  expect(open).toEqual([]);

  // Another worker's attempt meanwhile finds the claim and waits (its job comes back when the claim lapses).
  await expect(stack.worker.get(DeliveryService).attempt(delivery.tenant_id, delivery.id)).resolves.toEqual({ outcome: 'waiting' });
  expect(await sql(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'delivery' AND state = 'created' AND start_after > now()`)).toEqual([{ n: 1 }]);

  await sending;
  expect(receiver.received().filter((entry) => entry.reference === reference)).toHaveLength(1);
  expect(await sql(`SELECT status, attempts, sending_until FROM deliveries WHERE id = $1`, [delivery.id])).toEqual([{ status: 'delivered', attempts: 1, sending_until: null }]);
  expect(await sql(`SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1`, [delivery.id])).toEqual([{ n: 1 }]);
  // The job that came back finds it delivered and does nothing.
  await expect(stack.worker.get(DeliveryService).attempt(delivery.tenant_id, delivery.id)).resolves.toEqual({ outcome: 'done' });
  expect(receiver.received()).toHaveLength(1);
}, 120_000);
