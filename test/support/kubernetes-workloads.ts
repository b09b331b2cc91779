import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Pod, PodNetwork } from './pod-network.js';

/**
 * The deployment test's stand-in for a cluster: it reads the manifests as `kubectl kustomize`
 * renders them and gives each workload's container what a kubelet would (its environment from
 * ConfigMaps, the Secret and the pod's own fields, its user, its probes), running the container's
 * command as a process in the workload's own pod (pod-network.ts).
 */

// Manifests are plain data from YAML: typed loosely, checked where used.
export type Manifest = Record<string, any>;

/** Why manifests cannot be rendered here, or null when `kubectl kustomize` works. */
export function kubectlUnavailable(): string | null {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (result.error) return `kubectl is not installed (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}); it renders the manifests with kustomize`;
  if (result.status !== 0) return `kubectl version --client failed: ${(result.stderr || result.stdout).trim()}`;
  return null;
}

/** `kubectl kustomize <directory>`, parsed: every document of the multi-document YAML. */
export function kustomize(directory: string): Manifest[] {
  const result = spawnSync('kubectl', ['kustomize', directory], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${directory} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  return parseAllDocuments(result.stdout)
    .map((document) => {
      if (document.errors.length) throw new Error(`kubectl kustomize ${directory} rendered YAML that does not parse: ${document.errors[0].message}`);
      return document.toJS() as Manifest | null;
    })
    .filter((document): document is Manifest => document !== null);
}

const configMapNamed = (documents: Manifest[], name: string) => documents.find((document) => document.kind === 'ConfigMap' && document.metadata?.name === name);

export interface Rendered {
  /** The base rendered as it is (`kubectl kustomize infra/kubernetes`). */
  base: Manifest[];
  /** The environment's overlay rendered: what this test deploys. */
  documents: Manifest[];
  /** The overlay's kustomization.yaml and patch, as written. */
  overlay: { kustomization: string; patch: string };
}

/**
 * Renders `base` through an environment overlay, as an operator deploys it: a kustomization in a
 * folder of its own with `resources: [<base>]` and a strategic-merge patch of one ConfigMap that
 * sets `values`. Throws, naming the key, if the overlay would add a key the base ConfigMap lacks
 * (an overlay must never supply a variable the base forgot), and if the rendering differs from the
 * base anywhere but in those values.
 */
export function renderWithConfigOverlay(base: string, configMap: string, values: Record<string, string>): Rendered {
  const baseDocuments = kustomize(base);
  const baseConfig = configMapNamed(baseDocuments, configMap);
  if (!baseConfig) throw new Error(`${base} renders no ConfigMap ${configMap}`);
  const baseKeys = Object.keys(baseConfig.data ?? {});
  for (const key of Object.keys(values)) {
    if (!baseKeys.includes(key)) throw new Error(`The test's overlay sets ${key}, which the base ConfigMap ${configMap} does not have: an overlay may only change values the base already lists`);
  }
  const folder = mkdtempSync(path.join(os.tmpdir(), 'front-counter-overlay-'));
  try {
    const kustomization = stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      // kustomize accepts only a relative path to another kustomization.
      resources: [path.relative(folder, path.resolve(base))],
      patches: [{ path: 'configmap.yaml' }],
    });
    const patch = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMap }, data: values });
    writeFileSync(path.join(folder, 'kustomization.yaml'), kustomization);
    writeFileSync(path.join(folder, 'configmap.yaml'), patch);
    const documents = kustomize(folder);
    const rendered = configMapNamed(documents, configMap);
    const renderedKeys = Object.keys(rendered?.data ?? {});
    const added = renderedKeys.filter((key) => !baseKeys.includes(key));
    const removed = baseKeys.filter((key) => !renderedKeys.includes(key));
    if (added.length || removed.length) throw new Error(`The overlay changed the keys of ${configMap}: added ${added.join(', ') || 'none'}, removed ${removed.join(', ') || 'none'}`);
    const unchanged = (document: Manifest) =>
      document === rendered ? { ...document, data: Object.fromEntries(Object.entries(document.data).filter(([key]) => !(key in values))) } : document;
    const baseUnchanged = baseDocuments.map((document) => (document === baseConfig ? { ...document, data: Object.fromEntries(Object.entries(document.data).filter(([key]) => !(key in values))) } : document));
    if (!isDeepStrictEqual(documents.map(unchanged), baseUnchanged)) throw new Error('The overlay changed more than the values of its ConfigMap keys');
    return { base: baseDocuments, documents, overlay: { kustomization, patch } };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The keys of an example Secret's stringData (its name and namespace too), as the secret manager must provide them. */
export function exampleSecret(file: string): { name: string; keys: Record<string, string> } {
  const document = parse(readFileSync(file, 'utf8')) as Manifest;
  if (document?.kind !== 'Secret') throw new Error(`${file} is not a Secret`);
  return { name: document.metadata.name, keys: { ...(document.stringData ?? {}), ...Object.fromEntries(Object.entries(document.data ?? {}).map(([key, value]) => [key, Buffer.from(String(value), 'base64').toString('utf8')])) } };
}

/**
 * A value for every key the example lists, from `generators` (given the example's own value, e.g. to
 * keep its login and database names). A key with no generator fails, naming it: the example lists a
 * secret this test (and so possibly an operator) does not know how to make.
 */
export function generateSecret(example: { name: string; keys: Record<string, string> }, generators: Record<string, (exampleValue: string) => string>): Record<string, string> {
  const unknown = Object.keys(example.keys).filter((key) => !generators[key]);
  if (unknown.length) throw new Error(`secret.example.yaml lists ${unknown.join(', ')}, which the deployment test does not know how to generate`);
  return Object.fromEntries(Object.entries(example.keys).map(([key, value]) => [key, generators[key](value)]));
}

export interface Workload {
  kind: 'Job' | 'Deployment';
  name: string;
  namespace: string;
  /** The Job's or Deployment's own spec. */
  spec: Manifest;
  /** The pod template's spec and metadata. */
  podSpec: Manifest;
  podMetadata: Manifest;
  container: Manifest;
}

/** Every Job and Deployment, each with its (one) container. */
export function workloadsOf(documents: Manifest[]): Workload[] {
  return documents
    .filter((document) => document.kind === 'Job' || document.kind === 'Deployment')
    .map((document) => {
      const containers: Manifest[] = document.spec.template.spec.containers;
      if (containers.length !== 1) throw new Error(`${document.metadata.name} has ${containers.length} containers; the deployment test runs one per pod`);
      return {
        kind: document.kind,
        name: document.metadata.name,
        namespace: document.metadata.namespace ?? 'default',
        spec: document.spec,
        podSpec: document.spec.template.spec,
        podMetadata: document.spec.template.metadata ?? {},
        container: containers[0],
      };
    });
}

export interface ClusterState {
  documents: Manifest[];
  /** Secrets by name: only those the secret manager made (the example's, generated). */
  secrets: Record<string, Record<string, string>>;
  /** Services' addresses by name, for the service links a pod gets unless enableServiceLinks is false. */
  serviceAddresses: Record<string, string>;
  /** The image's own ENV (Dockerfile), under everything the pod sets. */
  imageEnvironment: Record<string, string>;
  /** What the cluster's workload identity injects into pods of a ServiceAccount (IRSA's webhook, say). */
  workloadIdentity(serviceAccount: Manifest | undefined): Record<string, string>;
}

/** Kubernetes' $(VAR) expansion in env values and args: defined names are replaced, $$ escapes. */
export function expandReferences(value: string, environment: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => (match === '$$' ? '$' : name !== undefined && name in environment ? environment[name] : match));
}

function fieldValue(workload: Workload, pod: Pod, fieldPath: string): string {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) return String(workload.podMetadata[labelOrAnnotation[1]]?.[labelOrAnnotation[2]] ?? '');
  const fields: Record<string, string> = {
    'metadata.name': pod.name,
    'metadata.namespace': workload.namespace,
    'metadata.uid': `00000000-0000-4000-8000-${Buffer.from(pod.name).toString('hex').slice(0, 12).padEnd(12, '0')}`,
    'spec.nodeName': 'deployment-test-node',
    'spec.serviceAccountName': workload.podSpec.serviceAccountName ?? 'default',
    'status.hostIP': pod.address,
    'status.podIP': pod.address,
    'status.podIPs': pod.address,
  };
  if (!(fieldPath in fields)) throw new Error(`${workload.name}: fieldRef ${fieldPath} is not one the deployment test knows`);
  return fields[fieldPath];
}

/** Service links as the kubelet writes them (FRONT_COUNTER_API_SERVICE_HOST, ..._PORT, ...). */
function serviceLinks(documents: Manifest[], namespace: string, addresses: Record<string, string>): Record<string, string> {
  const links: Record<string, string> = {};
  for (const service of documents.filter((document) => document.kind === 'Service' && (document.metadata.namespace ?? 'default') === namespace)) {
    const name = String(service.metadata.name).toUpperCase().replace(/-/g, '_');
    const address = addresses[service.metadata.name];
    const ports: Manifest[] = service.spec.ports ?? [];
    if (!address || ports.length === 0) continue;
    links[`${name}_SERVICE_HOST`] = address;
    links[`${name}_SERVICE_PORT`] = String(ports[0].port);
    links[`${name}_PORT`] = `tcp://${address}:${ports[0].port}`;
    for (const port of ports) {
      const protocol = (port.protocol ?? 'TCP').toUpperCase();
      if (port.name) links[`${name}_SERVICE_PORT_${String(port.name).toUpperCase().replace(/-/g, '_')}`] = String(port.port);
      const prefix = `${name}_PORT_${port.port}_${protocol}`;
      Object.assign(links, { [prefix]: `${protocol.toLowerCase()}://${address}:${port.port}`, [`${prefix}_PROTO`]: protocol.toLowerCase(), [`${prefix}_PORT`]: String(port.port), [`${prefix}_ADDR`]: address });
    }
  }
  return links;
}

/**
 * The environment the cluster gives a workload's container, and nothing else: the image's ENV, what
 * the kubelet always sets (HOSTNAME, the API server's address; service links unless
 * enableServiceLinks is false), the workload identity of its ServiceAccount, then `envFrom` in order,
 * then `env` (value with $(VAR) expansion, secretKeyRef, configMapKeyRef, fieldRef), later ones
 * winning. A reference to a Secret or ConfigMap, or to a key in one, that does not exist fails,
 * naming the workload, the variable and the key, unless the reference is optional.
 */
export function containerEnvironment(workload: Workload, pod: Pod, cluster: ClusterState): Record<string, string> {
  const { container, podSpec } = workload;
  const where = `${workload.name} (container ${container.name})`;
  const configMap = (name: string) => configMapNamed(cluster.documents, name)?.data as Record<string, string> | undefined;
  const serviceAccount = cluster.documents.find((document) => document.kind === 'ServiceAccount' && document.metadata.name === (podSpec.serviceAccountName ?? 'default'));
  const environment: Record<string, string> = {
    ...cluster.imageEnvironment,
    HOSTNAME: pod.name,
    // The API server's Service, which every pod gets whatever enableServiceLinks says.
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    ...(podSpec.enableServiceLinks === false ? {} : serviceLinks(cluster.documents, workload.namespace, cluster.serviceAddresses)),
    ...cluster.workloadIdentity(serviceAccount),
  };
  for (const source of (container.envFrom ?? []) as Manifest[]) {
    const prefix: string = source.prefix ?? '';
    if (source.configMapRef) {
      const data = configMap(source.configMapRef.name);
      if (!data) {
        if (source.configMapRef.optional) continue;
        throw new Error(`${where}: envFrom names the ConfigMap ${source.configMapRef.name}, which the manifests do not make`);
      }
      for (const [key, value] of Object.entries(data)) environment[`${prefix}${key}`] = String(value);
    } else if (source.secretRef) {
      const data = cluster.secrets[source.secretRef.name];
      if (!data) {
        if (source.secretRef.optional) continue;
        throw new Error(`${where}: envFrom names the Secret ${source.secretRef.name}, which no example Secret lists`);
      }
      for (const [key, value] of Object.entries(data)) environment[`${prefix}${key}`] = value;
    }
  }
  for (const variable of (container.env ?? []) as Manifest[]) {
    const name: string = variable.name;
    if (variable.valueFrom === undefined) {
      environment[name] = expandReferences(String(variable.value ?? ''), environment);
      continue;
    }
    const { secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef } = variable.valueFrom as Manifest;
    if (secretKeyRef) {
      const data = cluster.secrets[secretKeyRef.name];
      const value = data?.[secretKeyRef.key];
      if (value === undefined) {
        if (secretKeyRef.optional) continue;
        throw new Error(
          data
            ? `${where}: ${name} needs the key ${secretKeyRef.key} of the Secret ${secretKeyRef.name}, which secret.example.yaml does not list`
            : `${where}: ${name} needs the Secret ${secretKeyRef.name}, which no example Secret makes`,
        );
      }
      environment[name] = value;
    } else if (configMapKeyRef) {
      const value = configMap(configMapKeyRef.name)?.[configMapKeyRef.key];
      if (value === undefined) {
        if (configMapKeyRef.optional) continue;
        throw new Error(`${where}: ${name} needs the key ${configMapKeyRef.key} of the ConfigMap ${configMapKeyRef.name}, which the manifests do not have`);
      }
      environment[name] = String(value);
    } else if (fieldRef) {
      environment[name] = fieldValue(workload, pod, fieldRef.fieldPath);
    } else if (resourceFieldRef) {
      throw new Error(`${where}: ${name} uses a resourceFieldRef, which the deployment test does not provide`);
    }
  }
  return environment;
}

/** The `ENV` lines of a Dockerfile's last stage: the image's own environment. */
export function imageEnvironment(dockerfile: string): Record<string, string> {
  const text = readFileSync(dockerfile, 'utf8');
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const environment: Record<string, string> = {};
  for (const match of lastStage.matchAll(/^ENV\s+(.+)$/gm)) {
    for (const pair of match[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) environment[pair[1]] = pair[2].replace(/^"|"$/g, '');
  }
  return environment;
}

/** The user a container runs as: the container's securityContext over the pod's. */
export function runAs(workload: Workload): { user?: number; group?: number; fsGroup?: number } {
  const pod = workload.podSpec.securityContext ?? {};
  const container = workload.container.securityContext ?? {};
  return { user: container.runAsUser ?? pod.runAsUser, group: container.runAsGroup ?? pod.runAsGroup, fsGroup: pod.fsGroup };
}

const SETPRIV = '/usr/bin/setpriv';

/** A workload's process in its pod, with everything it printed. */
export class WorkloadProcess {
  stdout = '';
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly workload: Workload,
    readonly pod: Pod,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.stderr += `could not be run: ${error.message}`;
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
      // 'close': the output is complete too.
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get name(): string {
    return this.workload.name;
  }

  /** Its JSON log lines (stdout), parsed; other lines are skipped. */
  logLines(): Record<string, unknown>[] {
    return this.stdout.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** `<workload> exited <code>: <its stderr>` (or the end of its stdout when stderr is empty). */
  failure(): string {
    const how = this.exit?.signal ? `was killed by ${this.exit.signal}` : `exited ${this.exit?.code}`;
    const said = this.stderr.trim() || this.stdout.trim().split('\n').slice(-10).join('\n');
    return `${this.name} ${how}: ${said || '(it printed nothing)'}`;
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Starts a workload's container command in its pod, as the user its securityContext names (with
 * setpriv, where installed), in `cwd` (the image's WORKDIR), with exactly `environment`. `command`
 * replaces the container's own for an image that cannot run here.
 */
export function startContainer(network: PodNetwork, pod: Pod, workload: Workload, environment: Record<string, string>, options: { cwd: string; command?: string[] }): WorkloadProcess {
  const command = options.command ?? containerCommand(workload, environment);
  const { user, group, fsGroup } = runAs(workload);
  const privileges =
    user !== undefined && existsSync(SETPRIV)
      ? [SETPRIV, `--reuid=${user}`, `--regid=${group ?? user}`, ...(fsGroup !== undefined ? [`--groups=${fsGroup}`] : ['--clear-groups']), '--']
      : [];
  const [file, ...args] = [...privileges, ...command];
  return new WorkloadProcess(workload, pod, network.spawnIn(pod, file, args, { env: environment, cwd: options.cwd }));
}

/**
 * The container's command: its `args` after the image's entrypoint (tini, which only forwards
 * signals), with `node` being this Node.js. A container that overrides `command` runs another image's
 * program, which the caller must replace.
 */
export function containerCommand(workload: Workload, environment: Record<string, string>): string[] {
  const { container } = workload;
  if (container.command) throw new Error(`${workload.name}: its image's command ${JSON.stringify(container.command)} cannot run here; give a replacement`);
  const args: string[] = (container.args ?? []).map((arg: string) => expandReferences(arg, environment));
  if (args[0] !== 'node') throw new Error(`${workload.name}: expected args to start with node, got ${JSON.stringify(container.args)}`);
  return [process.execPath, ...args.slice(1)];
}

/** A probe's port: a number, or the name of one of the container's ports. */
function probePort(workload: Workload, port: number | string): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = ((workload.container.ports ?? []) as Manifest[]).find((candidate) => candidate.name === port);
  if (!named) throw new Error(`${workload.name}: a probe names the port "${port}", which the container does not declare`);
  return named.containerPort;
}

/** What a kubelet's httpGet probe sees: the status, or null when nothing answered. */
function httpProbe(address: string, port: number, pathName: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const request = http.get({ host: address, port, path: pathName, timeout: timeoutMs, headers: { host: `${address}:${port}`, 'user-agent': 'kube-probe/1.32', accept: '*/*' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? null);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}

function tcpProbe(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits, as a kubelet does, for the container's startup probe and then its readiness probe to
 * succeed (an http status 200-399, a TCP connect, or for an `exec` probe the check `execProbe`
 * stands in for), polling quickly; fails with `<workload> exited <code>: <stderr>` if the process
 * ends first, or names the probe when `timeoutMs` (at most what the manifest allows) passes.
 */
export async function waitUntilReady(running: WorkloadProcess, options: { timeoutMs: number; execProbe?: () => Promise<boolean> }): Promise<void> {
  const { workload, pod } = running;
  for (const kind of ['startupProbe', 'readinessProbe'] as const) {
    const probe: Manifest | undefined = workload.container[kind];
    if (!probe) continue;
    const allowedMs = ((probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3)) * 1000;
    const deadline = Date.now() + Math.min(options.timeoutMs, allowedMs);
    const describe = probe.httpGet ? `httpGet ${probe.httpGet.path} on ${probe.httpGet.port}` : probe.tcpSocket ? `tcpSocket ${probe.tcpSocket.port}` : `exec ${JSON.stringify(probe.exec?.command)}`;
    const check = async (): Promise<boolean> => {
      const timeout = (probe.timeoutSeconds ?? 1) * 1000;
      if (probe.httpGet) {
        if ((probe.httpGet.scheme ?? 'HTTP') !== 'HTTP') throw new Error(`${workload.name}: ${kind} uses ${probe.httpGet.scheme}, which the test does not speak`);
        const status = await httpProbe(probe.httpGet.host ?? pod.address, probePort(workload, probe.httpGet.port), probe.httpGet.path ?? '/', timeout);
        return status !== null && status >= 200 && status < 400;
      }
      if (probe.tcpSocket) return tcpProbe(probe.tcpSocket.host ?? pod.address, probePort(workload, probe.tcpSocket.port), timeout);
      if (probe.exec) {
        if (!options.execProbe) throw new Error(`${workload.name}: ${kind} runs ${JSON.stringify(probe.exec.command)} in the image; give the test a check that stands in for it`);
        return options.execProbe();
      }
      throw new Error(`${workload.name}: ${kind} has no handler the test knows`);
    };
    for (;;) {
      if (running.exit) throw new Error(running.failure());
      if (await check()) break;
      if (running.exit) throw new Error(running.failure());
      if (Date.now() > deadline) {
        throw new Error(`${workload.name}: its ${kind} (${describe}) did not succeed within ${Math.round(Math.min(options.timeoutMs, allowedMs) / 1000)} s. It printed:\n${running.stderr}\n${running.stdout.split('\n').slice(-20).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Runs a Job's container to completion: resolves when it exits 0, else fails with its stderr. */
export async function runToCompletion(job: WorkloadProcess, timeoutMs: number): Promise<void> {
  const limitMs = Math.min(timeoutMs, (job.workload.spec.activeDeadlineSeconds ?? Infinity) * 1000);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limitMs)));
  const outcome = await Promise.race([job.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await job.stop();
    throw new Error(`${job.name} did not finish within ${limitMs / 1000} s:\n${job.stderr}\n${job.stdout}`);
  }
  if (outcome.code !== 0) throw new Error(job.failure());
}
