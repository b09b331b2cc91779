import { pino, type Logger } from 'pino';
import { traceLogFields } from './trace-context.js';

export type { Logger };

export function createLogger(options: { level: string; name: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The current request's (or job's) trace, on every line.
      mixin: traceLogFields,
      // Belt and braces: these never belong in a log line, wherever they turn up.
      redact: {
        paths: ['*.authorization', '*.cookie', '*.password', '*.token', '*.email', '*.phone', 'headers', 'body', 'variables'],
        censor: '[redacted]',
      },
    },
    options.destination ?? process.stdout,
  );
}
