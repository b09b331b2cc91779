import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { journeyPosition, type CompiledForm } from '@front-counter/forms';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { summaryRows } from '../../apps/web/src/journey/journey-view.js';
import { temporaryTenantsDirectory } from '../factories/tenant-file.js';
import { graphqlAs } from '../support/graphql.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let tenants: string;
const HOST = 'northshire.localhost';

beforeAll(async () => {
  tenants = temporaryTenantsDirectory();
  stack = await startTestStack({ TENANTS_DIR: tenants });
});
afterAll(() => stack?.close());

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

const api = (query: string, variables: Record<string, unknown> = {}) => graphqlAs(stack.apiUrl, HOST, query, variables);

async function reportContactUs(message: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await api(`mutation($t: String!) { startJourney(serviceId: "contact-us", session: $t, language: en) { current } }`, { t: token });
  const pages: [string, Record<string, string>][] = [
    ['emergency', { emergency: 'no' }],
    ['contact-reason', { contactReason: 'feedback' }],
    ['message', { message }],
    ['your-details', { fullName: 'Jo Bloggs', email: 'jo@example.com' }],
    ['check-answers', {}],
  ];
  for (const [pageId, values] of pages) {
    const outcome = await api(`mutation($t: String!, $p: String!, $v: JSON!) { answerPage(serviceId: "contact-us", session: $t, pageId: $p, values: $v) { errors { field } } }`, { t: token, p: pageId, v: values });
    expect(outcome.data?.answerPage.errors).toEqual([]);
  }
  const submitted = await api(`mutation($t: String!) { submitReport(serviceId: "contact-us", session: $t, values: { confirm: "yes" }) { reference } }`, { t: token });
  return submitted.data.submitReport.reference;
}

const overlay = (label: string) => `service: contact-us
basedOnVersion: 1
texts:
  questions:
    message:
      label: { en: "${label}", cy: "Dywedwch fwy wrthym" }
      hint: { en: "Include the date and place.", cy: "Cynhwyswch y dyddiad a'r lle." }
`;

describe('form versions', () => {
  it('pin a report to the version that made it, so it still renders after a new version is published', async () => {
    const reference = await reportContactUs('Parking outside the school every morning.');
    const [before] = await sql(`SELECT r.form_version_id, f.version FROM reports r JOIN form_versions f ON f.id = r.form_version_id WHERE r.reference = $1`, [reference]);
    expect(before.version).toBe(1);

    // The force changes a question's text in its overlay: sync publishes version 2.
    mkdirSync(path.join(tenants, 'northshire', 'services'), { recursive: true });
    writeFileSync(path.join(tenants, 'northshire', 'services', 'contact-us.yaml'), overlay('Tell us more'));
    const published = await migrateAndSync(stack.database.urls.admin, tenants, { dryRun: false });
    expect(published.formChanges).toEqual(['northshire: contact-us published as version 2 (national v1, with its overlay)']);
    expect((await migrateAndSync(stack.database.urls.admin, tenants, { dryRun: false })).formChanges).toEqual([]);

    // The report still points at version 1, whose form is unchanged.
    const [after] = await sql(`SELECT form_version_id FROM reports WHERE reference = $1`, [reference]);
    expect(after.form_version_id).toBe(before.form_version_id);
    const oldForm: CompiledForm = (await api(`query($id: String!) { formVersion(id: $id) }`, { id: before.form_version_id })).data.formVersion;
    const [report] = await sql(`SELECT answers FROM reports WHERE reference = $1`, [reference]);
    const oldRows = summaryRows(oldForm, report.answers, journeyPosition(oldForm, { ...report.answers, 'check-answers': {} }).path, 'en', '/contact-us');
    expect(oldRows).toContainEqual(expect.objectContaining({ key: { text: 'Your message' }, value: { html: 'Parking outside the school every morning.' } }));

    // A journey started now uses version 2 and its new text.
    const token = randomBytes(32).toString('base64url');
    const started = await api(`mutation($t: String!) { startJourney(serviceId: "contact-us", session: $t, language: en) { formVersionId formVersion } }`, { t: token });
    expect(started.data.startJourney.formVersion).toBe(2);
    const newForm: CompiledForm = (await api(`query($id: String!) { formVersion(id: $id) }`, { id: started.data.startJourney.formVersionId })).data.formVersion;
    const message = newForm.pages.find((page) => page.id === 'message')!;
    expect('questions' in message && message.questions[0].label.en).toBe('Tell us more');

    // Published versions are immutable, even to a superuser (the trigger does not care who asks).
    await expect(sql(`UPDATE form_versions SET hash = 'x' WHERE id = $1`, [before.form_version_id])).rejects.toThrow(/immutable/);
  });

  it('keep a journey on the version it started with when a new one is published before it is sent', async () => {
    const token = randomBytes(32).toString('base64url');
    const started = await api(`mutation($t: String!) { startJourney(serviceId: "contact-us", session: $t, language: en) { formVersion } }`, { t: token });
    const startedOn = started.data.startJourney.formVersion;
    writeFileSync(path.join(tenants, 'northshire', 'services', 'contact-us.yaml'), overlay('Tell us what happened'));
    expect((await migrateAndSync(stack.database.urls.admin, tenants, { dryRun: false })).formChanges).toEqual([`northshire: contact-us published as version ${startedOn + 1} (national v1, with its overlay)`]);
    const pages: [string, Record<string, string>][] = [
      ['emergency', { emergency: 'no' }],
      ['contact-reason', { contactReason: 'question' }],
      ['message', { message: 'When is the station open?' }],
      ['your-details', { fullName: 'Jo Bloggs', email: 'jo@example.com' }],
      ['check-answers', {}],
    ];
    for (const [pageId, values] of pages) await api(`mutation($t: String!, $p: String!, $v: JSON!) { answerPage(serviceId: "contact-us", session: $t, pageId: $p, values: $v) { errors { field } } }`, { t: token, p: pageId, v: values });
    const reference = (await api(`mutation($t: String!) { submitReport(serviceId: "contact-us", session: $t, values: { confirm: "yes" }) { reference } }`, { t: token })).data.submitReport.reference;
    expect(await sql(`SELECT f.version FROM reports r JOIN form_versions f ON f.id = r.form_version_id WHERE r.reference = $1`, [reference])).toEqual([{ version: startedOn }]);
  });

  it('refuse an overlay that removes a mandatory question, naming the file, and publish nothing', async () => {
    const file = path.join(tenants, 'northshire', 'services', 'contact-us.yaml');
    writeFileSync(file, `${overlay('Tell us more')}disabledPages: [your-details]\n`);
    const count = async () => (await sql(`SELECT count(*)::int AS count FROM form_versions f JOIN tenants t ON t.id = f.tenant_id WHERE t.slug = 'northshire' AND f.service_id = 'contact-us'`))[0].count;
    const versions = await count();
    await expect(migrateAndSync(stack.database.urls.admin, tenants, { dryRun: false })).rejects.toThrow(
      /northshire\/services\/contact-us\.yaml: disabledPages: page "your-details" holds the nationally mandatory question "email", which a force cannot remove/,
    );
    expect(await count()).toBe(versions);
  });
});
