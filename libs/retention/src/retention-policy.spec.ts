import { retentionCutoff, retentionPeriod } from './retention-policy.js';

describe('a service’s retention period at a force', () => {
  const national = { defaultDays: 730, maximumDays: 2557 };

  it('is the national default unless the force lengthened it', () => {
    expect(retentionPeriod(national, undefined)).toEqual({ days: 730, source: 'national' });
    expect(retentionPeriod(national, null)).toEqual({ days: 730, source: 'national' });
    expect(retentionPeriod(national, 1095)).toEqual({ days: 1095, source: 'force' });
  });

  it('never goes below the national default or above the national maximum, whatever a force once chose', () => {
    // A national version may raise the default past, or lower the maximum below, what a force chose.
    expect(retentionPeriod(national, 400)).toEqual({ days: 730, source: 'national' });
    expect(retentionPeriod(national, 5000)).toEqual({ days: 2557, source: 'force' });
  });

  it('is none when the service declares none: its reports are kept', () => {
    expect(retentionPeriod(undefined, 1095)).toBeNull();
  });

  it('counts whole days back from now', () => {
    expect(retentionCutoff(new Date('2027-03-01T12:00:00Z'), 365).toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});
