import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTenantDefinitions, parseTenantFile, TenantFileError } from './tenant-files.js';

const valid = `slug: westholm
name:
  en: Westholm Police
languages: [en]
domains:
  - report.westholm.police.example
branding:
  brandColour: "#1d4f91"
  secondaryColour: "#f0b323"
  logo:
    text:
      en: Westholm Police
contact:
  nonEmergency: "101"
  textRelayEmergency: "18000"
promises:
  triageWithinMinutes: 45
  replyWithinHours: 48
identity:
  realm: westholm
`;

function folderWith(files: Record<string, string>): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'tenant-files-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
  return directory;
}

describe('parseTenantFile', () => {
  const file = path.join(os.tmpdir(), 'westholm', 'tenant.yaml');

  it('accepts a valid file and fills defaults', () => {
    const { tenant, problems } = parseTenantFile(file, valid);
    expect(problems).toEqual([]);
    expect(tenant?.identity.audience).toBe('front-counter');
  });

  it('names the file, line and field of a bad value', () => {
    const { problems } = parseTenantFile(file, valid.replace('"#1d4f91"', '"navy"'));
    expect(problems).toEqual([expect.stringMatching(/westholm\/tenant\.yaml:8: branding\.brandColour: must be a hex colour like #1d70b8$/)]);
  });

  it('refuses a brand colour that fails WCAG contrast with white, giving the ratio', () => {
    const { problems } = parseTenantFile(file, valid.replace('"#1d4f91"', '"#ffdd00"'));
    expect(problems[0]).toMatch(/branding\.brandColour: #ffdd00 has a contrast ratio of 1\.\d\d:1 with the white header text; WCAG 2\.2 AA needs at least 4\.5:1/);
  });

  it('requires Welsh for every public text when a force serves Wales', () => {
    const { problems } = parseTenantFile(file, valid.replace('languages: [en]', 'languages: [en, cy]'));
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/name\.cy: Welsh text is required/), expect.stringMatching(/branding\.logo\.text\.cy: Welsh text is required/)]),
    );
  });

  it('reports unknown fields, missing fields and YAML syntax errors', () => {
    expect(parseTenantFile(file, `${valid}colour: red\n`).problems[0]).toMatch(/Unrecognized key: "colour"/);
    expect(parseTenantFile(file, valid.replace(/identity:\n  realm: westholm\n/, '')).problems[0]).toMatch(/identity: /);
    expect(parseTenantFile(file, `${valid}  - : :\n  bad`).problems[0]).toMatch(/westholm\/tenant\.yaml:\d+: /);
  });

  describe('notifications', () => {
    const notify = (block: string) => `${valid}notifications:\n${block}`;
    const ids = { email: '5f0b2a4c-8d3e-4b1a-9c6f-2e7d1a0b3c4d', sms: '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f', replyTo: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d' };

    it('sends by SMTP when absent, and takes a Notify block with its ids and the name of its key variable', () => {
      expect(parseTenantFile(file, valid).tenant?.notifications).toBeUndefined();
      const { tenant, problems } = parseTenantFile(
        file,
        notify(`  provider: notify\n  apiKeyEnv: WESTHOLM_NOTIFY_API_KEY\n  emailTemplateId: ${ids.email}\n  smsTemplateId: ${ids.sms}\n  emailReplyToId: ${ids.replyTo}\n`),
      );
      expect(problems).toEqual([]);
      expect(tenant?.notifications).toEqual({ provider: 'notify', apiKeyEnv: 'WESTHOLM_NOTIFY_API_KEY', emailTemplateId: ids.email, smsTemplateId: ids.sms, emailReplyToId: ids.replyTo });
      expect(parseTenantFile(file, notify('  provider: smtp\n  replyTo: contact@westholm.police.example\n')).tenant?.notifications).toEqual({ provider: 'smtp', replyTo: 'contact@westholm.police.example' });
    });

    it('names the field, and its line, of an id that is not a UUID or a key variable that is not UPPER_SNAKE', () => {
      const { problems } = parseTenantFile(file, notify(`  provider: notify\n  apiKeyEnv: westholm-notify-key\n  emailTemplateId: ${ids.email}\n  smsTemplateId: sms-template\n`));
      expect(problems).toEqual([
        expect.stringMatching(/westholm\/tenant\.yaml:23: notifications\.apiKeyEnv: must name an environment variable in UPPER_SNAKE_CASE, like NORTHSHIRE_NOTIFY_API_KEY$/),
        expect.stringMatching(/westholm\/tenant\.yaml:25: notifications\.smsTemplateId: must be the id of a GOV\.UK Notify template, a UUID like /),
      ]);
    });

    it('refuses an unknown provider, a Notify block without its key variable or e-mail template, and a secret in place of its name', () => {
      expect(parseTenantFile(file, notify('  provider: mailchimp\n')).problems).toEqual([expect.stringMatching(/notifications\.provider: must be smtp or notify$/)]);
      expect(parseTenantFile(file, notify('  provider: notify\n')).problems).toEqual([
        expect.stringMatching(/notifications\.apiKeyEnv: /),
        expect.stringMatching(/notifications\.emailTemplateId: /),
      ]);
      const withKey = notify(`  provider: notify\n  apiKeyEnv: WESTHOLM_NOTIFY_API_KEY\n  emailTemplateId: ${ids.email}\n  apiKey: live-${ids.sms}-${ids.replyTo}\n`);
      expect(parseTenantFile(file, withKey).problems).toEqual([expect.stringMatching(/notifications: Unrecognized key: "apiKey"$/)]);
      expect(parseTenantFile(file, notify('  provider: smtp\n  apiKeyEnv: WESTHOLM_NOTIFY_API_KEY\n')).problems).toEqual([expect.stringMatching(/notifications: Unrecognized key: "apiKeyEnv"$/)]);
    });
  });

  it('refuses a slug that differs from its folder', () => {
    expect(parseTenantFile(file, valid.replace('slug: westholm', 'slug: eastholm')).problems[0]).toMatch(/slug: must match its folder name "westholm"/);
  });
});

describe('loadTenantDefinitions', () => {
  it('loads the repository forces, skipping _template', () => {
    const tenants = loadTenantDefinitions(path.resolve('tenants'));
    expect(tenants.map((tenant) => tenant.slug)).toEqual(['dyffryn', 'eastmarch', 'northshire']);
    expect(tenants.find((tenant) => tenant.slug === 'eastmarch')?.logoSvg).toContain('<svg');
    expect(tenants.find((tenant) => tenant.slug === 'dyffryn')?.languages).toEqual(['en', 'cy']);
  });

  it('keeps the template itself valid', () => {
    const { problems } = parseTenantFile(path.resolve('tenants/_template/tenant.yaml'), loadText('tenants/_template/tenant.yaml'));
    expect(problems).toEqual([]);
  });

  it('lists every problem in every file at once, and a domain claimed twice', () => {
    const directory = folderWith({
      'westholm/tenant.yaml': valid,
      'eastholm/tenant.yaml': valid.replace('slug: westholm', 'slug: eastholm').replace('"101"', '"one-oh-one"'),
      'southholm/tenant.yaml': valid.replace('slug: westholm', 'slug: southholm'),
    });
    let error: unknown;
    try {
      loadTenantDefinitions(directory);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TenantFileError);
    const problems = (error as TenantFileError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/eastholm\/tenant\.yaml:\d+: contact\.nonEmergency: must be digits and spaces/),
      expect.stringMatching(/westholm\/tenant\.yaml: domains: report\.westholm\.police\.example is already used by southholm/),
    ]);
  });

  it('refuses an SVG logo with script', () => {
    const directory = folderWith({
      'westholm/tenant.yaml': valid.replace('      en: Westholm Police\n', '      en: Westholm Police\n    svg: logo.svg\n'),
      'westholm/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    });
    expect(() => loadTenantDefinitions(directory)).toThrow(/westholm\/logo\.svg: branding\.logo\.svg must not contain script/);
  });
});

import { readFileSync } from 'node:fs';
function loadText(file: string): string {
  return readFileSync(path.resolve(file), 'utf8');
}
