import { createRequire } from 'node:module';
import type { LoadTarget } from './bench-load.js';

// The load generator's process (forked by bench-load.ts): autocannon's programmatic API, so that each
// connection may be a reporter of its own (its own session cookie and form token), as real users are.

interface AutocannonClient {
  setHeadersAndBody(headers: Record<string, string>, body: string | undefined): void;
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: unknown) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

process.once('message', ({ target, connections, seconds }: { target: LoadTarget; connections: number; seconds: number }) => {
  const headers = { host: target.host ?? '127.0.0.1', ...target.headers };
  let next = 0;
  autocannon(
    {
      url: `http://127.0.0.1:${target.port}${target.path}`,
      connections,
      duration: seconds,
      method: target.method ?? 'GET',
      headers,
      body: target.body,
      setupClient: target.reporters
        ? (client: AutocannonClient) => {
            const reporter = target.reporters![next++ % target.reporters!.length];
            client.setHeadersAndBody({ ...headers, cookie: reporter.cookie }, reporter.body ?? target.body);
          }
        : undefined,
    },
    (error, result) => process.send!({ error: error?.message, result }, () => process.exit(0)),
  );
});
