import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { forceFromTemplate } from '@front-counter/tenancy';
import type { RunningStack } from '../apps/launcher/src/stack.js';
import { PHASES, type SurgePlan, type SurgeResult } from './bench-surge-client.js';

// The national surge for npm run bench: the Easter 2020 weekend (600,000 sessions, 30,000 reports)
// replayed across 43 forces (the three example forces and 40 more onboarded through the national
// programme team's api, as `npm run tenants:onboard` does), as complete journeys through the force
// sites, with one force receiving ten times its share in the middle third. Time is compressed: the
// sessions arrive at BENCH_SURGE_RATE per second (30 unless set) and BENCH_SURGE_SCALE (0.01 unless
// set: 6,000 sessions and 300 reports, about three minutes) scales the weekend down. The whole
// weekend is BENCH_SURGE_SCALE=1 (at 30 sessions/s, about five hours). The reporters run in a process
// of their own (bench-surge-client.ts).

const WEEKEND = { sessions: 600_000, reports: 30_000 };
/** Sessions a second on average over the four days from Good Friday. */
const WEEKEND_PACE = WEEKEND.sessions / (4 * 24 * 3600);
const SCALE = Number(process.env.BENCH_SURGE_SCALE ?? 0.01);
const RATE = Number(process.env.BENCH_SURGE_RATE ?? 30);
const FACTOR = 10;
const SURGING = 'northshire';
const EXAMPLE_FORCES = ['northshire', 'eastmarch', 'dyffryn'];
/** Forty fictional forces to onboard: Northholm Police, Northfield Police, ... Upperford Police. */
const ONBOARDED = ['North', 'South', 'East', 'West', 'High', 'Low', 'Mid', 'Upper'].flatMap((start) => ['holm', 'field', 'moor', 'dale', 'ford'].map((end) => `${start}${end}`));

interface OnboardResult {
  problems: { field: string; message: string }[];
  created: boolean;
  unchanged: boolean;
  primaryDomain: string | null;
}

/** Onboards the forty forces from tenants/_template through the api; their public hosts. */
async function onboardForces(stack: RunningStack, nationalToken: string): Promise<string[]> {
  const template = path.resolve(stack.config.tenants.directory, '_template');
  const hosts: string[] = [];
  for (const name of ONBOARDED) {
    const slug = name.toLowerCase();
    const { force, routing, logoSvg } = forceFromTemplate(template, { slug, name: `${name} Police` });
    const response = await fetch(`${stack.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${nationalToken}` },
      body: JSON.stringify({
        query: `mutation($force: JSON!, $routing: JSON, $logoSvg: String) { onboardForce(force: $force, routing: $routing, logoSvg: $logoSvg, dryRun: false) { problems { field message } created unchanged primaryDomain } }`,
        variables: { force, routing, logoSvg },
      }),
    });
    const body = (await response.json()) as { data?: { onboardForce: OnboardResult }; errors?: unknown };
    const result = body.data?.onboardForce;
    if (!result || result.problems.length > 0 || !result.primaryDomain) throw new Error(`onboarding ${slug} failed: ${JSON.stringify(body.errors ?? result?.problems)}`);
    hosts.push(result.primaryDomain);
  }
  return hosts;
}

function replay(plan: SurgePlan): Promise<SurgeResult> {
  const child = fork(fileURLToPath(new URL('./bench-surge-client.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: SurgeResult; error?: string }) => (message.result ? resolve(message.result) : reject(new Error(`the surge's reporters failed: ${message.error}`))));
    child.once('exit', (code) => reject(new Error(`the surge's reporters exited with ${code} before answering`)));
    child.send(plan);
  });
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

export async function benchSurge(stack: RunningStack, adminUrl: string, nationalToken: string): Promise<[string, string][]> {
  const onboardStarted = performance.now();
  const onboardedHosts = await onboardForces(stack, nationalToken);
  const onboardSeconds = (performance.now() - onboardStarted) / 1000;
  const hostOf = new Map([...EXAMPLE_FORCES.map((slug) => [slug, `${slug}.localhost`] as const), ...ONBOARDED.map((name, index) => [name.toLowerCase(), onboardedHosts[index]] as const)]);
  const slugOf = new Map([...hostOf].map(([slug, host]) => [host, slug]));
  const plan: SurgePlan = {
    port: stack.webPort,
    hosts: [...hostOf.values()],
    surging: hostOf.get(SURGING)!,
    sessions: Math.round(WEEKEND.sessions * SCALE),
    reports: Math.round(WEEKEND.reports * SCALE),
    rate: RATE,
    factor: FACTOR,
  };
  process.stdout.write(`Replaying the Easter 2020 surge: ${plan.sessions} sessions, ${plan.reports} reports across ${plan.hosts.length} forces at ${RATE} sessions/s ...\n`);

  const database = new pg.Client({ connectionString: adminUrl });
  await database.connect();
  const { rows: [{ now: since }] } = await database.query<{ now: Date }>('SELECT now()');
  const result = await replay(plan);
  const { rows: stored } = await database.query<{ reference: string; slug: string }>(
    `SELECT upper(regexp_replace(r.reference, '[^A-Za-z0-9]', '', 'g')) AS reference, t.slug FROM reports r JOIN tenants t ON t.id = r.tenant_id WHERE r.service_id = 'contact-us' AND r.submitted_at >= $1`,
    [since],
  );
  await database.end();

  // Every reference shown to a reporter is a report stored in the force whose site made it, and nothing else was stored.
  const storedIn = new Map(stored.map((row) => [row.reference, row.slug]));
  const missing = result.references.filter(({ host, reference }) => storedIn.get(reference) !== slugOf.get(host));
  if (result.failureExamples.length) process.stderr.write(`Surge sessions that failed (${result.failures}), the first:\n  ${result.failureExamples.join('\n  ')}\n`);

  const p95 = (group: Record<(typeof PHASES)[number], number[]>) => PHASES.map((phase) => percentile(group[phase], 95));
  const [othersBefore, othersSurge, othersAfter] = p95(result.others);
  const [surgingBefore, surgingSurge] = p95(result.surging);
  const perSecond = (phase: (typeof PHASES)[number], group: 'others' | 'surging') => (result.sessions[phase][group] / result.phaseSeconds).toFixed(1);
  return [
    [`surge: ${ONBOARDED.length} forces onboarded through the api (with the 3 examples, ${plan.hosts.length})`, `${onboardSeconds.toFixed(1)} s, ${((onboardSeconds / ONBOARDED.length) * 1000).toFixed(0)} ms a force`],
    [
      `surge: Easter 2020 × ${SCALE} (${plan.sessions} sessions, ${plan.reports} reports)`,
      `${result.wallSeconds.toFixed(0)} s wall for ${(result.phaseSeconds * 3).toFixed(0)} s of arrivals at ${(RATE / WEEKEND_PACE).toFixed(0)} × the weekend's pace; ${result.requests} requests; ${result.failures} sessions failed`,
    ],
    [`surge: ${SURGING} ×${FACTOR} in the middle third (sessions/s: it, the other 42)`, `before ${perSecond('before', 'surging')}, ${perSecond('before', 'others')}; during ${perSecond('surge', 'surging')}, ${perSecond('surge', 'others')}`],
    [
      'surge: reports received = reports stored',
      `${result.submitted} declarations sent (including the ${result.warmUpSessions} warm-up sessions'), ${result.references.length} references shown, ${stored.length} stored; ${missing.length} lost or in the wrong force`,
    ],
    [
      'surge: other 42 forces, p95 request latency',
      `before ${othersBefore.toFixed(1)} ms, during ${othersSurge.toFixed(1)} ms = ${(othersSurge / othersBefore).toFixed(2)} × before (after ${othersAfter.toFixed(1)} ms)`,
    ],
    [`surge: ${SURGING}, p95 request latency`, `before ${surgingBefore.toFixed(1)} ms, during ${surgingSurge.toFixed(1)} ms = ${(surgingSurge / surgingBefore).toFixed(2)} × before`],
  ];
}
