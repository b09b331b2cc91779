import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmailTemplates } from './email-templates.js';

const data = {
  force: 'Northshire Police',
  name: 'Sam',
  service: 'Report a crime',
  reference: '7KQ-2MX-9P4',
  minutes: 45,
  hours: 48,
  whatHappensNext: '',
  nonEmergency: '101',
  textRelayEmergency: '18000',
};

describe('EmailTemplates', () => {
  const tenants = mkdtempSync(path.join(os.tmpdir(), 'email-templates-'));

  it('renders the national confirmation in English and Welsh with the reference', () => {
    const templates = new EmailTemplates(tenants);
    const english = templates.render('northshire', 'report-confirmation', 'en', data);
    expect(english.subject).toBe('Northshire Police: we have your report 7KQ-2MX-9P4');
    expect(english.text).toContain('Your reference number is 7KQ-2MX-9P4.');
    const welsh = templates.render('northshire', 'report-confirmation', 'cy', { ...data, force: 'Heddlu Dyffryn' });
    expect(welsh.subject).toBe('Heddlu Dyffryn: mae eich adroddiad 7KQ-2MX-9P4 gennym');
    expect(welsh.text).toContain('Eich cyfeirnod yw 7KQ-2MX-9P4.');
  });

  it('uses a force’s own template where it has one, in that language only', () => {
    mkdirSync(path.join(tenants, 'eastmarch', 'emails'), { recursive: true });
    writeFileSync(path.join(tenants, 'eastmarch', 'emails', 'report-confirmation.en.hbs'), 'Subject: Eastmarch reference {{reference}}\n\nThanks, {{name}}.\n');
    const templates = new EmailTemplates(tenants);
    expect(templates.render('eastmarch', 'report-confirmation', 'en', data)).toEqual({ subject: 'Eastmarch reference 7KQ-2MX-9P4', text: 'Thanks, Sam.\n' });
    expect(templates.render('eastmarch', 'report-confirmation', 'cy', data).subject).toContain('mae eich adroddiad');
    expect(templates.render('northshire', 'report-confirmation', 'en', data).subject).toBe('Northshire Police: we have your report 7KQ-2MX-9P4');
  });

  it('refuses a template without its Subject line, naming it', () => {
    mkdirSync(path.join(tenants, 'westholm', 'emails'), { recursive: true });
    writeFileSync(path.join(tenants, 'westholm', 'emails', 'resume-link.en.hbs'), 'Hello {{force}}\n');
    expect(() => new EmailTemplates(tenants).render('westholm', 'resume-link', 'en', { force: 'W', resumeUrl: 'x', expires: 'y' })).toThrow(/resume-link\.en for westholm must start with a "Subject:" line/);
  });
});
