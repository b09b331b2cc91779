import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getWithHost } from '../support/http.js';
import { statementsDuring } from '../support/statements.js';
import { graphqlAs } from '../support/graphql.js';
import { contactUsSteps } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { WebSession } from '../support/web-session.js';

let stack: TestStack;
let dataDirectory: string;
const NORTHSHIRE = 'northshire.localhost';

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-journeys-'));
  chmodSync(dataDirectory, 0o755);
  // A long poll: tests deliver the outbox themselves, so nothing races them.
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000' });
});
afterAll(() => stack?.close());

const session = () => randomBytes(32).toString('base64url');
const JOURNEY = 'serviceId formVersionId current path answers reference';
const OUTCOME = `journey { ${JOURNEY} } errors { field questionId message { en cy } } nextPageId`;

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

const api = (query: string, variables: Record<string, unknown>, host = NORTHSHIRE) => graphqlAs(stack.apiUrl, host, query, variables);
const start = (token: string, serviceId = 'contact-us', host = NORTHSHIRE) =>
  api(`mutation($s: String!, $t: String!) { startJourney(serviceId: $s, session: $t, language: en) { ${JOURNEY} } }`, { s: serviceId, t: token }, host);
const answer = (token: string, pageId: string, values: unknown, host = NORTHSHIRE) =>
  api(`mutation($t: String!, $p: String!, $v: JSON!) { answerPage(serviceId: "contact-us", session: $t, pageId: $p, values: $v) { ${OUTCOME} } }`, { t: token, p: pageId, v: values }, host);
const submit = (token: string) => api(`mutation($t: String!) { submitReport(serviceId: "contact-us", session: $t, values: { confirm: "yes" }) { reference errors { field } } }`, { t: token });

async function answerContactUs(token: string) {
  await start(token);
  for (const [pageId, values] of contactUsSteps()) {
    const outcome = await answer(token, pageId, values);
    expect(outcome.data?.answerPage.errors).toEqual([]);
  }
}

const draftAnswers = async (token: string) => {
  const { createHash } = await import('node:crypto');
  const [draft] = await sql(`SELECT answers FROM drafts WHERE session_hash = $1`, [createHash('sha256').update(token).digest('hex')]);
  return draft?.answers;
};

describe('submitting a report', () => {
  it('stores report, audit event and outbox events in one go, and a second submit returns the same reference', async () => {
    const token = session();
    await answerContactUs(token);
    const [first, second] = await Promise.all([submit(token), submit(token)]);
    const reference = first.data?.submitReport.reference;
    expect(reference).toMatch(/^[2-9A-HJKMNP-TV-Z]{9}$/);
    expect(second.data?.submitReport.reference).toBe(reference);

    const reports = await sql(
      `SELECT r.id, t.slug, r.service_id, r.reporter_email, r.reporter_name, r.answers, f.version, f.service_id AS form_service
       FROM reports r JOIN tenants t ON t.id = r.tenant_id JOIN form_versions f ON f.id = r.form_version_id WHERE r.reference = $1`,
      [reference],
    );
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ slug: 'northshire', service_id: 'contact-us', form_service: 'contact-us', version: 1, reporter_email: 'alex@example.com', reporter_name: 'Alex Reporter' });
    expect(reports[0].answers.message).toEqual({ message: 'Thank you to PC Jones for her help.' });
    expect(await sql(`SELECT action, actor_type FROM audit_events WHERE subject_id = $1`, [reports[0].id])).toEqual([{ action: 'report.submitted', actor_type: 'public' }]);
    expect((await sql(`SELECT type FROM outbox_events WHERE payload->>'reportId' = $1 ORDER BY type`, [reports[0].id])).map((row) => row.type)).toEqual(['email.report-confirmation', 'report.submitted']);

    // The worker sends the confirmation e-mail, with the reference, to the reporter.
    const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
    await stack.worker.get(JobWorker).runDueJobs();
    const mailDirectory = path.join(dataDirectory, 'mail');
    const mails = readdirSync(mailDirectory).filter((name) => name.endsWith('.json')).map((name) => JSON.parse(readFileSync(path.join(mailDirectory, name), 'utf8')));
    const formatted = reference.match(/.{3}/g).join('-');
    expect(mails).toContainEqual(expect.objectContaining({ to: 'alex@example.com', tenant: 'northshire', subject: `Northshire Police: we have your report ${formatted}` }));
    expect(await sql(`SELECT count(*)::int AS pending FROM outbox_events WHERE type = 'email.report-confirmation' AND delivered_at IS NULL`)).toEqual([{ pending: 0 }]);
  });

  it('refuses to submit before every page on the path is answered', async () => {
    const token = session();
    await start(token);
    const outcome = await submit(token);
    expect(outcome.errors?.[0].extensions?.code).toBe('NOT_READY_TO_SUBMIT');
    const { createHash } = await import('node:crypto');
    expect(await sql(`SELECT report_id FROM drafts WHERE session_hash = $1`, [createHash('sha256').update(token).digest('hex')])).toEqual([{ report_id: null }]);
  });
});

describe('bad input gets a specific error and changes nothing', () => {
  let token: string;
  beforeAll(async () => {
    token = session();
    await start(token);
    await answer(token, 'emergency', { emergency: 'no' });
    await answer(token, 'contact-reason', { contactReason: 'question' });
  });

  it.each([
    ['a missing required answer', { message: '' }, [{ field: 'message', message: 'Enter your message' }]],
    ['an unknown field (no mass assignment)', { message: 'Hello', tenantId: 'x', reference: 'ABC' }, [{ field: 'tenantId', message: 'This form does not have a field called "tenantId"' }, { field: 'reference', message: 'This form does not have a field called "reference"' }]],
    ['a 1 MB text answer', { message: 'x'.repeat(1024 * 1024) }, [{ field: 'message', message: 'Your message must be 5,000 characters or fewer' }]],
  ])('%s', async (_case, values, expected) => {
    const before = await draftAnswers(token);
    const outcome = await answer(token, 'message', values);
    expect(outcome.data?.answerPage.errors.map((error: { field: string; message: { en: string } }) => ({ field: error.field, message: error.message.en }))).toEqual(expected);
    expect(await draftAnswers(token)).toEqual(before);
  });

  it.each([
    ['values of the wrong type', { message: 42 }, 'INVALID_ANSWER', /values\.message must be a string/],
    ['values that are not an object', ['message'], 'INVALID_ANSWER', /values must be an object/],
  ])('%s', async (_case, values, code, message) => {
    const before = await draftAnswers(token);
    const outcome = await answer(token, 'message', values);
    expect(outcome.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code } });
    expect(await draftAnswers(token)).toEqual(before);
  });

  it('refuses a page off the reporter’s path, a malformed session and a service the force does not offer', async () => {
    expect((await answer(token, 'declaration', { confirm: 'yes' })).errors?.[0].extensions?.code).toBe('PAGE_NOT_AVAILABLE');
    expect((await answer('short', 'message', { message: 'x' })).errors?.[0].extensions?.code).toBe('INVALID_SESSION');
    // Eastmarch does not offer firearms applications online.
    expect((await start(session(), 'apply-firearm-certificate', 'eastmarch.localhost')).errors?.[0].extensions?.code).toBe('SERVICE_NOT_FOUND');
  });

  it('keeps a draft within its force: the same session on another force finds nothing', async () => {
    const journey = await api(`query($t: String!) { journey(serviceId: "contact-us", session: $t) { current } }`, { t: token }, 'eastmarch.localhost');
    expect(journey.data?.journey).toBeNull();
    expect((await answer(token, 'message', { message: 'Hello' }, 'eastmarch.localhost')).errors?.[0].extensions?.code).toBe('JOURNEY_NOT_FOUND');
  });

});

describe('the force site with bad input', () => {
  it('shows the page again with a specific message for a 1 MB answer, and stores nothing', async () => {
    const web = new WebSession(stack.webUrl, NORTHSHIRE);
    await web.get('/contact-us');
    expect((await web.post('/contact-us/start', {})).location).toBe('/contact-us/emergency');
    await web.get('/contact-us/emergency');
    expect((await web.post('/contact-us/emergency', { emergency: 'no' })).location).toBe('/contact-us/contact-reason');
    await web.get('/contact-us/contact-reason');
    expect((await web.post('/contact-us/contact-reason', { contactReason: 'question' })).location).toBe('/contact-us/message');
    await web.get('/contact-us/message');

    const huge = await web.post('/contact-us/message', { message: 'x'.repeat(1024 * 1024) });
    expect(huge.status).toBe(400);
    expect(huge.text).toContain('govuk-error-summary');
    expect(huge.text).toContain('href="#message"');
    expect(huge.text).toContain('Your message must be 5,000 characters or fewer');
    const missing = await web.post('/contact-us/message', { message: '  ' });
    expect(missing.text).toContain('Enter your message');

    // A post without the page's form token is refused and changes nothing.
    const forged = await web.post('/contact-us/message', { message: 'Forged' }, { withToken: false });
    expect(forged.status).toBe(303);
    const journey = await web.get('/contact-us/your-details');
    expect(journey.location).toBe('/contact-us/message');
  });
});

/** The statements matching `pattern` that this process's stack sent to PostgreSQL while `work` ran. */
describe('an answer posted with its form version (the one-call path)', () => {
  const formVersionOf = (html: string) => /name="_form" value="([^"]+)"/.exec(html)?.[1];

  it('is saved and sends the reporter on, and a wrong or foreign version, an error or a page off the path gets what the full path gives', async () => {
    const web = new WebSession(stack.webUrl, NORTHSHIRE);
    await web.get('/contact-us');
    await web.post('/contact-us/start', {});
    const page = await web.get('/contact-us/emergency');
    const version = formVersionOf(page.text);
    expect(version).toMatch(/^[0-9a-f-]{36}$/);

    // One call to the api: the draft is read once and saved once, each in one statement (no transaction to open and commit).
    const draftStatements = await statementsDuring(/drafts|_of_force|^START|^COMMIT/, async () => {
      expect((await web.post('/contact-us/emergency', { _form: version!, emergency: 'no' })).location).toBe('/contact-us/contact-reason');
    });
    expect(draftStatements).toEqual(['SELECT * FROM live_draft_of_force($1, $2, $3)', 'SELECT * FROM save_draft_answers_of_force($1, $2, $3, $4, $5, $6)']);
    // A question page reads its draft in one statement (live_draft_of_force sets the force and selects).
    const pageReads = await statementsDuring(/drafts|live_draft_of_force/, async () => {
      expect((await web.get('/contact-us/contact-reason')).status).toBe(200);
    });
    expect(pageReads).toEqual(['SELECT * FROM live_draft_of_force($1, $2, $3)']);
    // Field errors come back on the page as before, nothing saved.
    const refused = await web.post('/contact-us/contact-reason', { _form: version! });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('govuk-error-summary');
    // A version of another service or force, or none that exists, answers as the draft's own version says.
    const [crime] = await sql(`SELECT f.id FROM form_versions f JOIN tenants t ON t.id = f.tenant_id WHERE t.slug = 'eastmarch' AND f.service_id = 'report-a-crime' LIMIT 1`);
    expect((await web.post('/contact-us/contact-reason', { _form: crime.id, contactReason: 'question' })).location).toBe('/contact-us/message');
    await web.get('/contact-us/message');
    expect((await web.post('/contact-us/message', { _form: '00000000-0000-4000-8000-000000000000', message: 'Sent with a made-up version.' })).location).toBe('/contact-us/your-details');
    // A page not yet reached is not answered: the reporter goes where they belong.
    await web.get('/contact-us/your-details');
    expect((await web.post('/contact-us/check-answers', { _form: version! })).location).toBe('/contact-us/your-details');
    // A post without the page's form token changes nothing, with a version or without.
    expect((await web.post('/contact-us/your-details', { _form: version!, fullName: 'Forged', email: 'forged@example.com' }, { withToken: false })).status).toBe(303);
    const [draft] = await sql(`SELECT answers FROM drafts d JOIN tenants t ON t.id = d.tenant_id WHERE t.slug = 'northshire' AND d.answers->'message'->>'message' = 'Sent with a made-up version.'`);
    expect(draft.answers).toMatchObject({ emergency: { emergency: 'no' }, 'contact-reason': { contactReason: 'question' } });
    expect(draft.answers['your-details']).toBeUndefined();
  });
});

describe('answers saved without a lock (only if the draft is unchanged, else again under the lock)', () => {
  it('loses none of several pages answered at once, round after round', async () => {
    const token = session();
    await answerContactUs(token);
    const { createHash } = await import('node:crypto');
    const revision = async () => (await sql(`SELECT revision FROM drafts WHERE session_hash = $1`, [createHash('sha256').update(token).digest('hex')]))[0].revision;
    const before = await revision();
    const rounds = 6;
    for (let round = 1; round <= rounds; round++) {
      const outcomes = await Promise.all([
        answer(token, 'message', { message: `Message of round ${round}.` }),
        answer(token, 'your-details', { fullName: `Reporter ${round}`, email: `round${round}@example.com` }),
        answer(token, 'contact-reason', { contactReason: round % 2 ? 'question' : 'compliment' }),
        answer(token, 'emergency', { emergency: 'no' }),
      ]);
      expect(outcomes.map((outcome) => outcome.data?.answerPage.errors)).toEqual([[], [], [], []]);
      // Each answer read the same draft; had any saved over another's, a page would hold an older round.
      expect(await draftAnswers(token)).toMatchObject({
        message: { message: `Message of round ${round}.` },
        'your-details': { fullName: `Reporter ${round}`, email: `round${round}@example.com` },
        'contact-reason': { contactReason: round % 2 ? 'question' : 'compliment' },
      });
    }
    // Every save counted once: four a round.
    expect((await revision()) - before).toBe(rounds * 4);
  });
});

describe('drafts', () => {
  it('expire after DRAFT_TTL_DAYS and are then deleted', async () => {
    const token = session();
    await start(token);
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(token).digest('hex');
    const [draft] = await sql(`SELECT expires_at FROM drafts WHERE session_hash = $1`, [hash]);
    const days = (new Date(draft.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    await sql(`UPDATE drafts SET expires_at = now() - interval '1 second' WHERE session_hash = $1`, [hash]);
    expect((await api(`query($t: String!) { journey(serviceId: "contact-us", session: $t) { current } }`, { t: token })).data?.journey).toBeNull();
    const { JourneysService } = await import('@front-counter/reports');
    const tenants = await sql(`SELECT id FROM tenants`);
    expect(await stack.worker.get(JourneysService).deleteExpired(tenants.map((tenant) => tenant.id))).toBeGreaterThanOrEqual(1);
    expect(await sql(`SELECT id FROM drafts WHERE session_hash = $1`, [hash])).toEqual([]);
  });
});

describe('the force site', () => {
  it('lists the services each force offers on its home page', async () => {
    const northshire = await getWithHost(stack.webUrl, NORTHSHIRE);
    expect(northshire.text).toContain('href="/apply-firearm-certificate"');
    expect(northshire.text).toContain('href="/report-a-crime"');
    const eastmarch = await getWithHost(stack.webUrl, 'eastmarch.localhost');
    expect(eastmarch.text).toContain('href="/report-a-crime"');
    expect(eastmarch.text).not.toContain('href="/apply-firearm-certificate"');
    expect((await getWithHost(stack.webUrl, 'eastmarch.localhost', '/apply-firearm-certificate')).status).toBe(404);
  });
});

describe('saved reports and links', () => {
  const save = (token: string, email: string | null, host = NORTHSHIRE) =>
    api(`mutation($t: String!, $e: String) { saveForLater(serviceId: "contact-us", session: $t, email: $e) { resumeUrl emailed errors { field } } }`, { t: token, e: email }, host);
  const resume = (resumeToken: string, token: string) => api(`mutation($r: String!, $t: String!) { resumeJourney(resumeToken: $r, session: $t) { current } }`, { r: resumeToken, t: token });

  it('give a link that works once, and only a button on opening it', async () => {
    const owner = session();
    await start(owner);
    await answer(owner, 'emergency', { emergency: 'no' });
    const { resumeUrl } = (await save(owner, null)).data.saveForLater;
    expect(resumeUrl).toMatch(/^http:\/\/northshire\.localhost\/resume\/[A-Za-z0-9_-]{43}$/);
    const resumeToken = resumeUrl.split('/').pop();

    // Fetching the link (as a mail scanner would) moves nothing: the owner still has the draft.
    const opened = await getWithHost(stack.webUrl, NORTHSHIRE, `/resume/${resumeToken}`);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Continue your report now');
    expect((await api(`query($t: String!) { journey(serviceId: "contact-us", session: $t) { current } }`, { t: owner })).data.journey).toEqual({ current: 'contact-reason' });

    const later = session();
    expect((await resume(resumeToken, later)).data.resumeJourney).toEqual({ current: 'contact-reason' });
    // A second use of the same link takes nothing back.
    expect((await resume(resumeToken, session())).errors?.[0].extensions?.code).toBe('RESUME_LINK_INVALID');
  });

  it('belong to their force: another force’s site cannot open one', async () => {
    const token = session();
    await start(token);
    const resumeToken = (await save(token, null)).data.saveForLater.resumeUrl.split('/').pop();
    const elsewhere = await api(`mutation($r: String!, $t: String!) { resumeJourney(resumeToken: $r, session: $t) { current } }`, { r: resumeToken, t: session() }, 'eastmarch.localhost');
    expect(elsewhere.errors?.[0].extensions?.code).toBe('RESUME_LINK_INVALID');
    expect((await resume(resumeToken, session())).data.resumeJourney.current).toBe('emergency');
  });

  it('never point at an address a caller shaped: a crafted Host gets the force’s own domain', async () => {
    const token = session();
    await start(token);
    const crafted = await save(token, null, 'northshire.localhost:@evil.example');
    expect(crafted.data.saveForLater.resumeUrl).toMatch(/^https:\/\/report\.northshire\.police\.example\/resume\//);
  });

  it('e-mail a link at most three times an hour, and keep no token once sent', async () => {
    const token = session();
    await start(token);
    const results = [];
    for (let attempt = 0; attempt < 4; attempt++) results.push((await save(token, 'someone@example.com')).data.saveForLater.emailed);
    expect(results).toEqual([true, true, true, false]);
    const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
    await stack.worker.get(JobWorker).runDueJobs();
    expect(await sql(`SELECT payload FROM outbox_events WHERE type = 'email.resume-link' AND payload::text LIKE '%/resume/%'`)).toEqual([]);
  });

  it('redirect only within the site, never to another host', async () => {
    for (const path of ['/%2Fevil.example/confirmation', '/%2Fevil.example/save', '/%5Cevil.example/confirmation']) {
      const response = await getWithHost(stack.webUrl, NORTHSHIRE, path);
      expect(response.headers.get('location') ?? '').not.toMatch(/evil|^\/\/|^\/\\/);
    }
  });

  it('keep no answers in a sent draft, not even those of a branch the reporter left', async () => {
    const token = session();
    await answerContactUs(token);
    expect((await submit(token)).data.submitReport.reference).toBeTruthy();
    expect(await draftAnswers(token)).toEqual({});
  });
});
