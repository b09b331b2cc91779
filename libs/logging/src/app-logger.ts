import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/**
 * Which app's logger the current work belongs to. Nest keeps one logger for the whole process
 * (`Logger.overrideLogger`, which every `NestFactory.create` calls), so when the launcher runs the
 * api, the web and the worker in one process, Nest's own lines (its exception handler's among them)
 * would all go to whichever app was created last. Each app's requests, start-up and timers run in
 * its scope instead, and `NestPinoLogger` writes to the scope's logger.
 */
const scope = new AsyncLocalStorage<Logger>();

/** Runs `work`, and everything it starts (requests it serves, timers it sets), as `logger`'s app. */
export function runAsApp<T>(logger: Logger, work: () => T): T {
  return scope.run(logger, work);
}

/** The logger of the app whose work this is, if any. */
export function currentAppLogger(): Logger | undefined {
  return scope.getStore();
}
