import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The bench's load generator for single pages: autocannon in a process of its own (bench-load-client.ts), so that making
// the requests does not take the CPU from the server being measured (on two cores, a generator in
// the same process as the stack halved every figure, the node:http baseline's most of all).

export interface LoadTarget {
  port: number;
  path: string;
  host?: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Each connection a reporter of its own, in turn: its session cookie and, for a POST, its body (with its form token). */
  reporters?: { cookie: string; body?: string }[];
  body?: string;
  /** The status every answer must have (200 unless said). */
  expect?: number;
}

export interface LoadResult {
  /** Answers per second with the expected status. */
  rate: number;
  p50: number;
  p99: number;
}

function run(target: LoadTarget, connections: number, seconds: number): Promise<{ requests: { total: number }; latency: { p50: number; p99: number }; duration: number; statusCodeStats: Record<string, { count: number }>; errors: number; timeouts: number }> {
  const child = fork(fileURLToPath(new URL('./bench-load-client.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { error?: string; result: never }) => (message.error ? reject(new Error(`autocannon failed: ${message.error}`)) : resolve(message.result)));
    child.once('exit', (code) => reject(new Error(`the load generator exited with ${code} before answering`)));
    child.send({ target, connections, seconds });
  });
}

/**
 * Requests per second and latency of one request made over and over by `connections` clients for
 * `seconds`, after a warm-up of a quarter of that. Any answer with another status fails the bench:
 * a fast error page is no result.
 */
export async function load(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  await run(target, connections, Math.max(1, Math.round(seconds / 4)));
  const result = await run(target, connections, seconds);
  const expected = String(target.expect ?? 200);
  const statuses = Object.entries(result.statusCodeStats ?? {});
  const wrong = statuses.filter(([status]) => status !== expected);
  if (wrong.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target.method ?? 'GET'} ${target.path}: expected only ${expected}, got ${JSON.stringify(result.statusCodeStats)} with ${result.errors} errors and ${result.timeouts} timeouts`);
  }
  const answered = statuses.reduce((sum, [, stats]) => sum + stats.count, 0);
  return { rate: answered / result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}
