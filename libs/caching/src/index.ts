// Caching: the one time-limited cache every app and library uses for answers worth keeping a little
// while (a force by its Host, discovered sign-in settings, figures for a scrape). No dependencies.
export { TimedCache, type TimedCacheOptions } from './timed-cache.js';
