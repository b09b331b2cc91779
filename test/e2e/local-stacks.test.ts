import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { getWithHost } from '../support/http.js';

/**
 * `npm start` as a developer runs it (the built launcher, its embedded PostgreSQL, the development
 * sign-in provider, api, web and worker), twice on one machine: each stack's ports follow its PORT
 * (web PORT, api +1, sign-in +2, PostgreSQL +3, metrics +4..+6), so two run side by side, and a port
 * already taken stops start-up with a message that names it.
 */

interface Launched {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  dataDir: string;
}

const BLOCK = 7;

/** A PORT whose whole block of seven ports is free now. */
async function freeBlock(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: BLOCK }, (_, offset) => portFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function launch(port: number): Launched {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'front-counter-stack-'));
  chmodSync(dataDir, 0o755); // the embedded server runs as the postgres OS user
  const environment: Record<string, string> = { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['dist/apps/launcher/src/main.js'], { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited, dataDir };
}

/** Waits for the launcher to say it is running, or to exit; fails with what it printed. */
async function running(stack: Launched, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (stack.output().includes('Press Ctrl-C to stop.')) return;
    if (stack.process.exitCode !== null) throw new Error(`npm start exited ${stack.process.exitCode}:\n${stack.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm start did not say it was running within ${timeoutMs / 1000} s:\n${stack.output()}`);
}

async function stop(stack: Launched | undefined): Promise<void> {
  if (!stack) return;
  if (stack.process.exitCode === null) stack.process.kill('SIGINT');
  const timer = setTimeout(() => stack.process.kill('SIGKILL'), 20_000);
  await stack.exited;
  clearTimeout(timer);
  rmSync(stack.dataDir, { recursive: true, force: true });
}

async function home(port: number): Promise<string> {
  const response = await getWithHost(`http://127.0.0.1:${port}`, `northshire.localhost:${port}`);
  expect(response.status).toBe(200);
  return response.text;
}

describe('local stacks (npm start)', () => {
  const stacks: Launched[] = [];
  beforeAll(async () => {
    await ensureBuilt();
  }, 300_000);
  afterAll(async () => {
    await Promise.all(stacks.map(stop));
  }, 60_000);

  it('run side by side with different PORTs and DATA_DIRs, each on its own ports, and say where', async () => {
    const first = await freeBlock();
    let second = await freeBlock();
    while (Math.abs(second - first) < BLOCK) second = await freeBlock();
    const [a, b] = [launch(first), launch(second)];
    stacks.push(a, b);
    await Promise.all([running(a), running(b)]);

    for (const [stack, port] of [[a, first], [b, second]] as const) {
      expect(stack.output()).toContain(`PostgreSQL is on 127.0.0.1:${port + 3}.`);
      expect(stack.output()).toContain(`http://northshire.localhost:${port}/`);
      expect(stack.output()).toContain(`GraphQL api: http://127.0.0.1:${port + 1}/graphql`);
      expect(stack.output()).toContain(`Metrics (Prometheus): web http://127.0.0.1:${port + 4}/metrics, api http://127.0.0.1:${port + 5}/metrics, worker http://127.0.0.1:${port + 6}/metrics`);
      expect(await home(port)).toContain('Northshire Police');
      const metrics = await fetch(`http://127.0.0.1:${port + 6}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^front_counter_force_reports_awaiting_triage\{force="northshire",app="worker"\} 0$/m);
    }
  }, 240_000);

  it('stops with a message naming the port when the force sites\' port is taken, and leaves nothing running', async () => {
    const port = await freeBlock();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const stack = launch(port);
      stacks.push(stack);
      const code = await stack.exited;
      expect(code).toBe(1);
      expect(stack.output()).toContain(`Front Counter could not start: Port ${port} (the force sites: PORT) is already in use by another program.`);
      expect(stack.output()).toMatch(/start this one with another PORT/);
      expect(stack.output()).not.toMatch(/\bundefined\b/);
      // The database it had started was stopped again, and the api's port given back.
      expect(await portFree(port + 3)).toBe(true);
      expect(await portFree(port + 1)).toBe(true);
    } finally {
      squatter.close();
    }
  }, 180_000);

  it('says which port when the embedded PostgreSQL\'s port is taken, before starting anything', async () => {
    const port = await freeBlock();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port + 3, '127.0.0.1', resolve));
    try {
      const stack = launch(port);
      stacks.push(stack);
      expect(await stack.exited).toBe(1);
      expect(stack.output()).toContain(`Front Counter could not start: Port ${port + 3} (the embedded PostgreSQL: PORT + 3, or EMBEDDED_POSTGRES_PORT) is already in use by another program.`);
      expect(stack.output()).not.toMatch(/\bundefined\b/);
    } finally {
      squatter.close();
    }
  }, 60_000);
});
