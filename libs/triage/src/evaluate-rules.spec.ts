import { routeReport, NATIONAL_DEFAULT } from './evaluate-rules.js';
import { routingRulesSchema } from './routing-rules.schema.js';

const rules = routingRulesSchema.parse({
  rules: [
    { name: 'Hate crime to public protection', when: { anyFlags: ['hate'] }, then: { queue: 'public-protection', priority: 1, triageWithinMinutes: 30, tags: ['hate'] } },
    { name: 'Vehicle crime to roads policing', when: { services: ['report-a-crime'], answers: { question: 'crimeType', equals: 'vehicle-crime' } }, then: { queue: 'roads-policing', priority: 3 } },
    { name: 'Overnight collisions', when: { services: ['report-a-road-traffic-collision'], between: { from: '22:00', to: '06:00' } }, then: { queue: 'control-room', priority: 2, replyWithinHours: 12 } },
  ],
}).rules;

const promises = { triageWithinMinutes: 45, replyWithinHours: 48 };
const facts = (overrides: Partial<Parameters<typeof routeReport>[1]> = {}) => ({
  serviceId: 'report-a-crime',
  answers: { 'crime-type': { crimeType: 'theft' } },
  flags: [],
  submittedAt: new Date('2026-06-01T12:00:00Z'),
  ...overrides,
});

describe('routeReport', () => {
  it('applies the first rule that matches, with its deadlines and the force’s promises for the rest', () => {
    const outcome = routeReport(rules, facts({ flags: ['hate', 'vulnerable'] }), promises);
    expect(outcome).toEqual({
      kind: 'route',
      rule: 'Hate crime to public protection',
      action: { queue: 'public-protection', priority: 1, triageWithinMinutes: 30, replyWithinHours: 48, tags: ['hate'] },
      triageBy: new Date('2026-06-01T12:30:00Z'),
      replyBy: new Date('2026-06-03T12:00:00Z'),
    });
  });

  it('tests answers and services', () => {
    expect(routeReport(rules, facts({ answers: { 'crime-type': { crimeType: 'vehicle-crime' } } }), promises).rule).toBe('Vehicle crime to roads policing');
    expect(routeReport(rules, facts({ serviceId: 'contact-us', answers: { 'crime-type': { crimeType: 'vehicle-crime' } } }), promises).rule).toBeNull();
  });

  it('tests the local time, across midnight and in British Summer Time', () => {
    const collision = (at: string) => routeReport(rules, facts({ serviceId: 'report-a-road-traffic-collision', submittedAt: new Date(at) }), promises).rule;
    expect(collision('2026-06-01T21:30:00Z')).toBe('Overnight collisions'); // 22:30 BST
    expect(collision('2026-06-01T04:59:00Z')).toBe('Overnight collisions'); // 05:59 BST
    expect(collision('2026-06-01T05:00:00Z')).toBeNull(); // 06:00 BST
    expect(collision('2026-01-15T22:00:00Z')).toBe('Overnight collisions'); // 22:00 GMT
  });

  it('falls back to the national default queue with the force’s own promises', () => {
    expect(routeReport(rules, facts(), promises)).toMatchObject({ rule: null, action: { ...NATIONAL_DEFAULT, ...promises } });
  });

  it('transfers a report whose location lies in another force’s area, and only when one does', () => {
    const area = routingRulesSchema.parse({
      rules: [
        { name: 'Outside our area', when: { insideArea: false }, then: { transferTo: 'force-containing-location' } },
        { name: 'Inside our area', when: { insideArea: true }, then: { queue: 'local', priority: 4 } },
      ],
    }).rules;
    expect(routeReport(area, facts({ insideArea: false, areaForce: 'eastmarch' }), promises)).toEqual({ kind: 'transfer', rule: 'Outside our area', to: 'eastmarch' });
    // Outside every force's area (or no location at all): the transfer cannot happen, later rules decide.
    expect(routeReport(area, facts({ insideArea: false, areaForce: null }), promises)).toMatchObject({ kind: 'route', rule: null });
    expect(routeReport(area, facts({ insideArea: null }), promises)).toMatchObject({ kind: 'route', rule: null });
    expect(routeReport(area, facts({ insideArea: true }), promises)).toMatchObject({ kind: 'route', rule: 'Inside our area' });
    // A receiving force never sends it on again.
    expect(routeReport(area, facts({ insideArea: false, areaForce: 'northshire' }), promises, { allowTransfer: false })).toMatchObject({ kind: 'route', rule: null });
  });

  it('refuses a rule file with a specific message', () => {
    const result = routingRulesSchema.safeParse({ rules: [{ name: 'Bad time', when: { between: { from: '25:00', to: '06:00' } }, then: { queue: 'x', priority: 9 } }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(
      expect.arrayContaining(['rules.0.when.between.from: must be a 24-hour time like 18:30', expect.stringMatching(/^rules\.0\.then\.priority: /)]),
    );
  });
});
