import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

// The bench's load generator for single pages: autocannon in a process of its own, so that making
// the requests does not take the CPU from the server being measured (on two cores, a generator in
// the same process as the stack halved every figure, the node:http baseline's most of all).

const autocannon = createRequire(import.meta.url).resolve('autocannon');

export interface LoadTarget {
  port: number;
  path: string;
  host?: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
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
  const headers = { host: target.host ?? '127.0.0.1', ...target.headers };
  const args = [autocannon, '--json', '-c', String(connections), '-d', String(seconds), '-m', target.method ?? 'GET', ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`])];
  if (target.body !== undefined) args.push('-b', target.body);
  args.push(`http://127.0.0.1:${target.port}${target.path}`);
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`autocannon failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    }),
  );
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
