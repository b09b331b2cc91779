import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { currentAppLogger } from './app-logger.js';
import { scrubText } from './scrubbing.js';

const nestLoggers = new WeakMap<Logger, Logger>();

/** An app's logger for Nest's own lines. */
function nestLoggerOf(appLogger: Logger): Logger {
  let logger = nestLoggers.get(appLogger);
  if (!logger) {
    logger = appLogger.child({ component: 'nest' });
    nestLoggers.set(appLogger, logger);
  }
  return logger;
}

/**
 * Nest's own messages (module wiring, start-up, its exception handler) through the same structured
 * logger. Nest keeps one logger per process, so a line goes to the logger of the app whose work is
 * running (app-logger.ts), and to this one's only outside any app's work.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private get target(): Logger {
    const appLogger = currentAppLogger();
    return appLogger ? nestLoggerOf(appLogger) : this.logger;
  }

  log(message: unknown, context?: string) {
    this.target.debug({ context }, String(message)); // Nest's start-up chatter; warnings and errors stay visible
  }
  /** Nest passes either a message with a stack, or the exception itself (its exception handler). */
  error(message: unknown, trace?: unknown, context?: string) {
    const fields = { context, ...(typeof trace === 'string' ? { trace: scrubText(trace) } : {}), ...(message instanceof Error ? { err: message } : {}) };
    this.target.error(fields, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.target.fatal({ context, ...(message instanceof Error ? { err: message } : {}) }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.target.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.target.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.target.trace({ context }, String(message));
  }
}
