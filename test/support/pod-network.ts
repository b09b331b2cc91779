import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A pod network on this machine, as a cluster's network plugin gives one: every pod its own network
 * namespace and address on one bridge, so that each process listens on the fixed ports of its
 * manifest (3000, 3001, 9464, 3310) however many other runs share the machine, and Service names
 * resolve to the pod behind them (each namespace's /etc/hosts, which `ip netns exec` mounts over
 * /etc/hosts). The host side of the bridge is where the test's own servers listen: the "managed"
 * PostgreSQL, S3, the SMTP relay and the identity provider.
 *
 * Needs root and iproute2's `ip`. Every name carries this run's id (and the test process's pid, so
 * that a later run can remove what a killed one left behind); close() removes everything.
 */

const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];
const PREFIX = 'fcdt';

export interface Pod {
  /** The workload's pod name (e.g. front-counter-api). */
  name: string;
  /** The network namespace it runs in. */
  namespace: string;
  address: string;
}

export interface PodNetwork {
  /** The host's address on the bridge: the pods' default gateway, where the test's own servers listen. */
  hostAddress: string;
  /** The pods' subnet, e.g. 10.37.201.0/24. */
  subnet: string;
  addPod(name: string): Pod;
  /**
   * Writes every pod's /etc/hosts: localhost, the pod's own name, and `names` (Service name ->
   * address), also as <name>.<namespace>.svc.cluster.local, as cluster DNS would answer.
   */
  setServiceNames(names: Record<string, string>, kubernetesNamespace: string): void;
  /** Runs `file args` inside the pod's network namespace with exactly `env` (nothing inherited). */
  spawnIn(pod: Pod, file: string, args: string[], options: { env: Record<string, string>; cwd: string }): ChildProcess;
  close(): Promise<void>;
}

function ipBinary(): string | undefined {
  return IP_CANDIDATES.find((candidate) => existsSync(candidate));
}

/** Why pods cannot be made here, or null when they can (root and `ip` are there). */
export function podNetworkUnavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the tests as root)';
  if (!ipBinary()) return `iproute2's ip is not installed (looked for ${IP_CANDIDATES.join(', ')}; apt-get install iproute2)`;
  return null;
}

function ip(args: string[]): string {
  const result = spawnSync(ipBinary()!, args, { encoding: 'utf8', env: {} });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(result.stderr || result.stdout || result.error?.message || '').trim()}`);
  return result.stdout;
}

const tryIp = (args: string[]) => spawnSync(ipBinary()!, args, { encoding: 'utf8', env: {} });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what runs of this test killed before their clean-up left behind (their pid is gone). */
function sweepLeftovers(): void {
  const namespaces = tryIp(['netns', 'list']).stdout ?? '';
  const bridges = new Set<string>();
  for (const line of namespaces.split('\n')) {
    const name = line.split(' ')[0];
    const match = new RegExp(`^${PREFIX}-(\\d+)-([0-9a-f]{6})-`).exec(name);
    if (!match || alive(Number(match[1]))) continue;
    tryIp(['netns', 'delete', name]);
    rmSync(path.join('/etc/netns', name), { recursive: true, force: true });
    bridges.add(`${PREFIX}${match[2]}`);
  }
  for (const bridge of bridges) tryIp(['link', 'delete', bridge]);
  if (existsSync('/etc/netns')) {
    for (const name of readdirSync('/etc/netns')) {
      const match = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
      if (match && !alive(Number(match[1]))) rmSync(path.join('/etc/netns', name), { recursive: true, force: true });
    }
  }
}

/** IPv4 prefixes of every route and address on this machine, to keep clear of. */
function usedPrefixes(): [number, number][] {
  const text = `${tryIp(['-4', 'route', 'show', 'table', 'all']).stdout ?? ''}\n${tryIp(['-4', '-o', 'addr', 'show']).stdout ?? ''}`;
  const prefixes: [number, number][] = [];
  for (const match of text.matchAll(/(?:^|\s)(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?=\s|$)/gm)) {
    prefixes.push([toNumber(match[1]), match[2] === undefined ? 32 : Number(match[2])]);
  }
  return prefixes;
}

const toNumber = (address: string) => address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
const maskOf = (bits: number) => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
const overlaps = ([a, aBits]: [number, number], [b, bBits]: [number, number]) => {
  const mask = maskOf(Math.min(aBits, bBits));
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
};

/** A random 10.x.y.0/24 that no route or address here touches (the default route does not count). */
function freeSubnet(): string {
  const used = usedPrefixes().filter(([, bits]) => bits > 0);
  for (let attempt = 0; attempt < 200; attempt++) {
    const candidate = `10.${randomInt(1, 255)}.${randomInt(0, 256)}`;
    if (!used.some((prefix) => overlaps(prefix, [toNumber(`${candidate}.0`), 24]))) return candidate;
  }
  throw new Error('Found no free 10.x.y.0/24 subnet for the pod network');
}

/** Makes the bridge; pods are added with addPod(). Throws with `ip`'s own words when it cannot. */
export function createPodNetwork(): PodNetwork {
  sweepLeftovers();
  const id = randomBytes(3).toString('hex');
  const bridge = `${PREFIX}${id}`;
  const base = freeSubnet();
  const hostAddress = `${base}.1`;
  const pods: Pod[] = [];
  const veths: string[] = [];
  const children = new Set<ChildProcess>();
  let closed = false;

  const removeAll = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const pod of pods) {
      tryIp(['netns', 'delete', pod.namespace]);
      rmSync(path.join('/etc/netns', pod.namespace), { recursive: true, force: true });
    }
    for (const veth of veths) tryIp(['link', 'delete', veth]); // normally gone with their namespace already
    tryIp(['link', 'delete', bridge]);
  };
  // If the test process ends without close() (a crash, Jest's forced exit), nothing may stay behind.
  const onExit = () => {
    if (!closed) removeAll();
  };
  process.once('exit', onExit);

  try {
    ip(['link', 'add', bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${hostAddress}/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
  } catch (error) {
    removeAll();
    process.off('exit', onExit);
    throw error;
  }

  return {
    hostAddress,
    subnet: `${base}.0/24`,
    addPod(name) {
      const index = pods.length;
      const pod: Pod = { name, namespace: `${PREFIX}-${process.pid}-${id}-${name}`.slice(0, 200), address: `${base}.${index + 10}` };
      const veth = `${PREFIX}${id}v${index}`;
      pods.push(pod);
      veths.push(veth);
      ip(['netns', 'add', pod.namespace]);
      ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.namespace]);
      ip(['link', 'set', veth, 'master', bridge, 'up']);
      ip(['-n', pod.namespace, 'addr', 'add', `${pod.address}/24`, 'dev', 'eth0']);
      ip(['-n', pod.namespace, 'link', 'set', 'lo', 'up']);
      ip(['-n', pod.namespace, 'link', 'set', 'eth0', 'up']);
      ip(['-n', pod.namespace, 'route', 'add', 'default', 'via', hostAddress]);
      return pod;
    },
    setServiceNames(names, kubernetesNamespace) {
      for (const pod of pods) {
        const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback', `${pod.address} ${pod.name}`];
        for (const [service, address] of Object.entries(names)) lines.push(`${address} ${service} ${service}.${kubernetesNamespace} ${service}.${kubernetesNamespace}.svc ${service}.${kubernetesNamespace}.svc.cluster.local`);
        const folder = path.join('/etc/netns', pod.namespace);
        mkdirSync(folder, { recursive: true });
        writeFileSync(path.join(folder, 'hosts'), `${lines.join('\n')}\n`);
      }
    },
    spawnIn(pod, file, args, options) {
      // `ip netns exec` passes its own environment on to the command: exactly options.env.
      const child = spawn(ipBinary()!, ['netns', 'exec', pod.namespace, file, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async close() {
      if (closed) return;
      const running = [...children].filter((child) => child.exitCode === null && child.signalCode === null);
      await Promise.all(
        running.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        ),
      );
      removeAll();
      closed = true;
      process.off('exit', onExit);
    },
  };
}
