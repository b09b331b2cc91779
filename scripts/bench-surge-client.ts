import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

// The surge replay's reporters: a process of its own (forked by bench-surge.ts), so that making the
// requests does not take the server's CPU. It is told the forces and the shape of the weekend, plans
// every session's arrival, runs each session as a browser would (pages fetched, forms posted with
// their tokens, redirects followed by hand) and sends back latencies, counts and the references shown.

export interface SurgePlan {
  port: number;
  /** Every force's public host; `surging` is one of them. */
  hosts: string[];
  surging: string;
  sessions: number;
  reports: number;
  /** Sessions arriving per second across all forces while no force surges. */
  rate: number;
  /** How many times its share the surging force receives during the middle phase. */
  factor: number;
}

export const PHASES = ['before', 'surge', 'after'] as const;
export type Phase = (typeof PHASES)[number];

export interface SurgeResult {
  /** Request latencies (ms, sorted) by phase: the other forces' and the surging force's. */
  others: Record<Phase, number[]>;
  surging: Record<Phase, number[]>;
  sessions: Record<Phase, { others: number; surging: number }>;
  requests: number;
  /** Final answers (the declaration) posted, and confirmations that showed a reference. */
  submitted: number;
  references: { host: string; reference: string }[];
  /** Sessions that met an unexpected answer (the first few of them described). */
  failures: number;
  failureExamples: string[];
  /** Sessions made before the measured replay (not measured; their reports are counted). */
  warmUpSessions: number;
  wallSeconds: number;
  phaseSeconds: number;
}

type Kind = 'browse' | 'abandon' | 'report';

/** The warm-up replays the first seconds of the before phase, unmeasured, before the replay proper. */
const WARM_UP_SECONDS = 20;

interface Session {
  at: number;
  host: string;
  phase: Phase;
  kind: Kind;
}

/** A small seeded generator, so that every run replays the same weekend. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every session's arrival. Three phases of equal length; each force has one share of the arrivals,
 * except the surging force during the middle phase, which has `factor` shares. A twentieth of the
 * sessions (reports / sessions) complete a report; of the rest, half look at the home page and a
 * service's start page, half start a report and leave after the first question.
 */
export function planSessions(plan: SurgePlan): { sessions: Session[]; phaseSeconds: number } {
  const next = random(2020_04_10);
  const others = plan.hosts.length - 1;
  const weights = PHASES.map((phase) => others + (phase === 'surge' ? plan.factor : 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  // Arrivals per share per second are the same in every phase: `rate` sessions/s share out over the forces.
  const phaseSeconds = (plan.sessions / total) * (plan.hosts.length / plan.rate);
  const sessions: Session[] = [];
  // Exactly `reports` reports, the rest browsing or leaving early half and half, in a shuffled order.
  const kinds: Kind[] = Array.from({ length: plan.sessions }, (_, index) => (index < plan.reports ? 'report' : index % 2 ? 'browse' : 'abandon'));
  for (let index = kinds.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [kinds[index], kinds[other]] = [kinds[other], kinds[index]];
  }
  for (let index = 0; index < plan.sessions; index++) {
    // Stratified: each session has its own slice of the shares, so every force and phase gets its exact share.
    let pick = ((index + next()) / plan.sessions) * total;
    let phaseIndex = 0;
    while (pick >= weights[phaseIndex] && phaseIndex < PHASES.length - 1) pick -= weights[phaseIndex++];
    const phase = PHASES[phaseIndex];
    const surgingShares = phase === 'surge' ? plan.factor : 1;
    const host = pick < surgingShares ? plan.surging : plan.hosts.filter((candidate) => candidate !== plan.surging)[Math.min(others - 1, Math.floor(pick - surgingShares))];
    sessions.push({ at: (phaseIndex + next()) * phaseSeconds * 1000, host, phase, kind: kinds[index] });
  }
  sessions.sort((a, b) => a.at - b.at);
  return { sessions, phaseSeconds };
}

const CONTACT_PAGES: [string, Record<string, string>][] = [
  ['emergency', { emergency: 'no' }],
  ['contact-reason', { contactReason: 'feedback' }],
  ['message', { message: 'The footpath by the recreation ground has been blocked by fly-tipping since Good Friday.' }],
  ['your-details', { fullName: 'Surge Reporter', email: 'surge@example.com' }],
  ['check-answers', {}],
  ['declaration', { confirm: 'yes' }],
];

async function run(plan: SurgePlan): Promise<SurgeResult> {
  const { sessions, phaseSeconds } = planSessions(plan);
  const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const emptyLatencies = () => ({ before: [] as number[], surge: [] as number[], after: [] as number[] });
  const result: SurgeResult = {
    others: emptyLatencies(),
    surging: emptyLatencies(),
    sessions: { before: { others: 0, surging: 0 }, surge: { others: 0, surging: 0 }, after: { others: 0, surging: 0 } },
    requests: 0,
    submitted: 0,
    references: [],
    failures: 0,
    failureExamples: [],
    warmUpSessions: 0,
    wallSeconds: 0,
    phaseSeconds,
  };
  const origin = `http://127.0.0.1:${plan.port}`;

  const session = async ({ host, phase, kind }: Session, measured = true) => {
    const latencies = host === plan.surging ? result.surging : result.others;
    let cookie = '';
    const fetchPage = async (path: string, expected: number, form?: Record<string, string>) => {
      const begun = performance.now();
      const headers: Record<string, string> = { host };
      if (cookie) headers.cookie = cookie;
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await request(`${origin}${path}`, { dispatcher: agent, method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form).toString() : undefined });
      const body = await response.body.text();
      if (measured) {
        latencies[phase].push(performance.now() - begun);
        result.requests++;
      }
      if (response.statusCode !== expected) throw new Error(`${form ? 'POST' : 'GET'} ${host}${path}: ${response.statusCode}, expected ${expected}`);
      const setCookie = response.headers['set-cookie'];
      if (setCookie) cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0];
      return body;
    };
    const tokens = (body: string) => ({ _csrf: /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '', _form: /name="_form" value="([^"]+)"/.exec(body)?.[1] ?? '' });

    await fetchPage('/', 200);
    if (kind === 'browse') {
      await fetchPage(next() < 0.5 ? '/report-a-crime' : '/contact-us', 200);
      return;
    }
    const start = await fetchPage('/contact-us', 200);
    await fetchPage('/contact-us/start', 303, { _csrf: tokens(start)._csrf });
    const pages = kind === 'report' ? CONTACT_PAGES : CONTACT_PAGES.slice(0, 1);
    for (const [pageId, values] of pages) {
      const page = await fetchPage(`/contact-us/${pageId}`, 200);
      if (pageId === 'declaration') result.submitted++;
      await fetchPage(`/contact-us/${pageId}`, 303, { ...tokens(page), ...values });
    }
    if (kind === 'report') {
      const confirmation = await fetchPage('/contact-us/confirmation', 200);
      const reference = /class="fc-reference">([^<]+)</.exec(confirmation)?.[1];
      if (!reference) throw new Error(`${host}: the confirmation showed no reference`);
      result.references.push({ host, reference: reference.replace(/[^A-Za-z0-9]/g, '').toUpperCase() });
    }
  };
  const next = random(1);

  /** Starts each session at its time; resolves when the last has finished. */
  const replay = async (planned: Session[], measured: boolean) => {
    const begun = performance.now();
    const running = new Set<Promise<void>>();
    for (const one of planned) {
      const wait = one.at - (performance.now() - begun);
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      if (measured) result.sessions[one.phase][one.host === plan.surging ? 'surging' : 'others']++;
      const promise: Promise<void> = session(one, measured)
        .catch((error: Error) => {
          result.failures++;
          if (result.failureExamples.length < 10) result.failureExamples.push(error.message);
        })
        .finally(() => running.delete(promise));
      running.add(promise);
    }
    await Promise.all(running);
    return (performance.now() - begun) / 1000;
  };

  // Warm-up, not measured, as on sites that have been live for a while: one report made on every
  // force's site, four forces at a time, then WARM_UP_SECONDS of the before phase's arrivals.
  for (let index = 0; index < plan.hosts.length; index += 4) {
    await Promise.all(plan.hosts.slice(index, index + 4).map((host) => session({ at: 0, host, phase: 'before', kind: 'report' }, false)));
  }
  const warmUp = sessions.filter((one) => one.phase === 'before' && one.at < WARM_UP_SECONDS * 1000);
  await replay(warmUp, false);
  result.warmUpSessions = plan.hosts.length + warmUp.length;

  result.wallSeconds = await replay(sessions, true);
  await agent.close();
  for (const group of [result.others, result.surging]) for (const phase of PHASES) group[phase].sort((a, b) => a - b);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (plan: SurgePlan) => {
    run(plan).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)),
    );
  });
}
