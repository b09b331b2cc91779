import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown> & { msg?: string; app?: string; spanId?: string; level?: number };

export interface CapturedLogs {
  /** The stream to give the stack's logger (`startTestStack(environment, logs.destination)`). */
  destination: Writable;
  /** Every line the loggers wrote, parsed (a line that is not JSON fails the test that reads it). */
  lines(): LogLine[];
  /** Everything written while capturing: the loggers' lines, and whatever reached the console, stdout or stderr. */
  text(): string;
  /** Stops capturing the console, stdout and stderr (the logger's stream keeps collecting). */
  stop(): void;
}

type Write = typeof process.stdout.write;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Collects a whole run's output, for tests that look at what a process would leave in its logs: the
 * JSON lines of the stack's logger, and anything a library prints around it (Apollo's or Nest's
 * console fallbacks, a stray `console.log`, a direct write to stdout or stderr), which still shows
 * up in a container's log.
 */
export function captureLogs(): CapturedLogs {
  const jsonLines: string[] = [];
  const other: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      jsonLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const originalWrites = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capturingWrite = (original: Write): Write =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      other.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...parameters: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Write;
  process.stdout.write = capturingWrite(originalWrites.stdout);
  process.stderr.write = capturingWrite(originalWrites.stderr);
  const originalConsole = Object.fromEntries(CONSOLE_METHODS.map((method) => [method, console[method]])) as Record<(typeof CONSOLE_METHODS)[number], (...values: unknown[]) => void>;
  for (const method of CONSOLE_METHODS) {
    console[method] = (...values: unknown[]) => {
      other.push(values.map((value) => (typeof value === 'string' ? value : value instanceof Error ? `${value.stack}` : safeJson(value))).join(' '));
      originalConsole[method].apply(console, values);
    };
  }
  let stopped = false;
  return {
    destination,
    lines: () => jsonLines.map((line) => JSON.parse(line) as LogLine),
    text: () => [...jsonLines, ...other].join('\n'),
    stop: () => {
      if (stopped) return;
      stopped = true;
      process.stdout.write = originalWrites.stdout;
      process.stderr.write = originalWrites.stderr;
      for (const method of CONSOLE_METHODS) console[method] = originalConsole[method];
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
