import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { clamdPing } from '@front-counter/evidence';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { EICAR, EICAR_SIGNATURE } from '../support/clamd.js';
import { prepareDatabaseByRunbook, S3RVER_CREDENTIALS, startIssuerOn, startPostgresFor, startS3On, type ClusterIssuer, type TestPostgres } from '../support/cluster-services.js';
import {
  containerEnvironment,
  exampleSecret,
  generateSecret,
  imageEnvironment,
  kubectlUnavailable,
  kustomize,
  renderWithConfigOverlay,
  runAs,
  runToCompletion,
  startContainer,
  waitUntilReady,
  workloadsOf,
  type ClusterState,
  type Manifest,
  type Rendered,
  type Workload,
  type WorkloadProcess,
} from '../support/kubernetes-workloads.js';
import { createPodNetwork, podNetworkUnavailable, type Pod, type PodNetwork } from '../support/pod-network.js';
import { PublicVisitor } from '../support/public-site.js';
import { dashcamAnswers } from '../support/reports.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/**
 * The deployment as shipped (issue 11): infra/kubernetes rendered by `kubectl kustomize` through an
 * environment overlay that changes only what differs here, every workload's container command run as
 * its own process in a pod of its own (a network namespace with its own address; Service names
 * resolve to the pods) with exactly the environment the cluster would give it: the ConfigMaps, the
 * Secret whose every key secret.example.yaml lists (values generated as it says), the pod's own
 * fields and its workload identity, nothing from this test's process. Behind them: a PostgreSQL
 * server prepared by the runbook's SQL (infra/README.md), s3rver, an SMTP relay, an OIDC issuer and
 * clamd. In release order (the migrate job to completion, clamd, api, worker, web, each to its
 * readiness probe), then a report goes from the public site through the api to the worker's e-mail
 * and the staff queue, and evidence into the bucket and past the scanner.
 *
 * Skipped, saying why, where kubectl is absent or pods cannot be made (network namespaces need root
 * and iproute2).
 */

const KUBERNETES = path.join(ROOT, 'infra', 'kubernetes');
const CONFIG_MAP = 'front-counter-config';
const CLAMD_BINARY = '/usr/sbin/clamd';

const skipped = kubectlUnavailable() ?? podNetworkUnavailable();
if (skipped) console.warn(`Skipping the deployment test: ${skipped}`);
const maybe = skipped ? it.skip : it;
const clamdMissing = existsSync(CLAMD_BINARY) ? null : `clamd is not installed (${CLAMD_BINARY}; apt-get install clamav-daemon)`;
if (!skipped && clamdMissing) console.warn(`The deployment test runs without clamd, and does not check scanning: ${clamdMissing}`);

/** The force the journeys are made on, on its real domain: production serves no <slug>.localhost. */
const FORCE = 'northshire';
const forceHost = () => (parse(readFileSync(path.join(ROOT, 'tenants', FORCE, 'tenant.yaml'), 'utf8')) as { domains: string[] }).domains[0];

let network: PodNetwork | undefined;
let postgres: TestPostgres | undefined;
let s3: Awaited<ReturnType<typeof startS3On>> | undefined;
let smtp: SmtpSink | undefined;
let issuer: ClusterIssuer | undefined;
let clamdFolder: string | undefined;
let rendered: Rendered;
let overlayValues: Record<string, string>;
let secret: Record<string, string>;
let runbookStatements: string[];
let cluster: ClusterState;
let workloads: Map<string, Workload>;
const pods = new Map<string, Pod>();
const processes: WorkloadProcess[] = [];
const reporterEmail = `alex.${randomBytes(4).toString('hex')}@example.com`;

/** The one Secret, as the cluster's secret manager would make it: a value for every key the example lists, each made as the example says. */
function makeSecret(databaseAt: { host: string; port: number }, relay: { host: string; port: number }): Record<string, string> {
  const appPassword = randomBytes(32).toString('hex'); // `openssl rand -hex 32`
  const migratorPassword = randomBytes(32).toString('hex');
  // The example's login, database and user names stay; the address is this test's server, which has
  // no TLS (so no sslmode/sslrootcert: the optional front-counter-db-ca ConfigMap is absent here too).
  const reaching = (example: string, password: string, at: { host: string; port: number }) => {
    const url = new URL(example);
    url.password = password;
    url.hostname = at.host;
    url.port = String(at.port);
    url.search = ''; // also drops SMTP's requireTLS: the test relay offers no STARTTLS
    return url.toString();
  };
  return generateSecret(exampleSecret(path.join(KUBERNETES, 'secret.example.yaml')), {
    SESSION_SECRET: () => randomBytes(48).toString('base64'), // `openssl rand -base64 48`
    DATABASE_URL: (example) => reaching(example, migratorPassword, databaseAt),
    DATABASE_APP_PASSWORD: () => appPassword,
    APP_DATABASE_URL: (example) => reaching(example, appPassword, databaseAt),
    SMTP_URL: (example) => reaching(example, randomBytes(24).toString('hex'), relay), // `openssl rand -hex 24`
  });
}

/** Which pod each Service's name leads to (its selector against the pod templates' labels). */
function serviceAddresses(documents: Manifest[]): Record<string, string> {
  const addresses: Record<string, string> = {};
  for (const service of documents.filter((document) => document.kind === 'Service')) {
    const selector: Record<string, string> = service.spec.selector ?? {};
    const target = [...workloads.values()].find((workload) => Object.entries(selector).every(([key, value]) => workload.podMetadata.labels?.[key] === value));
    if (!target) continue;
    // Names resolve straight to the pod (there is no kube-proxy here): a Service that the settings
    // name (API_URL, CLAMD_HOST) must not remap its port, or the pods would call the wrong one here.
    const named = documents.some((document) => document.kind === 'ConfigMap' && Object.values(document.data ?? {}).some((value) => new RegExp(`\\b${service.metadata.name}\\b`).test(String(value))));
    for (const port of service.spec.ports as Manifest[]) {
      const targetPort = typeof port.targetPort === 'string' ? target.container.ports?.find((candidate: Manifest) => candidate.name === port.targetPort)?.containerPort : (port.targetPort ?? port.port);
      if (named && targetPort !== port.port) throw new Error(`Service ${service.metadata.name} maps port ${port.port} to ${targetPort}: the test's pod network has no kube-proxy to do that`);
    }
    addresses[service.metadata.name] = pods.get(target.name)!.address;
  }
  return addresses;
}

function workload(name: string): Workload {
  const found = workloads.get(name);
  if (!found) throw new Error(`The manifests have no workload ${name} (they have ${[...workloads.keys()].join(', ')})`);
  return found;
}

/** clamd's own configuration from the rendered ConfigMap the clamd pod mounts, its folders moved into a temporary one. */
function clamdConfiguration(folder: string): { config: string; original: string } {
  const clamd = workload('front-counter-clamd');
  const volume = (clamd.podSpec.volumes as Manifest[]).find((candidate) => candidate.name === 'config');
  const configMap = rendered.documents.find((document) => document.kind === 'ConfigMap' && document.metadata.name === volume?.configMap?.name);
  const original: string | undefined = configMap?.data?.['clamd.conf'];
  if (!original) throw new Error(`front-counter-clamd mounts ConfigMap ${volume?.configMap?.name}, which renders no clamd.conf`);
  const moved: Record<string, string> = {
    DatabaseDirectory: path.join(folder, 'database'),
    TemporaryDirectory: path.join(folder, 'tmp'),
    LocalSocket: path.join(folder, 'clamd.sock'),
  };
  const config = original
    .split('\n')
    .map((line) => {
      const setting = /^(\w+)\s/.exec(line)?.[1];
      return setting && setting in moved ? `${setting} ${moved[setting]}` : line;
    })
    .join('\n');
  return { config, original };
}

/**
 * Starts a workload in its pod and waits for its readiness, as a rollout does. clamd's image cannot
 * run here: Debian's clamd runs instead, with the manifests' clamd.conf (folders moved) and a test
 * signature database instead of the image's signatures (which freshclam cannot download here).
 */
async function deploy(name: string, options: { from?: Workload; pod?: Pod } = {}): Promise<WorkloadProcess> {
  const spec = options.from ?? workload(name);
  const pod = options.pod ?? pods.get(name)!;
  const environment = containerEnvironment(spec, pod, cluster);
  let started: WorkloadProcess;
  if (name === 'front-counter-clamd') {
    const folder = clamdFolder!;
    const { config } = clamdConfiguration(folder);
    mkdirSync(path.join(folder, 'database'), { recursive: true });
    mkdirSync(path.join(folder, 'tmp'), { recursive: true });
    const eicarMd5 = createHash('md5').update(EICAR).digest('hex');
    writeFileSync(path.join(folder, 'database', 'test.hdb'), `${eicarMd5}:${Buffer.byteLength(EICAR)}:${EICAR_SIGNATURE}\n`);
    writeFileSync(path.join(folder, 'clamd.conf'), config);
    // The folders belong to the user the pod runs as (runAsUser/runAsGroup), as its emptyDirs would.
    const { user, group } = runAs(spec);
    for (const item of ['.', 'database', 'database/test.hdb', 'tmp', 'clamd.conf']) chownSync(path.join(folder, item), user ?? 0, group ?? 0);
    started = startContainer(network!, pod, spec, environment, { cwd: folder, command: [CLAMD_BINARY, '-c', path.join(folder, 'clamd.conf')] });
    processes.push(started);
    // The image's probe (clamdcheck.sh) sends PING and expects PONG: the same, over the pod's TCP port.
    await waitUntilReady(started, { timeoutMs: 60_000, execProbe: () => clamdPing({ host: pod.address, port: 3310, timeoutMs: 1000 }) });
    return started;
  }
  started = startContainer(network!, pod, spec, environment, { cwd: ROOT }); // ROOT: the image's WORKDIR /app
  processes.push(started);
  if (spec.kind === 'Job') await runToCompletion(started, 120_000);
  else await waitUntilReady(started, { timeoutMs: 60_000 });
  return started;
}

beforeAll(async () => {
  if (skipped) return;
  await ensureBuilt();
  network = createPodNetwork();
  const host = network.hostAddress;
  // What lives outside the cluster, reachable from the pods at the gateway's address.
  const base = kustomize(KUBERNETES);
  const baseConfig = base.find((document) => document.kind === 'ConfigMap' && document.metadata.name === CONFIG_MAP)!.data as Record<string, string>;
  [postgres, s3, smtp, issuer] = await Promise.all([
    startPostgresFor(host),
    startS3On(host, baseConfig.S3_BUCKET),
    // The first e-mail to the reporter is refused once (a relay's 451): the worker logs the failed
    // delivery under the report's trace, then delivers it on its next try.
    startSmtpSink({ host, refuseOnce: (recipient) => recipient === reporterEmail }),
    startIssuerOn(host),
  ]);

  // The environment's overlay: only values that differ from the shipped ConfigMap here. The identity
  // provider and the S3-compatible store are this test's (S3_BUCKET stays: s3rver has that bucket);
  // TRUST_PROXY's 10.0.0.0/8 already holds the pod network (10.x.y.0/24), so it stays too.
  overlayValues = { IDP_URL: issuer.url, S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: 'true' };
  rendered = renderWithConfigOverlay(KUBERNETES, CONFIG_MAP, overlayValues);
  workloads = new Map(workloadsOf(rendered.documents).map((found) => [found.name, found]));
  for (const name of workloads.keys()) pods.set(name, network.addPod(`${name}-0`));
  pods.set('front-counter-web/broken', network.addPod('front-counter-web-1'));
  const namespace = workload('front-counter-api').namespace;
  const addresses = serviceAddresses(rendered.documents);
  network.setServiceNames(addresses, namespace);

  secret = makeSecret(postgres, smtp);
  cluster = {
    documents: rendered.documents,
    secrets: { 'front-counter-secrets': secret },
    serviceAddresses: addresses,
    imageEnvironment: imageEnvironment(path.join(ROOT, 'infra', 'Dockerfile')),
    // The cluster's workload identity: for a ServiceAccount carrying an IAM role (IRSA's annotation)
    // EKS's webhook injects AWS_ROLE_ARN and a web identity token that the AWS SDK's default chain
    // turns into credentials. Here "the cloud" is s3rver, whose only account is S3RVER/S3RVER, so the
    // stand-in injects those through the same default chain (its environment variables). Pods of any
    // other ServiceAccount get no AWS variable at all.
    workloadIdentity: (serviceAccount): Record<string, string> =>
      serviceAccount?.metadata?.annotations?.['eks.amazonaws.com/role-arn'] ? { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey } : {},
  };

  // The managed database, prepared by hand once as infra/README.md's "Roles in PostgreSQL" says (its
  // own SQL, run by an admin login with CREATEROLE and CREATEDB but no superuser, as a managed
  // provider's), with the passwords the secret manager holds.
  runbookStatements = await prepareDatabaseByRunbook(postgres, path.join(ROOT, 'infra', 'README.md'), { app: secret.DATABASE_APP_PASSWORD, migrator: new URL(secret.DATABASE_URL).password });
  if (!clamdMissing) {
    clamdFolder = mkdtempSync(path.join(os.tmpdir(), 'front-counter-deployment-clamd-'));
    chmodSync(clamdFolder, 0o755);
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(processes.map((running) => running.stop()));
  await network?.close();
  await Promise.all([smtp?.close(), s3?.close(), issuer?.close(), postgres?.close()]);
  if (clamdFolder) rmSync(clamdFolder, { recursive: true, force: true });
}, 60_000);

type GraphqlResult = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };

async function asCallHandler(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResult> {
  const bearer = await issuer!.token({ realm: FORCE, roles: ['call-handler'], subject: `${FORCE}-handler`, name: 'Northshire call handler' });
  const response = await fetch(`http://${pods.get('front-counter-api')!.address}:3001/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphqlResult;
  if (response.status !== 200 || body.errors) throw new Error(`The api answered ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body;
}

async function eventually<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

maybe('starts every workload as rendered, in release order, and a report goes from the public site through the api to the e-mail and the staff queue', async () => {
  // The overlay changed only values of keys the shipped ConfigMap already has.
  const baseConfig = rendered.base.find((document) => document.kind === 'ConfigMap' && document.metadata.name === CONFIG_MAP)!.data;
  const deployedConfig = rendered.documents.find((document) => document.kind === 'ConfigMap' && document.metadata.name === CONFIG_MAP)!.data;
  expect(Object.keys(deployedConfig).sort()).toEqual(Object.keys(baseConfig).sort());
  expect(Object.keys(deployedConfig).filter((key) => deployedConfig[key] !== baseConfig[key]).sort()).toEqual(Object.keys(overlayValues).sort());
  expect([...workloads.keys()].sort()).toEqual(['front-counter-api', 'front-counter-clamd', 'front-counter-migrate', 'front-counter-web', 'front-counter-worker']);

  // Exactly the cluster's environment: nothing of this test process's own; AWS only through the
  // workload identity, and only for the pods of the evidence ServiceAccount.
  for (const [name, spec] of workloads) {
    const environment = containerEnvironment(spec, pods.get(name)!, cluster);
    expect(environment.PATH).toBeUndefined();
    expect(environment.HOME).toBeUndefined();
    const identity = ['front-counter-api', 'front-counter-worker'].includes(name);
    expect([name, Object.keys(environment).filter((key) => key.startsWith('AWS_')).sort()]).toEqual([name, identity ? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] : []]);
  }

  // The database was prepared by the runbook's own SQL.
  expect(runbookStatements).toContainEqual(expect.stringMatching(/^CREATE DATABASE front_counter OWNER front_counter_owner$/));
  expect(runbookStatements).toContainEqual(expect.stringMatching(/^GRANT USAGE ON SCHEMA public TO front_counter_app$/));

  // A release: the migrate job first, to completion; then clamd, the api, the worker, the web.
  const migrate = await deploy('front-counter-migrate');
  expect(migrate.stdout).toMatch(/Applied migrations: /);
  if (!clamdMissing) await deploy('front-counter-clamd');
  const api = await deploy('front-counter-api');
  const worker = await deploy('front-counter-worker');
  const web = await deploy('front-counter-web');

  // Each runs as the user its securityContext names (the image's uid 1000; clamd's 100), not as root.
  for (const running of processes.filter((candidate) => candidate.exit === null)) {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${running.child.pid}/status`, 'utf8'))?.[1];
    expect([running.name, Number(uid)]).toEqual([running.name, runAs(running.workload).user]);
  }

  // Each answers Prometheus on its own metrics port.
  for (const running of [api, worker, web]) {
    const metrics = await fetch(`http://${running.pod.address}:9464/metrics`);
    expect([running.name, metrics.status]).toEqual([running.name, 200]);
    expect(await metrics.text()).toContain('process_cpu_seconds_total');
  }

  // The public, on the force's own domain through the ingress (https outside, Host unchanged).
  const site = `http://${web.pod.address}:3000`;
  const visitor = new PublicVisitor(site, forceHost());
  const { reference } = await visitor.completeService('contact-us', {
    emergency: { emergency: 'no' },
    'contact-reason': { contactReason: 'compliment' },
    message: { message: 'Thank you to PC Jones for her help at the station on Saturday.' },
    'your-details': { fullName: 'Alex Reporter', email: reporterEmail },
    declaration: { confirm: 'yes' },
  });
  expect(reference).toMatch(/^[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}$/);
  // Production cookies: Secure, and the journey's is a __Host- cookie.
  expect(visitor.setCookies.filter((cookie) => /^__Host-fc_session=/.test(cookie)).every((cookie) => /;\s*Secure/i.test(cookie))).toBe(true);
  expect(visitor.setCookies.some((cookie) => /^__Host-fc_session=/.test(cookie))).toBe(true);

  // The worker's confirmation e-mail, through the relay in SMTP_URL with its credentials, after one refusal.
  const mail = await smtp!.waitFor((candidate) => candidate.to.includes(reporterEmail), 30_000, `to ${reporterEmail}`);
  expect(mail.subject).toBe(`Northshire Police: we have your report ${reference}`);
  expect(mail.text).toContain(reference);
  expect(smtp!.refused).toEqual([reporterEmail]);
  const relay = new URL(secret.SMTP_URL);
  expect(smtp!.logins).toContainEqual({ user: decodeURIComponent(relay.username), password: relay.password });

  // The staff queue, on the api with a token of the force's realm at IDP_URL.
  const queue = await asCallHandler(`query { queue(first: 200) { total items { reference queue status } } }`);
  expect(queue.data.queue.items).toContainEqual(expect.objectContaining({ reference: reference.replaceAll('-', ''), status: 'AWAITING_TRIAGE' }));

  // One trace from the web's request to the api's and on to the worker's delivery.
  const submitted = web.logLines().find((line) => line.msg === 'request' && line.method === 'POST' && line.path === '/contact-us/declaration');
  expect(submitted).toMatchObject({ status: 303, tenant: FORCE, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  const traceId = submitted!.traceId;
  // The submission reaches the api over the journey wire (apps/api/src/journey-wire.ts).
  expect(api.logLines().filter((line) => line.traceId === traceId && line.msg === 'request')).toContainEqual(expect.objectContaining({ method: 'POST', path: '/journey-wire/submitReport', tenant: FORCE }));
  expect(worker.logLines().filter((line) => line.traceId === traceId)).toContainEqual(expect.objectContaining({ msg: 'outbox delivery failed; will retry', type: 'email.report-confirmation' }));

  // Evidence: a photo with dashcam footage, into the bucket through the workload identity, scanned by clamd.
  const sharp = (await import('sharp')).default;
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } }).png().toBuffer();
  const answers = Object.fromEntries(Object.entries(dashcamAnswers()).map(([page, values]) => [page, values as Record<string, string>]));
  const dashcam = await new PublicVisitor(site, forceHost()).completeService('submit-dashcam-footage', {
    ...answers,
    upload: { files: { footage: [{ name: 'junction.png', contentType: 'image/png', content: photo }] } },
    declaration: { confirm: 'yes' },
  });
  const evidence = await eventually(`the photo of ${dashcam.reference} was not ${clamdMissing ? 'processed' : 'scanned clean'}`, 30_000, async () => {
    const listed = await asCallHandler(`query($r: String!) { reportEvidence(report: $r) { id name sha256 sizeBytes scanStatus scanDetail available hasThumbnail } }`, { r: dashcam.reference.replaceAll('-', '') });
    const [file] = listed.data.reportEvidence;
    return file && file.scanStatus !== 'PENDING' && file.hasThumbnail ? file : undefined;
  });
  expect(evidence).toMatchObject({ name: 'junction.png', sha256: createHash('sha256').update(photo).digest('hex'), sizeBytes: photo.length, available: true });
  if (!clamdMissing) expect(evidence).toMatchObject({ scanStatus: 'CLEAN', scanDetail: null });

  const bucket = new S3Client({ endpoint: s3!.endpoint, region: deployedConfig.S3_REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  try {
    const objects = await bucket.send(new ListObjectsV2Command({ Bucket: deployedConfig.S3_BUCKET }));
    const keys = (objects.Contents ?? []).map((object) => object.Key!).filter((key) => key.includes(evidence.id));
    expect(keys.map((key) => key.replace(/^evidence\/[0-9a-f-]+\/[0-9a-f-]+\//, '')).sort()).toEqual([`${evidence.id}.display`, `${evidence.id}.original`, `${evidence.id}.thumbnail`]);
    const original = await bucket.send(new GetObjectCommand({ Bucket: deployedConfig.S3_BUCKET, Key: keys.find((key) => key.endsWith('.original')) }));
    expect(Buffer.from(await original.Body!.transformToByteArray()).equals(photo)).toBe(true);
  } finally {
    bucket.destroy();
  }

  // Nothing failed along the way: no process wrote an error.
  for (const running of [api, worker, web]) {
    expect([running.name, running.logLines().filter((line) => Number(line.level) >= 50)]).toEqual([running.name, []]);
  }
}, 240_000);

maybe('a workload given too little fails at start, naming the workload and the variable', async () => {
  // The web without SESSION_SECRET (its secretKeyRef taken out of the manifest), in a pod of its own.
  const web = structuredClone(workload('front-counter-web'));
  web.container.env = (web.container.env as Manifest[]).filter((variable) => variable.name !== 'SESSION_SECRET');
  const failure = deploy('front-counter-web', { from: web, pod: pods.get('front-counter-web/broken') });
  await expect(failure).rejects.toThrow(/^front-counter-web exited 78: Invalid configuration:\n\s+- SESSION_SECRET must be set in production/);

  // A key a workload asks of the Secret that secret.example.yaml does not list.
  const worker = structuredClone(workload('front-counter-worker'));
  const smtpUrl = (worker.container.env as Manifest[]).find((variable) => variable.name === 'SMTP_URL')!;
  smtpUrl.valueFrom.secretKeyRef.key = 'SMTP_RELAY_URL';
  expect(() => containerEnvironment(worker, pods.get('front-counter-worker')!, cluster)).toThrow(
    'front-counter-worker (container worker): SMTP_URL needs the key SMTP_RELAY_URL of the Secret front-counter-secrets, which secret.example.yaml does not list',
  );

  // A key the example lists that nobody knows how to generate; an overlay that would add a variable the base lacks.
  const example = exampleSecret(path.join(KUBERNETES, 'secret.example.yaml'));
  const known = Object.fromEntries(Object.keys(example.keys).map((key) => [key, () => 'generated']));
  expect(() => generateSecret({ name: example.name, keys: { ...example.keys, NEW_API_KEY: 'CHANGE-ME' } }, known)).toThrow(
    'secret.example.yaml lists NEW_API_KEY, which the deployment test does not know how to generate',
  );
  expect(() => renderWithConfigOverlay(KUBERNETES, CONFIG_MAP, { SMTP_URL: 'smtp://relay:25' })).toThrow(
    `The test's overlay sets SMTP_URL, which the base ConfigMap ${CONFIG_MAP} does not have: an overlay may only change values the base already lists`,
  );
}, 120_000);
