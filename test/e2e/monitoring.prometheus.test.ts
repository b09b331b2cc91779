import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT } from '../support/built-app.js';
import { discoveredTargets, eventually, prometheusMissing, promtool, renderedPodTemplates, startTestPrometheus, writeYaml, type TestPrometheus } from '../support/prometheus.js';
import { submitThroughApi, theftAnswers } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The shipped monitoring files with a real Prometheus (Debian's package): promtool checks and
 * unit-tests the alert rules; Prometheus scrapes the api, the web and the worker of a test stack
 * through the shipped scrape job and its relabelling, the targets carrying what Kubernetes service
 * discovery would say of the pods of the shipped manifests; the per-force gauges move as reports
 * arrive, and the triage alerts fire as a report's deadline comes near and passes. Skipped, saying
 * why, where Prometheus is not installed.
 */

const MONITORING = path.join(ROOT, 'infra', 'monitoring');
const KUBERNETES = path.join(ROOT, 'infra', 'kubernetes');
const NORTH = 'northshire.localhost';
const COMPONENTS = ['api', 'web', 'worker'] as const;

const missing = prometheusMissing();
if (missing) console.warn(`Skipping the Prometheus monitoring tests: ${missing}`);
const maybe = missing ? it.skip : it;

let directory: string;
let stack: TestStack;
let prometheus: TestPrometheus | undefined;
/** The pod name each component's target is given, as a ReplicaSet would name it. */
const podNames: Record<string, string> = {};
let namespace: string;

beforeAll(async () => {
  if (missing) return;
  directory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-prometheus-'));
  chmodSync(directory, 0o755);
  // The worker looks for work every 500 ms (its shortest); its figures are read at most every 5 s.
  stack = await startTestStack({ DATA_DIR: directory, OUTBOX_POLL_MS: '200' });
});
afterAll(async () => {
  try {
    await prometheus?.close();
  } finally {
    await stack?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
});

/** The rules file Prometheus and promtool read: `spec` of the shipped PrometheusRule. */
function extractRules(): string {
  const rule = YAML.parse(readFileSync(path.join(MONITORING, 'prometheus-rules.yaml'), 'utf8'));
  expect(rule.kind).toBe('PrometheusRule');
  const file = path.join(directory, 'front-counter.rules.yaml');
  writeYaml(file, rule.spec);
  return file;
}

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
const value = async (expression: string): Promise<number | undefined> => {
  const result = await prometheus!.query(expression);
  if (result.length > 1) throw new Error(`${expression} gave ${result.length} series: ${JSON.stringify(result)}`);
  return result[0] ? Number(result[0].value[1]) : undefined;
};
const firing = async (alertname: string) => (await prometheus!.alerts()).filter((alert) => alert.labels.alertname === alertname && alert.state === 'firing');
const triageAlerts = async () => (await prometheus!.alerts()).filter((alert) => alert.labels.alertname.startsWith('FrontCounterTriageDeadline'));

maybe('promtool passes the shipped alert rules (check rules) and their unit tests (test rules)', async () => {
  const rules = extractRules();
  expect(await promtool(['check', 'rules', rules], directory)).toMatch(/SUCCESS: \d+ rules found/);
  // The test file names its rules file front-counter.rules.yaml, beside it.
  copyFileSync(path.join(MONITORING, 'prometheus-rules.test.yaml'), path.join(directory, 'prometheus-rules.test.yaml'));
  expect(await promtool(['test', 'rules', 'prometheus-rules.test.yaml'], directory)).toMatch(/SUCCESS/);
});

maybe('scrapes the api, the web and the worker with the shipped scrape job and relabelling: up, with component, pod and namespace', async () => {
  const rules = extractRules();
  const { templates, renderedWith } = await renderedPodTemplates(KUBERNETES);
  const shipped = YAML.parse(readFileSync(path.join(MONITORING, 'scrape-config.yaml'), 'utf8')) as { scrape_configs: Record<string, any>[] };
  expect(shipped.scrape_configs.length).toBeGreaterThan(0);

  // Every Deployment's pod, as service discovery (role: pod) would list it: one target per declared
  // container port, at the pod's address (here loopback). clamd's pod is there too; the relabelling
  // must drop it (it asks not to be scraped).
  const targets: Record<string, string>[] = [];
  for (const template of templates) {
    const component = template.labels['app.kubernetes.io/component'];
    const metrics = (COMPONENTS as readonly string[]).includes(component) ? stack.metrics[component as (typeof COMPONENTS)[number]] : null;
    podNames[component] = `${template.workload}-6b7f9c8d5-${component.slice(0, 3)}xq`;
    namespace = template.namespace;
    targets.push(
      ...discoveredTargets(template, {
        name: podNames[component],
        ip: '127.0.0.1',
        // THE ONE VALUE CHANGED from what discovery would say: the pod's prometheus.io/port annotation
        // (9464 in the manifests) is the port this test process's metrics server really listens on,
        // since the three apps share one address here. The shipped relabelling moves __address__ to
        // the annotation's port, so the scrape lands there.
        annotations: metrics ? { 'prometheus.io/port': new URL(metrics.url).port } : {},
      }),
    );
  }
  for (const component of [...COMPONENTS, 'clamd']) expect(Object.keys(podNames)).toContain(component);
  // The manifests' own annotations, which the relabelling reads (not changed but for the port above).
  for (const component of COMPONENTS) {
    const template = templates.find((candidate) => candidate.labels['app.kubernetes.io/component'] === component)!;
    expect(template.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
  }

  const scrapeConfigs = shipped.scrape_configs.map((job) => {
    const { kubernetes_sd_configs: discovery, scrape_interval: _interval, scrape_timeout: _timeout, ...rest } = job;
    expect(discovery).toEqual([{ role: 'pod', namespaces: { names: [namespace] } }]);
    // Changed for the test besides discovery: the job's 30 s interval (10 s timeout) would make the
    // test wait minutes; the global 1 s applies instead. relabel_configs and the rest stay as shipped.
    return { ...rest, static_configs: targets.map(({ __address__, ...labels }) => ({ targets: [__address__], labels })) };
  });
  const configFile = path.join(directory, 'prometheus.yml');
  writeYaml(configFile, {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [rules],
    scrape_configs: scrapeConfigs,
  });
  expect(await promtool(['check', 'config', configFile], directory)).toMatch(/SUCCESS/);
  prometheus = await startTestPrometheus(configFile, directory);

  const up = await eventually(
    () => prometheus!.query('up{job="front-counter"}'),
    (result) => result.length === 3 && result.every((series) => series.value[1] === '1'),
    `up == 1 for the three targets (pod templates from ${renderedWith})`,
  );
  const byComponent = Object.fromEntries(up.map((series) => [series.metric.component, series.metric]));
  for (const component of COMPONENTS) {
    expect(byComponent[component]).toEqual({
      __name__: 'up',
      job: 'front-counter',
      instance: new URL(stack.metrics[component]!.url).host,
      component,
      pod: podNames[component],
      namespace,
    });
  }
  // The api's and the web's two container ports (http, metrics) became one target each; clamd's was dropped.
  const { activeTargets, droppedTargets } = await prometheus.targets();
  expect(activeTargets.map((target) => target.labels.component).sort()).toEqual(['api', 'web', 'worker']);
  for (const target of activeTargets) expect(target.scrapeUrl).toBe(`${stack.metrics[target.labels.component as (typeof COMPONENTS)[number]]!.url}/metrics`);
  expect(droppedTargets.map((target) => target.discoveredLabels.__meta_kubernetes_pod_label_app_kubernetes_io_component)).toEqual(['clamd']);

  // Each app's own `app` label agrees with the component the relabelling sets.
  const apps = await eventually(() => prometheus!.query('count by (app, component) (process_start_time_seconds{job="front-counter"})'), (result) => result.length === 3, 'process metrics of each app');
  expect(apps.map((series) => [series.metric.app, series.metric.component]).sort()).toEqual([['api', 'api'], ['web', 'web'], ['worker', 'worker']]);
  // And the worker's figures are there, for every force, before any triage alert.
  await eventually(() => prometheus!.query('front_counter_force_triage_due_soon{job="front-counter"}'), (result) => result.length === 3, 'the worker\'s per-force figures in Prometheus');
  expect(await triageAlerts()).toEqual([]);
});

maybe('sees a force\'s gauges move in Prometheus as its reports arrive', async () => {
  expect(prometheus).toBeDefined();
  const awaiting = 'front_counter_force_reports_awaiting_triage{force="northshire"}';
  const before = await value(awaiting);
  expect(before).toBe(0);
  expect(await value('front_counter_force_reports_awaiting_triage{force="eastmarch"}')).toBe(0);

  for (let index = 0; index < 2; index++) await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ description: `The library's bicycle racks, report ${index}` }));

  await eventually(() => value(awaiting), (now) => now === 2, `${awaiting} to reach 2`);
  // The labels the alerts and the dashboard group by.
  const [series] = await prometheus!.query(awaiting);
  expect(series.metric).toMatchObject({ job: 'front-counter', app: 'worker', component: 'worker', pod: podNames.worker, namespace, force: 'northshire' });
  expect(await value('front_counter_force_reports_awaiting_triage{force="eastmarch"}')).toBe(0);
  await eventually(() => value('front_counter_force_oldest_awaiting_triage_minutes{force="northshire"}'), (now) => (now ?? 0) > 0, 'the oldest waiting minutes of northshire');
  // The api counted the journey's GraphQL operations, and the web and api their requests, by force.
  await eventually(() => value('sum(front_counter_graphql_operations_total{job="front-counter", app="api", outcome="ok"})'), (now) => (now ?? 0) >= 20, 'the GraphQL operations of two journeys');
  // The worker finishes its every-minute rounds (the FrontCounterWorkerStalled alert's input).
  await eventually(() => value('time() - front_counter_worker_last_round_timestamp_seconds{job="front-counter"}'), (now) => now !== undefined && now < 70, 'a recent worker round');
  // Their deadlines are 45 minutes away: no triage alert.
  expect(await value('front_counter_force_triage_due_soon{force="northshire"}')).toBe(0);
  expect(await triageAlerts()).toEqual([]);
});

maybe('fires FrontCounterTriageDeadlineAtRisk for northshire as a report\'s deadline nears, then FrontCounterTriageDeadlineMissed once it passes', async () => {
  expect(prometheus).toBeDefined();
  // Neither before: the figures are there and are zero.
  expect(await value('max by (force) (front_counter_force_triage_due_soon{force="northshire"})')).toBe(0);
  expect(await value('max by (force) (front_counter_force_triage_overdue{force="northshire"})')).toBe(0);
  expect(await triageAlerts()).toEqual([]);

  // A short clock: the report's triage deadline is a few seconds ahead (the worker reads its figures
  // every 5 s at most, Prometheus scrapes and evaluates every second).
  const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ description: 'The market square, on a short clock' }));
  const [{ deadline }] = await sql(`UPDATE reports SET triage_by = now() + interval '12 seconds' WHERE reference = $1 RETURNING triage_by AS deadline`, [reference]);
  const deadlineAt = new Date(deadline).getTime();

  const atRisk = await eventually(() => firing('FrontCounterTriageDeadlineAtRisk'), (alerts) => alerts.length > 0, 'FrontCounterTriageDeadlineAtRisk to fire', 15_000, 200, (alerts) => JSON.stringify(alerts));
  expect(Date.now()).toBeLessThan(deadlineAt + 1000); // seen before the deadline passed (give or take a scrape)
  expect(atRisk).toEqual([expect.objectContaining({ labels: { alertname: 'FrontCounterTriageDeadlineAtRisk', force: 'northshire', severity: 'warning' }, value: expect.stringMatching(/^1(e\+00)?$/) })]);
  expect(await firing('FrontCounterTriageDeadlineMissed')).toEqual([]);

  const missed = await eventually(
    () => firing('FrontCounterTriageDeadlineMissed'),
    (alerts) => alerts.length > 0,
    'FrontCounterTriageDeadlineMissed to fire once the deadline passed',
    Math.max(0, deadlineAt - Date.now()) + 15_000,
    200,
    (alerts) => JSON.stringify(alerts),
  );
  expect(Date.now()).toBeGreaterThanOrEqual(deadlineAt);
  expect(missed).toEqual([expect.objectContaining({ labels: { alertname: 'FrontCounterTriageDeadlineMissed', force: 'northshire', severity: 'critical' }, value: expect.stringMatching(/^1(e\+00)?$/) })]);
  // The deadline passed: no longer "at risk", and the worker has marked the breach.
  await eventually(() => firing('FrontCounterTriageDeadlineAtRisk'), (alerts) => alerts.length === 0, 'FrontCounterTriageDeadlineAtRisk to clear', 15_000, 200, (alerts) => JSON.stringify(alerts));
  // The worker marks a deadline when it passes (a job due then); one changed behind its back, as this
  // test changed it, in its every-minute round.
  await eventually(() => value('front_counter_force_deadlines_missed_today{force="northshire", deadline="triage"}'), (now) => now === 1, 'the missed deadline in today\'s count', 75_000);
  // Only northshire: no other force alerts.
  expect((await triageAlerts()).map((alert) => alert.labels.force)).toEqual(['northshire']);
}, 150_000);
