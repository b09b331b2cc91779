// Rate limits: allowances per client, force, reference or GraphQL cost, shared through Redis when
// configured; refusals answer 429 with Retry-After and are counted by force.
export { clientKey, RateLimits, type LimitName, type LimitOutcome } from './rate-limits.js';
