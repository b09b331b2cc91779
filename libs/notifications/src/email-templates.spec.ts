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
  trackUrl: 'https://northshire.example/track',
};

describe('EmailTemplates', () => {
  const tenants = mkdtempSync(path.join(os.tmpdir(), 'email-templates-'));

  it('renders the national confirmation in English and Welsh with the reference', () => {
    const templates = new EmailTemplates(tenants);
    const english = templates.render('northshire', 'report-confirmation', 'en', data);
    expect(english.subject).toBe('Northshire Police: we have your report 7KQ-2MX-9P4');
    expect(english.text).toContain('Your reference number is 7KQ-2MX-9P4.');
    expect(english.text).toContain('You can follow your report at https://northshire.example/track');
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

  it('renders text messages in English and Welsh, each with the tracking link', () => {
    const templates = new EmailTemplates(tenants);
    const english = templates.renderText('northshire', 'report-confirmation', 'en', data, { maxCharacters: 918 });
    expect(english).toBe(
      'Northshire Police: we have your report (Report a crime). Your reference number is 7KQ-2MX-9P4. We aim to look at it within 45 minutes. Track it at https://northshire.example/track with your reference number and the email address you gave us. In an emergency, call 999.',
    );
    const welsh = templates.renderText('northshire', 'tracking-code', 'cy', { force: 'Heddlu Dyffryn', reference: '7KQ-2MX-9P4', code: '123456', minutes: 10 });
    expect(welsh).toBe("Heddlu Dyffryn: eich cod i weld adroddiad 7KQ-2MX-9P4 yw 123456. Mae'n gweithio am 10 munud. Os na wnaethoch ofyn amdano, anwybyddwch y neges hon.");
  });

  it('cuts a long message to fit one text (918 characters), keeping the link to read it all', () => {
    const templates = new EmailTemplates(tenants);
    const message = 'We have looked at the footage you sent. '.repeat(60);
    const text = templates.renderText('northshire', 'report-message', 'en', { ...data, message, askingForInformation: false }, { field: 'message', maxCharacters: 918 });
    expect(text).toHaveLength(918);
    expect(text).toMatch(/^Northshire Police, about your report 7KQ-2MX-9P4: We have looked at the footage/);
    expect(text).toMatch(/…\nSee your report at https:\/\/northshire\.example\/track with your reference number/);
    const short = templates.renderText('northshire', 'report-message', 'en', { ...data, message: 'We have closed your report.', askingForInformation: true }, { field: 'message', maxCharacters: 918 });
    expect(short).toContain('We have closed your report.\nTo reply, go to https://northshire.example/track');
  });

  it('refuses a text that cannot be made to fit, and a message that has no text version, naming them', () => {
    const templates = new EmailTemplates(tenants);
    expect(() => templates.renderText('northshire', 'tracking-code', 'en', { ...data, code: '1'.repeat(1000) }, { maxCharacters: 918 })).toThrow(/tracking-code\.en for northshire is \d+ characters long: at most 918/);
    expect(() => templates.renderText('northshire', 'resume-link', 'en', data)).toThrow('There is no text message template resume-link.en.sms.hbs');
  });
});
