import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { watchProcess } from './watched-process.js';

/**
 * Prometheus for tests: reading the text format the processes expose, running Debian's Prometheus
 * (and promtool) on loopback, and the targets Kubernetes service discovery would give it for the
 * pods of the shipped manifests.
 */

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
export const PROMTOOL_BINARY = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const START_TIMEOUT_MS = 30_000;
const run = promisify(execFile);

// ---- the text format ------------------------------------------------------------------------------

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` lines: metric family name to its type. */
  types: Map<string, string>;
  text: string;
}

/** Reads Prometheus's text format (version 0.0.4), strictly enough that a malformed line fails the test. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      else if (!/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) throw new Error(`line ${index + 1} is not a HELP or TYPE line: ${line}`);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not a sample: ${line}`);
    const labels: Record<string, string> = {};
    if (match[2]) {
      const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
      let rest = 0;
      for (let found = pair.exec(match[2]); found; found = pair.exec(match[2])) {
        labels[found[1]] = found[2].replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
        rest = pair.lastIndex;
      }
      if (rest !== match[2].length) throw new Error(`line ${index + 1} has malformed labels: ${line}`);
    }
    // Prometheus reads NaN and Inf in any case (prom-client writes `Nan`).
    const value = /^\+?inf$/i.test(match[3]) ? Infinity : /^-inf$/i.test(match[3]) ? -Infinity : /^nan$/i.test(match[3]) ? NaN : Number(match[3]);
    if (Number.isNaN(value) && !/^nan$/i.test(match[3])) throw new Error(`line ${index + 1} has no number: ${line}`);
    samples.push({ name: match[1], labels, value });
  }
  return { samples, types, text };
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The one value of `name` with exactly these labels besides `app`; undefined when there is no such series. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.keys(labels).length;
  const found = samplesOf(exposition, name, labels).filter((sample) => Object.keys(sample.labels).filter((key) => key !== 'app').length === wanted);
  if (found.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

/** GET <metrics url>/metrics, checked for status and content type, parsed. */
export async function scrape(metricsUrl: string): Promise<Exposition & { contentType: string }> {
  const response = await fetch(`${metricsUrl}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${metricsUrl}/metrics answered ${response.status}: ${text.slice(0, 200)}`);
  return { ...parseExposition(text), contentType: response.headers.get('content-type') ?? '' };
}

/** An exposition by its front_counter_ lines (the rest is noise in a failure message); anything else as JSON. */
function summary(value: unknown): string {
  if (value && typeof value === 'object' && 'samples' in value && 'text' in value) {
    return `\n${String((value as Exposition).text).split('\n').filter((line) => line.startsWith('front_counter_') && !line.includes('_bucket{')).join('\n')}`;
  }
  return JSON.stringify(value);
}

/** Polls `read` until `check` holds (returning its last value), or fails with what it last saw. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 15_000, everyMs = 250, show: (value: T) => string = summary): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await read();
      failure = undefined;
      if (check(last)) return last;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${failure ? String(failure) : show(last as T)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

// ---- the shipped manifests, as Kubernetes service discovery would see their pods -------------------

export interface PodTemplate {
  /** The Deployment's name. */
  workload: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: { name: string; ports: { name?: string; containerPort: number; protocol?: string }[] }[];
}

/**
 * The pod templates of the Deployments in infra/kubernetes, as `kubectl kustomize` renders them;
 * where kubectl is missing, read from the files kustomization.yaml lists (with its namespace).
 */
export async function renderedPodTemplates(kubernetesDirectory: string): Promise<{ templates: PodTemplate[]; renderedWith: string }> {
  let documents: unknown[];
  let renderedWith: string;
  try {
    const { stdout } = await run('kubectl', ['kustomize', kubernetesDirectory], { maxBuffer: 32 * 1024 * 1024 });
    documents = YAML.parseAllDocuments(stdout).map((document) => document.toJS());
    renderedWith = 'kubectl kustomize';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const kustomization = YAML.parse(readFileSync(path.join(kubernetesDirectory, 'kustomization.yaml'), 'utf8')) as { namespace?: string; resources?: string[] };
    const files = (kustomization.resources ?? readdirSync(kubernetesDirectory)).filter((file) => /\.ya?ml$/.test(file));
    documents = files.flatMap((file) =>
      YAML.parseAllDocuments(readFileSync(path.join(kubernetesDirectory, file), 'utf8'))
        .map((document) => document.toJS())
        .map((document: any) => (document?.metadata && kustomization.namespace ? { ...document, metadata: { ...document.metadata, namespace: kustomization.namespace } } : document)),
    );
    renderedWith = 'the files themselves (kubectl is not installed)';
  }
  const templates = (documents as any[])
    .filter((document) => document?.kind === 'Deployment')
    .map((deployment) => ({
      workload: deployment.metadata.name,
      namespace: deployment.metadata.namespace ?? 'default',
      labels: deployment.spec.template.metadata?.labels ?? {},
      annotations: deployment.spec.template.metadata?.annotations ?? {},
      containers: (deployment.spec.template.spec.containers ?? []).map((container: any) => ({ name: container.name, ports: container.ports ?? [] })),
    }));
  return { templates, renderedWith };
}

const labelName = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * The targets `kubernetes_sd_configs` with `role: pod` makes for one running pod of `template`: one
 * per declared container port, `__address__` being the pod's IP and that port, with the pod's
 * labels and annotations as `__meta_kubernetes_pod_label_*` / `__meta_kubernetes_pod_annotation_*`
 * (and their `*present_*` twins), the container and port, the namespace and the pod's name.
 * `annotations` replaces annotation values (a test's one change: the metrics port it really has).
 */
export function discoveredTargets(template: PodTemplate, pod: { name: string; ip: string; annotations?: Record<string, string> }): Record<string, string>[] {
  const annotations = { ...template.annotations, ...pod.annotations };
  const common: Record<string, string> = {
    __meta_kubernetes_namespace: template.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: pod.ip,
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_node_name: 'test-node',
    __meta_kubernetes_pod_host_ip: pod.ip,
    __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
    __meta_kubernetes_pod_controller_name: `${template.workload}-test`,
  };
  for (const [key, value] of Object.entries(template.labels)) {
    common[`__meta_kubernetes_pod_label_${labelName(key)}`] = String(value);
    common[`__meta_kubernetes_pod_labelpresent_${labelName(key)}`] = 'true';
  }
  for (const [key, value] of Object.entries(annotations)) {
    common[`__meta_kubernetes_pod_annotation_${labelName(key)}`] = String(value);
    common[`__meta_kubernetes_pod_annotationpresent_${labelName(key)}`] = 'true';
  }
  return template.containers.flatMap((container) =>
    container.ports.map((port) => ({
      __address__: `${pod.ip}:${port.containerPort}`,
      ...common,
      __meta_kubernetes_pod_container_name: container.name,
      __meta_kubernetes_pod_container_init: 'false',
      __meta_kubernetes_pod_container_port_name: port.name ?? '',
      __meta_kubernetes_pod_container_port_number: String(port.containerPort),
      __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP',
    })),
  );
}

// ---- promtool and a running Prometheus -------------------------------------------------------------

/** Why the Prometheus tests cannot run here, or null when they can. */
export function prometheusMissing(): string | null {
  const missing = [PROMETHEUS_BINARY, PROMTOOL_BINARY].filter((binary) => !existsSync(binary));
  return missing.length ? `${missing.join(' and ')} not installed (apt-get install prometheus; npm test's pretest does it as root)` : null;
}

/** Runs promtool; resolves its output, or fails with it. */
export async function promtool(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(PROMTOOL_BINARY, args, { cwd });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed: ${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}

export interface TestPrometheus {
  url: string;
  /** An instant query; the result vector. */
  query(expression: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Active alerts (pending and firing). */
  alerts(): Promise<{ labels: Record<string, string>; state: string; value: string }[]>;
  targets(): Promise<{ activeTargets: { labels: Record<string, string>; discoveredLabels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }[]; droppedTargets: { discoveredLabels: Record<string, string> }[] }>;
  /** What it printed, for failure messages. */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). Leaves its folder to the caller. */
  close(): Promise<void>;
}

/**
 * Prometheus on a free loopback port, with `configFile` and its storage under `directory`, ready
 * (`/-/ready`) when this resolves. Retries on another port if the one chosen was taken meanwhile.
 */
export async function startTestPrometheus(configFile: string, directory: string): Promise<TestPrometheus> {
  let failure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const started = await startOnce(configFile, path.join(directory, `data-${attempt}`), port);
    if ('url' in started) return started;
    failure = started.failure;
    if (!/address already in use/.test(failure)) break;
  }
  throw new Error(`Prometheus did not start: ${failure}`);
}

async function startOnce(configFile: string, storage: string, port: number): Promise<TestPrometheus | { failure: string }> {
  mkdirSync(storage, { recursive: true });
  const child = spawn(
    PROMETHEUS_BINARY,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1h'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const watched = watchProcess(child, 8000);
  const close = () => watched.stop();

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    if (watched.exit() !== undefined || Date.now() > deadline) {
      await close();
      return { failure: `${PROMETHEUS_BINARY} ${watched.exit() ?? `was not ready within ${START_TIMEOUT_MS / 1000} s`}: ${watched.output().trim().split('\n').slice(-5).join(' | ')}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const api = async (apiPath: string) => {
    const response = await fetch(`${url}/api/v1/${apiPath}`);
    const body = (await response.json()) as { status: string; data: any; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${apiPath}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expression) => {
      const data = await api(`query?query=${encodeURIComponent(expression)}`);
      return data.result;
    },
    alerts: async () => (await api('alerts')).alerts,
    targets: () => api('targets'),
    output: () => watched.output(),
    close,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Writes `value` as YAML to `file`. */
export function writeYaml(file: string, value: unknown): void {
  writeFileSync(file, YAML.stringify(value, { lineWidth: 0 }));
}
