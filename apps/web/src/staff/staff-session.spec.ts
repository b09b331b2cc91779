import { csrfMatches, MAX_COOKIE_BYTES, safeReturnTo, sealSession, sessionEndsAt, sessionState, StaffCookieSealer, type StaffSession } from './staff-session.js';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const limits = { idleMinutes: 30, absoluteHours: 10 };
const NOW = Date.UTC(2026, 10, 23, 9, 0);

function session(overrides: Partial<StaffSession> = {}): StaffSession {
  return {
    accessToken: 'access',
    accessExpiresAt: NOW + 300_000,
    refreshToken: 'refresh',
    idToken: 'id',
    subject: 'subject-1',
    name: 'Harriet Fenwick',
    roles: ['call-handler'],
    createdAt: NOW,
    lastSeenAt: NOW,
    csrf: 'c'.repeat(43),
    ...overrides,
  };
}

describe('the staff session cookie', () => {
  const sealer = new StaffCookieSealer(SECRET);

  it('opens what it sealed, for the same purpose and force only', () => {
    const sealed = sealer.seal('session', 'northshire', session());
    expect(sealed).toMatch(/^v1\.[\w-]+$/);
    expect(sealed).not.toContain('Harriet');
    expect(sealer.open('session', 'northshire', sealed)).toEqual(session());
    expect(sealer.open('session', 'eastmarch', sealed)).toBeNull();
    expect(sealer.open('sign-in', 'northshire', sealed)).toBeNull();
    expect(new StaffCookieSealer(`${SECRET}-other`).open('session', 'northshire', sealed)).toBeNull();
  });

  it('refuses any change to the sealed value', () => {
    const sealed = sealer.seal('session', 'northshire', session());
    for (const position of [3, 10, 20, sealed.length - 5, sealed.length - 1]) {
      const changed = `${sealed.slice(0, position)}${sealed[position] === 'A' ? 'B' : 'A'}${sealed.slice(position + 1)}`;
      expect(sealer.open('session', 'northshire', changed)).toBeNull();
    }
    for (const nonsense of [undefined, '', 'v1.', 'v2.abc', 'v1.!!!', sealed.slice(0, 30)]) expect(sealer.open('session', 'northshire', nonsense)).toBeNull();
  });

  it('leaves the ID token out when the cookie would be too big, and fails when even that is not enough', () => {
    const big = session({ idToken: 'i'.repeat(2500), accessToken: 'a'.repeat(800) });
    const sealed = sealSession(sealer, 'northshire', big, 60);
    expect(sealed.length + 60).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
    const { idToken: _left, ...withoutIdToken } = big;
    expect(sealer.open<StaffSession>('session', 'northshire', sealed)).toStrictEqual(withoutIdToken);
    const small = sealSession(sealer, 'northshire', session(), 60);
    expect(sealer.open<StaffSession>('session', 'northshire', small)?.idToken).toBe('id');
    expect(() => sealSession(sealer, 'northshire', session({ accessToken: 'a'.repeat(4000) }), 60)).toThrow(/does not fit/);
  });
});

describe('session timeouts', () => {
  it('ends after the idle limit without use, and after the absolute limit whatever the use', () => {
    expect(sessionState(session(), NOW + 29 * 60_000, limits)).toBe('active');
    expect(sessionState(session(), NOW + 30 * 60_000, limits)).toBe('idle');
    const busy = session({ lastSeenAt: NOW + 10 * 3_600_000 - 60_000 });
    expect(sessionState(busy, NOW + 10 * 3_600_000 - 1, limits)).toBe('active');
    expect(sessionState(busy, NOW + 10 * 3_600_000, limits)).toBe('absolute');
  });

  it('says when a session would end if nothing more happens', () => {
    expect(sessionEndsAt(session(), limits)).toBe(NOW + 30 * 60_000);
    expect(sessionEndsAt(session({ lastSeenAt: NOW + 9 * 3_600_000 + 50 * 60_000 }), limits)).toBe(NOW + 10 * 3_600_000);
  });
});

describe('form tokens and return addresses', () => {
  it('accepts only the session’s own form token', () => {
    expect(csrfMatches(session(), 'c'.repeat(43))).toBe(true);
    expect(csrfMatches(session(), 'd'.repeat(43))).toBe(false);
    expect(csrfMatches(session(), 'c'.repeat(42))).toBe(false);
    expect(csrfMatches(session(), undefined)).toBe(false);
    expect(csrfMatches(null, 'c'.repeat(43))).toBe(false);
  });

  it('returns only to staff pages on this site', () => {
    expect(safeReturnTo('/staff/reports/7KQ-2MX-9P4?reason=triage')).toBe('/staff/reports/7KQ-2MX-9P4?reason=triage');
    for (const elsewhere of ['//evil.example/staff', '/staff//evil.example', '/staff/\\evil', 'https://evil.example/staff/queue', '/journey', '/staff', undefined, 42]) {
      expect(safeReturnTo(elsewhere)).toBe('/staff/queue');
    }
  });
});
