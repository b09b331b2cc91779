import { addressText, deliveryRow, eventText } from './admin-deliveries-view.js';

describe('the back office in words', () => {
  it('names events as a force administrator says them, and shows an unknown one as it is', () => {
    expect(['report.submitted', 'report.updated', 'report.transferred', 'triage.decided'].map(eventText)).toEqual(['New report', 'Report updated', 'Report transferred', 'Triage decision']);
    expect(eventText('report.archived')).toBe('report.archived');
  });

  it('says where a destination sends without ever showing a secret', () => {
    expect(addressText({ type: 'webhook', address: 'the address in NORTHSHIRE_RECORDS_URL' })).toBe('The web address in the environment variable NORTHSHIRE_RECORDS_URL');
    expect(addressText({ type: 'webhook', address: 'https://user:secret@records.example/hooks?token=abc' })).toBe('The web address https://records.example/hooks');
    expect(addressText({ type: 'email', address: 'records@northshire.police.uk' })).toBe('The mailbox records@northshire.police.uk');
  });

  it('shows a dead letter in red with every attempt, and a delivery without a report as such', () => {
    const row = deliveryRow({
      id: 'd1',
      eventType: 'triage.decided',
      destination: 'records-system',
      reportReference: null,
      status: 'DEAD',
      blocked: false,
      attemptCount: 1,
      lastError: 'connect ECONNREFUSED',
      nextAttemptAt: null,
      deliveredAt: null,
      externalReference: null,
      replayedBy: null,
      createdAt: '2026-11-02T10:15:00.000Z',
      attempts: [{ attemptedAt: '2026-11-02T10:15:01.000Z', statusCode: null, ok: false, error: 'connect ECONNREFUSED', durationMs: 12 }],
    });
    expect(row).toMatchObject({ report: 'No report', reportHref: null, event: 'Triage decision', status: { text: 'Dead letter', classes: 'govuk-tag--red' }, dead: true });
    expect(row.attempts).toEqual([{ at: expect.stringContaining('2026'), status: 'No answer', ok: 'No', error: 'connect ECONNREFUSED', duration: '12 ms' }]);
  });
});
