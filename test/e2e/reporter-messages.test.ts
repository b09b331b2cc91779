import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BACK_OFFICE_CLIENT_ID, DEFAULT_DEV_BACK_OFFICE_SECRET } from '../../apps/idp/src/dev-idp.js';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { temporaryTenantsDirectory } from '../factories/tenant-file.js';
import { startFakeNotify, type FakeNotification, type FakeNotify } from '../support/fake-notify.js';
import { graphqlAs } from '../support/graphql.js';
import { PublicVisitor } from '../support/public-site.js';
import { answerThroughApi, sendThroughApi, submitThroughApi, theftAnswers, type PageAnswers } from '../support/reports.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// A force on GOV.UK Notify (here the local fake of Notify's API, through the real client): every
// message to its reporters goes through Notify, from the force, in the report's language, linking to
// tracking; a reporter who asked for text messages gets the confirmation, tracking codes and updates
// by SMS. Northshire (English) and Dyffryn (English and Welsh) are on Notify; Eastmarch stays on SMTP.

const NORTH = 'northshire.localhost';
const DYFFRYN = 'dyffryn.localhost';
const KEY_VARIABLE = 'FC_TEST_REPORTER_NOTIFY_KEY';
let notify: FakeNotify;
let stack: TestStack;

beforeAll(async () => {
  notify = await startFakeNotify();
  const tenants = temporaryTenantsDirectory();
  const block = [
    'notifications:',
    '  provider: notify',
    `  apiKeyEnv: ${KEY_VARIABLE}`,
    `  emailTemplateId: ${notify.templates.email.id}`,
    `  emailWithFileTemplateId: ${notify.templates.emailWithFile.id}`,
    `  smsTemplateId: ${notify.templates.sms.id}`,
    `  emailReplyToId: ${notify.emailReplyToId}`,
    `  smsSenderId: ${notify.smsSenderId}`,
    '',
  ].join('\n');
  for (const force of ['northshire', 'dyffryn']) appendFileSync(path.join(tenants, force, 'tenant.yaml'), `\n${block}`);
  // The worker reads a force's key from its environment by the variable the tenant file names.
  process.env[KEY_VARIABLE] = notify.apiKey;
  stack = await startTestStack({ TENANTS_DIR: tenants, NOTIFY_API_URL: notify.url, OUTBOX_POLL_MS: '60000' });
});
afterAll(async () => {
  await stack?.close();
  await notify?.close();
  delete process.env[KEY_VARIABLE];
});

const runJobs = () => stack.worker.get(JobWorker).runDueJobs();
/** What Notify took for one address or number since `since` (an index into notify.notifications). */
const sentTo = (to: string, since = 0): FakeNotification[] => notify.notifications.slice(since).filter((notification) => notification.to === to);

function textAnswers(phone: string, email: string): PageAnswers {
  const answers = theftAnswers({ email });
  return { ...answers, 'your-details': { ...(answers['your-details'] as Record<string, string>), phone }, 'contact-preference': { contactMethod: 'text' } };
}

it('sends a reporter who asked for e-mail their confirmation through Notify: from the force, its reply-to address, with the tracking link', async () => {
  const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', theftAnswers({ email: 'by-email@example.com' }));
  await runJobs();

  const [email, ...more] = sentTo('by-email@example.com');
  expect(more).toEqual([]);
  expect(email).toMatchObject({ type: 'email', templateId: notify.templates.email.id, emailReplyToId: notify.emailReplyToId, reference: `report-${reference}-confirmation` });
  const formatted = `${reference.slice(0, 3)}-${reference.slice(3, 6)}-${reference.slice(6)}`;
  expect(email.subject).toBe(`Northshire Police: we have your report ${formatted}`);
  expect(email.body).toContain(`Your reference number is ${formatted}.`);
  expect(email.body).toMatch(/You can follow your report at http:\/\/northshire\.localhost:\d+\/track with your reference number and this email address\./);
});

it('texts a reporter who asked for text messages: the confirmation, the tracking code that opens their report, and the records system’s update', async () => {
  const phone = '07700 900123';
  const { reference, session } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', textAnswers(phone, 'by-text@example.com'));
  const formatted = `${reference.slice(0, 3)}-${reference.slice(3, 6)}-${reference.slice(6)}`;

  // The confirmation page says where the reference went.
  const journey = await graphqlAs(stack.apiUrl, NORTH, `query($t: String!) { journey(serviceId: "report-a-crime", session: $t) { confirmationEmail confirmationText } }`, { t: session });
  expect(journey.data.journey).toEqual({ confirmationEmail: null, confirmationText: '07700900123' });

  await runJobs();
  const [confirmation, ...more] = sentTo('447700900123');
  expect(more).toEqual([]);
  expect(sentTo('by-text@example.com')).toEqual([]);
  expect(confirmation).toMatchObject({ type: 'sms', templateId: notify.templates.sms.id, smsSenderId: notify.smsSenderId, reference: `report-${reference}-confirmation` });
  expect(confirmation.body).toMatch(new RegExp(`^Northshire Police: we have your report \\(Report a crime\\)\\. Your reference number is ${formatted}\\. .* Track it at http://northshire\\.localhost:\\d+/track `));

  // Tracking: the reporter gives the reference and e-mail address; the code comes by text.
  const tracker = new PublicVisitor(stack.webUrl, NORTH);
  await tracker.get('/track');
  expect((await tracker.post('/track', { reference: formatted, email: 'by-text@example.com' })).location).toBe('/track/code');
  expect((await tracker.get('/track/code')).text).toContain('it is in a text message to the mobile number you gave us');
  const before = notify.notifications.length;
  await runJobs();
  const [codeText] = sentTo('447700900123', before);
  expect(sentTo('by-text@example.com', before)).toEqual([]);
  const code = /is (\d{6})\./.exec(codeText.body)?.[1];
  expect(codeText.body).toBe(`Northshire Police: your code to see report ${formatted} is ${code}. It works for 10 minutes. If you did not ask for it, ignore this message.`);
  expect((await tracker.post('/track/code', { code: code! })).location).toBe('/track/report');
  expect((await tracker.get('/track/report')).text).toContain(formatted);

  // An update for the reporter from the force's records system comes by text too.
  const token = await fetch(`${stack.idp!.url}/realms/northshire/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${BACK_OFFICE_CLIENT_ID}:${DEFAULT_DEV_BACK_OFFICE_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  }).then((response) => response.json() as Promise<{ access_token: string }>);
  const updated = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
    body: JSON.stringify({ query: `mutation($r: String!) { backOfficeUpdate(report: $r, update: { messageToReporter: "PC Marsh will call you on Thursday." }) { reference } }`, variables: { r: reference } }),
  }).then((response) => response.json() as Promise<{ errors?: unknown }>);
  expect(updated.errors).toBeUndefined();
  const beforeUpdate = notify.notifications.length;
  await runJobs();
  const [update, ...moreUpdates] = sentTo('447700900123', beforeUpdate);
  expect(moreUpdates).toEqual([]);
  expect(update.body).toMatch(new RegExp(`^Northshire Police, about your report ${formatted}: PC Marsh will call you on Thursday\\.\\n.*http://northshire\\.localhost:\\d+/track with your reference number`, 's'));
});

it('writes to a Welsh reporter in Welsh, by text as they asked, from the force’s Welsh name', async () => {
  const session = randomBytes(32).toString('base64url');
  const started = await graphqlAs(stack.apiUrl, DYFFRYN, `mutation($t: String!) { startJourney(serviceId: "report-a-crime", session: $t, language: cy) { current } }`, { t: session });
  expect(started.errors).toBeUndefined();
  await answerThroughApi(stack.apiUrl, DYFFRYN, 'report-a-crime', textAnswers('+44 7700 900456', 'cymraeg@example.com'), 'declaration', session);
  const reference = await sendThroughApi(stack.apiUrl, DYFFRYN, 'report-a-crime', session);
  const formatted = `${reference.slice(0, 3)}-${reference.slice(3, 6)}-${reference.slice(6)}`;
  await runJobs();

  const [text] = sentTo('447700900456');
  expect(text.body).toMatch(new RegExp(`^Heddlu Dyffryn: mae eich adroddiad gennym \\(.+\\)\\. Eich cyfeirnod yw ${formatted}\\. .*Dilynwch ef yn http://dyffryn\\.localhost:\\d+/track `));
});

it('e-mails a reporter who asked for texts but gave a landline, and one whose force sends no texts (SMTP)', async () => {
  const { reference } = await submitThroughApi(stack.apiUrl, NORTH, 'report-a-crime', textAnswers('01632 960001', 'landline@example.com'));
  await runJobs();
  expect(sentTo('441632960001')).toEqual([]);
  expect(sentTo('landline@example.com')).toEqual([expect.objectContaining({ type: 'email', reference: `report-${reference}-confirmation` })]);

  // Eastmarch sends by SMTP, which has no texts: its confirmation page names the e-mail address.
  const { session, reference: eastmarchReference } = await submitThroughApi(stack.apiUrl, 'eastmarch.localhost', 'report-a-crime', textAnswers('07700 900789', 'eastmarch-text@example.com'));
  const journey = await graphqlAs(stack.apiUrl, 'eastmarch.localhost', `query($t: String!) { journey(serviceId: "report-a-crime", session: $t) { confirmationEmail confirmationText } }`, { t: session });
  expect(journey.data.journey).toEqual({ confirmationEmail: 'eastmarch-text@example.com', confirmationText: null });
  await runJobs();
  expect(sentTo('447700900789')).toEqual([]);
  expect(sentTo('eastmarch-text@example.com')).toEqual([]);
  const directory = stack.config.mail.directory;
  const mailed = (existsSync(directory) ? readdirSync(directory) : [])
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; from: string; subject: string; text: string });
  const [email, ...more] = mailed.filter((mail) => mail.to === 'eastmarch-text@example.com' && mail.subject.replaceAll('-', '').endsWith(eastmarchReference));
  expect(more).toEqual([]);
  expect(email.from).toMatch(/^Eastmarch Constabulary </);
  expect(email.text).toMatch(/You can follow your report at http:\/\/eastmarch\.localhost:\d+\/track/);
});
