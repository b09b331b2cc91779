import { pino, type Logger } from 'pino';
import { scrubText, serializeError } from './scrubbing.js';
import { traceLogFields } from './trace-context.js';

export type { Logger };

/** Fields that never belong in a log line, wherever they turn up (top level or one object down). */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'email',
  'reporterEmail',
  'phone',
  'fullName',
  'reporterName',
  'address',
  'answers',
  'values',
  'variables',
  'parameters',
];

export function createLogger(options: { level: string; name: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The current request's (or job's) trace, on every line.
      mixin: traceLogFields,
      // An error's type, masked message and stack, code and cause; never the rest (scrubbing.ts).
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        // Messages may embed text from elsewhere (an error's message, a path): masked the same way.
        logMethod(args, method) {
          method.apply(this, args.map((argument) => (typeof argument === 'string' ? scrubText(argument) : argument)) as Parameters<typeof method>);
        },
      },
      // Belt and braces: these never belong in a log line, wherever they turn up.
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`), 'headers', 'body'],
        censor: '[redacted]',
      },
    },
    options.destination ?? process.stdout,
  );
}
