import { parseDecision, parseThrive, THRIVE_FIELDS } from './staff-forms.js';
import { auditDetails, auditTable, deadlineCell, duration, evidenceTable, openingReason, pagination, queueHref, queueQuery, triageCell } from './staff-view.js';

const sla = (triageMinutesLeft: number, overrides: Record<string, unknown> = {}) => ({
  sla: { triageBy: '', replyBy: '', triagedAt: null, firstReplyAt: null, triageMinutesLeft, replyMinutesLeft: 600, triageBreached: triageMinutesLeft < 0, replyBreached: false, ...overrides },
});

describe('time to triage', () => {
  it('reads at a glance', () => {
    expect(duration(12)).toBe('12 min');
    expect(duration(-5)).toBe('5 min');
    expect(duration(60)).toBe('1 h');
    expect(duration(125)).toBe('2 h 5 min');
    expect(duration(3 * 24 * 60 + 7)).toBe('3 days');
  });

  it('is time left, or late marked in red, or done', () => {
    expect(triageCell(sla(12))).toEqual({ text: '12 min left' });
    expect(triageCell(sla(-5))).toEqual({ html: '<strong class="govuk-tag govuk-tag--red">Late by 5 min</strong>' });
    expect(triageCell(sla(0, { triagedAt: '2026-11-23T09:00:00Z' }))).toEqual({ text: 'Triaged' });
    expect(deadlineCell(10, null, false)).toEqual({ html: '<strong class="govuk-tag govuk-tag--yellow">Due in 10 min</strong>' });
  });
});

describe('the queue’s filters', () => {
  it('keeps only well-formed values, and builds links that keep them', () => {
    const filters = queueQuery({ queue: 'TDIU', service: 'report-a-crime', status: ['AWAITING_TRIAGE', 'NONSENSE'], tag: '<script>', page: '3' });
    expect(filters).toEqual({ queue: 'tdiu', serviceId: 'report-a-crime', statuses: ['AWAITING_TRIAGE'], tag: undefined, page: 3 });
    expect(queueHref(filters, { page: 4 })).toBe('/staff/queue?queue=tdiu&service=report-a-crime&status=AWAITING_TRIAGE&page=4');
    expect(queueQuery({ page: '-1' }).page).toBe(1);
  });

  it('pages 50 at a time, with an ellipsis between far-apart pages', () => {
    expect(pagination(queueQuery({}), 50)).toBeNull();
    const pages = pagination(queueQuery({ page: '5' }), 501)!;
    expect(pages.previous?.href).toBe('/staff/queue?page=4');
    expect(pages.next?.href).toBe('/staff/queue?page=6');
    expect(pages.items.map((item) => ('ellipsis' in item ? '…' : item.number))).toEqual([1, '…', 3, 4, 5, 6, 7, '…', 11]);
  });
});

describe('why a report is opened', () => {
  it('is asked for until given, with "Other" needing words', () => {
    expect(openingReason({})).toBeNull();
    expect(openingReason({ reason: 'curious' })).toMatchObject({ errors: [{ field: 'reason' }] });
    expect(openingReason({ reason: 'other', details: ' ' })).toMatchObject({ errors: [{ field: 'details', text: 'Enter the reason you are opening this report' }] });
    expect(openingReason({ reason: 'triage' })).toEqual({ reason: { code: 'triage', details: '', audit: 'Triage', query: 'reason=triage' } });
    expect(openingReason({ reason: 'other', details: 'Linked call' })).toEqual({ reason: { code: 'other', details: 'Linked call', audit: 'Other: Linked call', query: 'reason=other&details=Linked+call' } });
  });
});

describe('the report’s forms', () => {
  it('need a level and a note for every part of THRIVE', () => {
    const values = Object.fromEntries(THRIVE_FIELDS.map((field) => [field, field.endsWith('level') ? 'LOW' : 'Nothing of concern.']));
    expect(parseThrive(values)).toMatchObject({ thrive: { threat: { level: 'LOW', note: 'Nothing of concern.' } } });
    expect(parseThrive({ ...values, 'thrive-risk-level': 'SEVERE', 'thrive-harm-note': ' ' })).toEqual({
      errors: [
        { field: 'thrive-harm-note', text: 'Enter a note on harm' },
        { field: 'thrive-risk-level', text: 'Select a level for risk' },
      ],
    });
  });

  it('need each decision’s own field and a message for the reporter', () => {
    const empty = { decision: '', unit: '', toForce: '', agency: '', closeReason: '', messageToReporter: '', note: '' };
    const anyForce = () => true;
    expect(parseDecision(empty, anyForce)).toEqual({ errors: [{ field: 'decision', text: 'Select a decision' }, { field: 'messageToReporter', text: 'Enter a message for the reporter' }] });
    expect(parseDecision({ ...empty, decision: 'CLOSE', closeReason: 'bored', messageToReporter: 'Hi' }, anyForce)).toMatchObject({ errors: [{ field: 'closeReason' }] });
    expect(parseDecision({ ...empty, decision: 'TRANSFER', toForce: 'eastmarch', messageToReporter: ' Over to Eastmarch. ', unit: 'ignored' }, anyForce)).toEqual({
      decision: { decision: 'TRANSFER', toForce: 'eastmarch', messageToReporter: 'Over to Eastmarch.' },
    });
  });
});

describe('the audit trail page', () => {
  it('says what each event’s details mean in words', () => {
    expect(auditDetails({ details: { decision: 'CLOSE', closeReason: 'advice-given', note: 'Spoke to them' } })).toBe('Close the report; Reason for closing: Advice given; Internal note: Spoke to them');
    expect(auditDetails({ details: { decision: 'allocate', unit: 'CID' } })).toBe('Allocate to an investigation unit; Investigation unit: CID');
    expect(auditDetails({ details: { previous: 'none', levels: { threat: 'low', harm: 'high', risk: 'low', investigation: 'medium', vulnerability: 'low', engagement: 'low' } } })).toBe(
      'Threat Low, Harm High, Risk Low, Investigation Medium, Vulnerability Low, Engagement Low',
    );
    expect(auditDetails({ details: { tookOverFrom: 'Harriet Fenwick' } })).toBe('Taken over from Harriet Fenwick');
    expect(auditDetails({ details: { reference: 'ABC123DEF' } })).toBe('');
  });

  it('names the actor, or what kind of actor when there is no name, and the action in words', () => {
    const table = auditTable([
      { id: '1', occurredAt: '2026-11-23T09:00:00Z', actorType: 'public', actorName: null, action: 'report.submitted', reason: null, details: {} },
      { id: '2', occurredAt: '2026-11-23T09:05:00Z', actorType: 'staff', actorName: 'Harriet Fenwick', action: 'report.read', reason: 'Triage', details: {} },
      { id: '3', occurredAt: '2026-11-23T09:06:00Z', actorType: 'system', actorName: null, action: 'report.something-new', reason: null, details: {} },
    ]);
    expect(table.rows.map((row) => row.slice(1, 4).map((cell) => cell.text))).toEqual([
      ['Reporter', 'Submitted', ''],
      ['Harriet Fenwick', 'Opened', 'Triage'],
      ['System', 'Something new', ''],
    ]);
  });
});

describe('the report’s evidence', () => {
  it('says in words that a file could not be processed and why, with no link', () => {
    const file = { id: 'f1', name: 'IMG_0007.jpg', kind: 'image', mediaType: 'image/jpeg', sizeBytes: 3, sha256: 'a'.repeat(64), source: 'journey', uploadedAt: '2026-11-23T09:00:00Z', download: null, thumbnail: null };
    const table = evidenceTable([{ ...file, scanStatus: 'UNPROCESSABLE', scanDetail: 'The file is damaged or is not an image that can be opened.' }]);
    const [, , status, , action] = table.rows[0] as { html?: string; text?: string }[];
    expect(status.html).toContain('>Could not be processed</strong>');
    expect(status.html).toContain('govuk-tag--orange');
    expect(status.html).toContain('The file is damaged or is not an image that can be opened.');
    expect(status.html).not.toContain('UNPROCESSABLE');
    expect(action).toEqual({ text: 'Not available' });
  });
});
