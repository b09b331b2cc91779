import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generate } from 'selfsigned';
import { TenantTransactions } from '@front-counter/database';
import { DeliveryService } from '@front-counter/deliveries';
import { newMessageId, newWebhookSecret, signWebhook, WebhookClient } from '@front-counter/webhooks';
import { createDevReceiver, ReceiverState, type RunningDevReceiver } from '../apps/receiver/src/dev-receiver.js';
import type { RunningStack } from '../apps/launcher/src/stack.js';

// Back-office deliveries for npm run bench: reports submitted through the api reach a force's records
// system over HTTPS (the development receiver with a self-signed certificate, trusted through
// DELIVERY_CA_FILE, verifying every signature). Two figures, each against a baseline of the same run:
// deliveries per second through the worker (a suspended destination's backlog sent when it resumes)
// against signed HTTPS POSTs of the same bodies sent one after another to the same receiver; and the
// delay from submitting a report to its arrival, with 8 clients submitting at once and with one,
// against the worker's poll interval (each report is two jobs: its outbox event, then its delivery).

const FORCE = 'northshire';
const DESTINATION = 'records-system';
/** Reports made while the destination is suspended, then delivered at once. */
const BACKLOG = Number(process.env.BENCH_DELIVERY_BACKLOG ?? 200);
/** Reports timed from submission to arrival while 8 clients submit at once (the worker busy), and then one at a time (the worker idle between). */
const TIMED = Number(process.env.BENCH_DELIVERY_TIMED ?? 100);
const TIMED_ALONE = Number(process.env.BENCH_DELIVERY_TIMED_ALONE ?? 30);
const SUBMITTERS = 8;

export interface BenchReceiver {
  receiver: RunningDevReceiver;
  /** What the bench's environment needs for the force to deliver to it. */
  environment: Record<string, string>;
  ca: string;
  secret: string;
}

/**
 * The force's records system for the bench: an HTTPS receiver on loopback, its certificate written
 * to `directory` for DELIVERY_CA_FILE, and the force's address and secret variables pointing at it
 * (the real environment wins over `npm start`'s development back office).
 */
export async function startBenchReceiver(directory: string): Promise<BenchReceiver> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const secret = newWebhookSecret();
  const receiver = await createDevReceiver({ port: 0, host: '127.0.0.1', secrets: { [FORCE]: secret }, tls: { key: pems.private, cert: pems.cert }, state: new ReceiverState({ keep: 100_000 }) });
  const caFile = path.join(directory, 'bench-receiver-ca.pem');
  writeFileSync(caFile, pems.cert);
  return {
    receiver,
    ca: pems.cert,
    secret,
    environment: { NORTHSHIRE_RECORDS_URL: `${receiver.url}/${FORCE}`, NORTHSHIRE_RECORDS_SECRET: secret, DELIVERY_CA_FILE: caFile },
  };
}

/** One report answered and sent to northshire through the api: its reference, and when (Date.now()) its submitReport was sent and answered. */
export type SubmitReport = () => Promise<{ reference: string; startedAt: number; answeredAt: number }>;

export async function benchDeliveries(stack: RunningStack, adminUrl: string, bench: BenchReceiver, submitReport: SubmitReport): Promise<[string, string][]> {
  const database = new pg.Client({ connectionString: adminUrl });
  await database.connect();
  try {
    const [{ tenant_id: tenantId, id: destinationId }] = (
      await database.query(`SELECT s.tenant_id, s.id FROM destinations s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = $1 AND s.name = $2`, [FORCE, DESTINATION])
    ).rows as { tenant_id: string; id: string }[];
    const counts = async (since: Date) =>
      (
        await database.query(
          `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*) FILTER (WHERE status = 'dead')::int AS dead
             FROM deliveries WHERE destination_id = $1 AND created_at >= $2`,
          [destinationId, since],
        )
      ).rows[0] as { pending: number; delivered: number; dead: number };
    const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 20) => {
      const deadline = performance.now() + timeoutMs;
      while (!(await check())) {
        if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    };
    const submitMany = async (count: number, each: (sent: Awaited<ReturnType<SubmitReport>>) => void, clients = SUBMITTERS) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next++ < count) each(await submitReport());
        }),
      );
    };
    const setSuspended = async (suspended: boolean) => {
      const deliveries = stack.worker.get(DeliveryService);
      await stack.worker.get(TenantTransactions).run(tenantId, (manager) => deliveries.setSuspended(manager, tenantId, destinationId, suspended ? 'bench' : null));
    };

    // What earlier sections sent is delivered first: the worker starts from nothing waiting.
    await waitFor('earlier deliveries to go', async () => (await counts(new Date(0))).pending === 0, 300_000, 200);

    // Throughput: a backlog made while the destination is suspended (each report's delivery made in
    // its outbox job, and kept), then sent when it resumes, as after a receiver's planned outage.
    await setSuspended(true);
    const backlogSince = new Date(Date.now() - 1000);
    const backlog = new Set<string>();
    await submitMany(BACKLOG, ({ reference }) => backlog.add(reference.replaceAll('-', '')));
    await waitFor(`${BACKLOG} deliveries waiting for the suspended destination`, async () => (await counts(backlogSince)).pending >= BACKLOG, 120_000, 100);
    const resumedAt = performance.now();
    await setSuspended(false);
    // The backlog's own reports, as the receiver saw them: a delivery made since the backlog began may be
    // an earlier section's (its outbox job still running), so the database's count alone cannot say.
    const backlogArrivals = () =>
      bench.receiver.received().filter((arrival) => arrival.status === 200 && arrival.reference && backlog.has(arrival.reference.replaceAll('-', '')));
    await waitFor(`${BACKLOG} deliveries to arrive`, async () => backlogArrivals().length >= BACKLOG && (await counts(backlogSince)).delivered >= BACKLOG);
    const drainSeconds = (performance.now() - resumedAt) / 1000;
    if ((await counts(backlogSince)).dead > 0) throw new Error('bench: deliveries died');
    // The rate from the first arrival to the last: the worker's steady pace, without the wait for its next poll.
    const arrivals = backlogArrivals()
      .map((arrival) => Date.parse(arrival.receivedAt))
      .sort((a, b) => a - b);
    if (arrivals.length !== BACKLOG) throw new Error(`bench: ${arrivals.length} of ${BACKLOG} backlog deliveries were seen by the receiver`);
    const deliveryRate = (BACKLOG - 1) / ((arrivals.at(-1)! - arrivals[0]) / 1000);

    // Baseline: the same bodies, signed and POSTed to the same receiver one after another by the
    // worker's own client (the worker sends a batch's deliveries one by one), for as long as the drain took.
    // Both pay what that client pays per request: a new TLS connection, and with a `ca` (DELIVERY_CA_FILE,
    // as here) a new secure context holding Node's root certificates too, tens of milliseconds each.
    const bodies = (await database.query(`SELECT body FROM deliveries WHERE destination_id = $1 AND created_at >= $2 ORDER BY sequence`, [destinationId, backlogSince])).rows.map((row: { body: string }) => row.body);
    const client = new WebhookClient({ timeoutMs: 15_000 });
    let posts = 0;
    const postUntil = performance.now() + Math.max(3000, drainSeconds * 1000);
    const postStarted = performance.now();
    while (performance.now() < postUntil) {
      const body = bodies[posts % bodies.length];
      const result = await client.post({ url: `${bench.receiver.url}/${FORCE}`, body, headers: { ...signWebhook({ id: newMessageId(), body, secret: [bench.secret] }), 'content-type': 'application/json' }, ca: bench.ca });
      if (!result.ok) throw new Error(`bench: the receiver answered ${result.status}`);
      posts++;
    }
    const postRate = posts / ((performance.now() - postStarted) / 1000);

    // Delay: each report timed from its submitReport request to the receiver's record of its arrival,
    // the worker running as in production: first while 8 clients submit at once (the api and the
    // worker share this process and its 2 cores, as they would share a small node), then one at a time.
    const timedDelays = async (count: number, clients: number) => {
      const sent = new Map<string, number>();
      const submitLatencies: number[] = [];
      await submitMany(
        count,
        ({ reference, startedAt, answeredAt }) => {
          sent.set(reference.replaceAll('-', ''), startedAt);
          submitLatencies.push(answeredAt - startedAt);
        },
        clients,
      );
      // Each timed report's first accepted arrival (a repeat would carry the same reference).
      const matched = () => {
        const first = new Map<string, number>();
        for (const arrival of bench.receiver.received()) {
          const reference = arrival.reference?.replaceAll('-', '');
          if (!reference || arrival.type !== 'report.submitted' || arrival.status !== 200 || !sent.has(reference) || first.has(reference)) continue;
          first.set(reference, Date.parse(arrival.receivedAt) - sent.get(reference)!);
        }
        return [...first.values()];
      };
      await waitFor(`${count} timed deliveries to arrive`, async () => matched().length >= count);
      const delays = matched();
      return { delays, submitLatencies };
    };
    const busy = await timedDelays(TIMED, SUBMITTERS);
    const alone = await timedDelays(TIMED_ALONE, 1);
    const pollMs = Math.max(500, stack.config.worker.pollMs); // pg-boss polls at most every 500 ms
    const p = (values: number[], percentile: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((percentile / 100) * values.length))];

    return [
      ['signed HTTPS POST loop to the receiver (baseline)', `${postRate.toFixed(0)} /s`],
      [`deliveries through the worker (backlog of ${BACKLOG} resumed)`, `${deliveryRate.toFixed(1)} /s  = ${(deliveryRate / postRate).toFixed(3)} × POST loop (all sent ${drainSeconds.toFixed(1)} s after resuming)`],
      [`submission → delivery, ${TIMED} reports, ${SUBMITTERS} clients at once`, `p50 ${p(busy.delays, 50).toFixed(0)} ms, p99 ${p(busy.delays, 99).toFixed(0)} ms  = ${(p(busy.delays, 50) / pollMs).toFixed(2)} / ${(p(busy.delays, 99) / pollMs).toFixed(2)} × worker poll (${pollMs} ms)`],
      [`  (their submitReport answered in)`, `p50 ${p(busy.submitLatencies, 50).toFixed(0)} ms, p99 ${p(busy.submitLatencies, 99).toFixed(0)} ms`],
      [`submission → delivery, ${TIMED_ALONE} reports, one client`, `p50 ${p(alone.delays, 50).toFixed(0)} ms, p99 ${p(alone.delays, 99).toFixed(0)} ms  = ${(p(alone.delays, 50) / pollMs).toFixed(2)} / ${(p(alone.delays, 99) / pollMs).toFixed(2)} × worker poll (${pollMs} ms)`],
    ];
  } finally {
    await database.end();
  }
}
