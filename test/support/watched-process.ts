import type { ChildProcess } from 'node:child_process';

/** A server a test starts as a process of its own (clamd, Prometheus): what it printed, how it ended, and a way to stop it. */
export interface WatchedProcess {
  /** The last `keepChars` characters it wrote to stdout and stderr. */
  output(): string;
  /** How it ended ("exited with code 1", "could not be run: ..."), or undefined while it runs. */
  exit(): string | undefined;
  /** SIGTERM, then SIGKILL after five seconds; resolves once it has exited. */
  stop(): Promise<void>;
}

export function watchProcess(child: ChildProcess, keepChars: number): WatchedProcess {
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-keepChars));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (error) => {
      exit = `could not be run: ${error.message}`;
      resolve();
    });
  });
  // It must not outlive a test process that ends without stopping it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    output: () => output,
    exit: () => exit,
    stop: async () => {
      process.off('exit', killOnExit);
      if (exit !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
