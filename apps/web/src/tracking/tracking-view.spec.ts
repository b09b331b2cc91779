import { maskEmail } from './tracking-cookie.js';
import type { TrackedReport } from './tracking-api.js';
import { formatDateTime, informationRequest, paragraphsOf, statusText, timelineSteps } from './tracking-view.js';

const report = (overrides: Partial<TrackedReport> = {}): TrackedReport => ({
  reference: '7KQ2MX9P4',
  serviceTitle: { en: 'Report a crime', cy: 'Rhoi gwybod am drosedd' },
  status: 'AWAITING_TRIAGE',
  submittedAt: '2026-11-14T15:05:00.000Z',
  timeline: [
    { kind: 'submitted', occurredAt: '2026-11-14T15:05:00.000Z', message: null, fromForce: null, toForce: null },
    { kind: 'transferred', occurredAt: '2026-11-14T16:00:00.000Z', message: 'It happened in Eastmarch.', fromForce: { en: 'Northshire Police', cy: null }, toForce: { en: 'Eastmarch Constabulary', cy: null } },
    { kind: 'decision:request-information', occurredAt: '2026-11-15T09:30:00.000Z', message: 'What colour is the bicycle?\n\nAnd its frame number?', fromForce: null, toForce: null },
  ],
  ...overrides,
});

describe('the tracking pages’ view', () => {
  it('masks an address to its first letter and domain', () => {
    expect(maskEmail(' Erin@Example.com')).toBe('e••••@example.com');
    expect(maskEmail('x@example.co.uk')).toBe('x••••@example.co.uk');
    expect(maskEmail('not-an-address')).toBe('••••');
  });

  it('gives dates and times in UK time, GOV.UK style, in English and Welsh', () => {
    expect(formatDateTime('2026-11-14T15:05:00.000Z', 'en')).toBe('14 November 2026 at 3:05pm');
    expect(formatDateTime('2026-11-14T15:05:00.000Z', 'cy')).toBe('14 Tachwedd 2026 am 3:05yp');
    // Summer time: 23:30 UTC is half past midnight the next day in London.
    expect(formatDateTime('2026-07-01T23:30:00.000Z', 'en')).toBe('2 July 2026 at 12:30am');
  });

  it('lists the steps newest first, a transfer naming both forces, each message in full', () => {
    const steps = timelineSteps(report(), 'en');
    expect(steps.map((step) => step.title)).toEqual(['We asked you for more information', 'Passed from Northshire Police to Eastmarch Constabulary', 'You sent your report']);
    expect(steps[0]).toMatchObject({ occurredAt: '15 November 2026 at 9:30am', messageLabel: 'Our message to you', paragraphs: ['What colour is the bicycle?', 'And its frame number?'] });
    expect(steps[2]).toMatchObject({ messageLabel: undefined, paragraphs: [] });
    expect(timelineSteps(report(), 'cy')[1].title).toBe("Wedi'i basio o Northshire Police i Eastmarch Constabulary");
    expect(timelineSteps(report({ timeline: [{ kind: 'reporter-replied', occurredAt: '2026-11-15T10:00:00Z', message: 'Red.', fromForce: null, toForce: null }] }), 'en')[0]).toMatchObject({ title: 'You sent us a message', messageLabel: 'Your message' });
  });

  it('tells the reporter, in English and Welsh, that a file they sent could not be processed, naming it and what to do', () => {
    const unprocessable = report({ timeline: [{ kind: 'evidence-unprocessable', occurredAt: '2026-11-15T10:00:00Z', message: 'IMG_0007.jpg', fromForce: null, toForce: null }] });
    expect(timelineSteps(unprocessable, 'en')[0]).toMatchObject({
      title: 'A file you sent could not be processed',
      messageLabel: 'File',
      paragraphs: ['IMG_0007.jpg'],
      explanation: expect.stringContaining('If you still have it, add another copy below.'),
    });
    expect(timelineSteps(unprocessable, 'cy')[0]).toMatchObject({ title: 'Nid oedd modd prosesu ffeil a anfonoch', messageLabel: 'Ffeil', explanation: expect.stringContaining('ychwanegwch gopi arall isod') });
    expect(timelineSteps(report(), 'en').every((step) => step.explanation === undefined)).toBe(true);
  });

  it('says the status in plain words, and shows the request only while the report waits for the reporter', () => {
    expect(statusText('AWAITING_TRIAGE', 'en')).toBe('Waiting to be looked at');
    expect(statusText('DISPATCHED', 'cy')).toBe('Mae swyddog ar ei ffordd');
    expect(informationRequest(report())).toBeUndefined();
    expect(informationRequest(report({ status: 'AWAITING_REPORTER' }))).toEqual(['What colour is the bicycle?', 'And its frame number?']);
    expect(paragraphsOf(null)).toEqual([]);
  });
});
