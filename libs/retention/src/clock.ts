/** Where scheduled work reads the time: the system clock, or one a test sets. */
export interface Clock {
  now(): Date;
}

export const RETENTION_CLOCK = Symbol('RETENTION_CLOCK');

export const systemClock: Clock = { now: () => new Date() };
