import { retryDelaySeconds } from './delivery.service.js';

describe('retryDelaySeconds', () => {
  const middle = () => 0.5; // no jitter: 0.8 + 0.4 × 0.5 = 1

  it('doubles from the base after each failure', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(attempt, 30, undefined, middle))).toEqual([30, 60, 120, 240]);
  });

  it('never waits more than six hours, however many failures', () => {
    expect(retryDelaySeconds(40, 30, undefined, middle)).toBe(6 * 3600);
    expect(retryDelaySeconds(40, 30, undefined, () => 0.999)).toBe(6 * 3600);
  });

  it('spreads retries by up to a fifth either way', () => {
    expect(retryDelaySeconds(1, 100, undefined, () => 0)).toBe(80);
    expect(retryDelaySeconds(1, 100, undefined, () => 1)).toBeCloseTo(120, 9);
  });

  it('waits at least as long as the receiver asked (Retry-After), within the six hours', () => {
    expect(retryDelaySeconds(1, 30, 600, middle)).toBe(600);
    expect(retryDelaySeconds(5, 30, 10, middle)).toBe(480);
    expect(retryDelaySeconds(1, 30, 10 * 24 * 3600, middle)).toBe(6 * 3600);
  });
});
