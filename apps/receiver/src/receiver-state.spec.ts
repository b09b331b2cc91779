import { ReceiverState, type ReceivedDelivery } from './receiver-state.js';

const at = new Date('2026-11-02T10:00:00Z');

function delivery(overrides: Partial<ReceivedDelivery> = {}): Omit<ReceivedDelivery, 'seq'> {
  return {
    receivedAt: at.toISOString(),
    id: 'msg_1',
    type: 'report.submitted',
    force: 'northshire',
    reference: '7KQ2MX9P4',
    signatureValid: true,
    verificationFailure: null,
    status: 200,
    crimeNumber: null,
    duplicate: false,
    headers: {},
    body: {},
    ...overrides,
  };
}

describe('ReceiverState', () => {
  it('gives crime numbers per force and year, prefixed with the force’s initials or first two letters', () => {
    const state = new ReceiverState();
    expect(state.accept('northshire', 'msg_1', true, at)).toBe('NO/2026/000001');
    expect(state.accept('northshire', 'msg_2', true, at)).toBe('NO/2026/000002');
    expect(state.accept('east-march', 'msg_3', true, at)).toBe('EM/2026/000001');
    expect(state.accept('northshire', 'msg_4', true, new Date('2027-01-01T00:00:00Z'))).toBe('NO/2027/000001');
    expect(state.accept('northshire', 'msg_5', false, at)).toBeNull();
    expect(state.earlier('northshire', 'msg_2')).toEqual({ crimeNumber: 'NO/2026/000002' });
    expect(state.earlier('northshire', 'msg_5')).toEqual({ crimeNumber: null });
    expect(state.earlier('east-march', 'msg_1')).toBeUndefined();
  });

  it('keeps the last N deliveries, numbered in arrival order', () => {
    const state = new ReceiverState({ keep: 2 });
    for (const id of ['msg_1', 'msg_2', 'msg_3']) state.record(delivery({ id }));
    expect(state.deliveries().map((kept) => [kept.seq, kept.id])).toEqual([[2, 'msg_2'], [3, 'msg_3']]);
    expect(state.delivery(1)).toBeUndefined();
    expect(state.delivery(3)?.id).toBe('msg_3');
    expect(() => new ReceiverState({ keep: 0 })).toThrow(/at least one/);
  });

  it('simulates a failure for a number of deliveries, or until stopped', () => {
    const state = new ReceiverState();
    state.failWith(503, 2, 10);
    expect(state.takeFailure()).toMatchObject({ status: 503, retryAfterSeconds: 10 });
    expect(state.takeFailure()).toMatchObject({ status: 503 });
    expect(state.takeFailure()).toBeNull();
    state.failWith(500);
    for (let times = 0; times < 5; times += 1) expect(state.takeFailure()).toMatchObject({ status: 500 });
    state.stopFailing();
    expect(state.takeFailure()).toBeNull();
    expect(() => state.failWith(200)).toThrow(/4xx or 5xx/);
    expect(() => state.failWith(503, 0)).toThrow(/at least one/);
  });
});
