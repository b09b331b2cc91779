import { mkdtempSync } from 'node:fs';
import { jest } from '@jest/globals';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { EvidenceService } from '@front-counter/evidence';
import { RETENTION_CLOCK, RetentionService, type Clock } from '@front-counter/retention';
import { RetentionSchedule } from '../../apps/worker/src/retention-schedule.js';
import { JobWorker } from '../../apps/worker/src/job-worker.js';
import { graphqlAs } from '../support/graphql.js';
import { mp4 } from '../support/media.js';
import { answerThroughApi, dashcamAnswers, sendThroughApi } from '../support/reports.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';

/**
 * Retention under an injected clock, against the real product (api and worker over a real PostgreSQL)
 * and a real evidence store, once on local disk and once on an S3 protocol server (s3rver): a settled
 * report past its service's retention period disappears with every row that names it and every stored
 * object of its evidence, leaving an audit record without personal data; one inside the period stays,
 * and so does one at a force that lengthened the period, until that longer period ends; an open report
 * stays whatever the time. A run killed mid-batch deletes nothing, the next finishes it. Drafts past
 * their expiry go with their files; delivered outbox events are pruned, undelivered ones never.
 */

const DYFFRYN = 'dyffryn.localhost';
const EASTMARCH = 'eastmarch.localhost';
const DASHCAM = 'submit-dashcam-footage';
const DAY = 24 * 60 * 60 * 1000;
/** What the reporter sends: none of it may outlive the report (checked in the audit record). */
const PERSONAL = ['Rhian', 'Evans', 'rhian@example.com', '07700 900982', 'Heol y Bont', 'AB12 CDE', 'IMG_0042', 'front-camera', 'holding a phone', 'A470'];

describe.each(['local', 's3'] as const)('retention with the %s evidence store', (driver) => {
  let stack: TestStack;
  let issuer: TestIssuer;
  let s3: TestS3 | undefined;
  const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    issuer = await startTestIssuer();
    const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-retention-'));
    const environment: Record<string, string> = { IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000', DATA_DIR: dataDirectory, RETENTION_BATCH_SIZE: '10' };
    if (driver === 's3') {
      s3 = await startTestS3();
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
      Object.assign(environment, { EVIDENCE_STORE: 's3', S3_BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint, S3_REGION: 'eu-west-2' });
    }
    stack = await startTestStack(environment);
    // The test drives the worker by hand, at the times it chooses: it takes no jobs by itself.
    await stack.worker.get(JobWorker).pause();
  });
  afterAll(async () => {
    await stack?.close();
    await s3?.close();
    await issuer?.close();
    process.env.AWS_ACCESS_KEY_ID = savedCredentials.id;
    process.env.AWS_SECRET_ACCESS_KEY = savedCredentials.secret;
    if (savedCredentials.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (savedCredentials.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
  const store = () => stack.api.get(EvidenceService).store;
  const tick = () => stack.worker.get(JobWorker).runDueJobs();
  const retentionAt = (at: Date) => stack.worker.get(RetentionSchedule).runOnce(at);
  const forceId = async (slug: string) => (await sql(`SELECT id FROM tenants WHERE slug = $1`, [slug]))[0].id as string;
  /** Every stored object of a submission (a report's draft id), wherever it is kept. */
  const objectsOf = async (slug: string, submissionId: string) => {
    const tenant = await forceId(slug);
    const keys = [...(await store().list(`evidence/${tenant}/`)), ...(await store().list(`quarantine/${tenant}/`))];
    return keys.filter((key) => key.includes(`/${submissionId}/`));
  };

  async function staff(realm: string, roles: string[], query: string, variables: Record<string, unknown> = {}) {
    const bearer = await issuer.token({ realm, roles, subject: `${realm}-staff`, name: `${realm} staff` });
    const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
  const THRIVE = Object.fromEntries(['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'].map((name) => [name, { level: 'LOW', note: `No ${name} concerns.` }]));
  /** Settles a report as a call handler does: claim, THRIVE, then the decision. */
  async function settle(realm: string, reference: string, decision: Record<string, unknown>) {
    const roles = ['call-handler'];
    await staff(realm, roles, `mutation($r: String!) { claimReport(report: $r, takeOver: false) { claimedByMe } }`, { r: reference });
    await staff(realm, roles, `mutation($r: String!, $t: ThriveInput!) { recordThrive(report: $r, thrive: $t) { thrive { threat { level } } } }`, { r: reference, t: THRIVE });
    const decided = await staff(realm, roles, `mutation($r: String!, $d: DecisionInput!) { decideReport(report: $r, decision: $d) { status } }`, { r: reference, d: decision });
    return decided.decideReport.status as string;
  }

  async function upload(host: string, session: string, name: string, body: Buffer) {
    const response = await fetch(`${stack.apiUrl}/evidence/journeys/${DASHCAM}/footage`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': host, 'x-journey-session': session, 'x-file-name': encodeURIComponent(name) },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(201);
  }
  /** A dashcam report with its footage: a photo (the worker makes two copies of it) and a video. */
  async function dashcamReport(host: string) {
    const { session } = await answerThroughApi(stack.apiUrl, host, DASHCAM, dashcamAnswers(), 'upload');
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#357' } }).jpeg().toBuffer();
    await upload(host, session, 'IMG_0042.JPG', photo);
    await upload(host, session, 'front-camera.mp4', mp4(2000));
    await answerThroughApi(stack.apiUrl, host, DASHCAM, dashcamAnswers(), 'declaration', session);
    const reference = await sendThroughApi(stack.apiUrl, host, DASHCAM, session);
    const [row] = await sql(`SELECT id, draft_id FROM reports WHERE reference = $1`, [reference]);
    return { reference, id: row.id as string, draftId: row.draft_id as string };
  }

  /** Rows naming this report in any column that holds report ids (each such column, by name). */
  async function reportIdColumnsNaming(reportId: string) {
    const columns = await sql(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name LIKE '%report_id' ORDER BY 1, 2`);
    expect(columns.map((column) => `${column.table_name}.${column.column_name}`)).toEqual(
      expect.arrayContaining(['drafts.report_id', 'evidence_files.report_id', 'report_duplicates.other_report_id', 'report_duplicates.report_id', 'report_events.report_id', 'tracking_codes.report_id', 'tracking_sessions.report_id']),
    );
    const found: Record<string, number> = {};
    for (const { table_name: table, column_name: column } of columns) {
      const [{ n }] = await sql(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" = $1`, [reportId]);
      if (n > 0) found[`${table}.${column}`] = n;
    }
    return found;
  }

  /** The tables with any row whose text holds this value anywhere (a report's id, its draft's id, its reference). */
  async function tablesMentioning(value: string) {
    const tables = await sql(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`);
    const found: string[] = [];
    for (const { tablename: table } of tables) {
      const [{ n }] = await sql(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE '%' || $1 || '%'`, [value]);
      if (n > 0) found.push(table);
    }
    return found;
  }

  // Shared by the steps below, in order.
  let settledAt: number;
  let kept: { id: string; draftId: string; reference: string };
  let poison: { id: string; draftId: string; reference: string };
  let open: { id: string; draftId: string; reference: string };
  let longer: { id: string; draftId: string; reference: string };
  let unsentDraft: string;
  const at = (days: number, hours = 0) => new Date(settledAt + days * DAY + hours * 60 * 60 * 1000);

  it('lets a force lengthen a service’s retention within the national bounds only, naming the service and the bound', async () => {
    const save = (days: number) =>
      staff('eastmarch', ['force-admin'], `mutation($id: String!, $o: JSON!) { saveServiceDraft(serviceId: $id, overlay: $o) { problems { field message } } }`, { id: DASHCAM, o: { retention: { days } } });
    expect((await save(400)).saveServiceDraft.problems).toEqual([
      { field: 'retention.days', message: "400 days is shorter than submit-dashcam-footage's national retention period of 730 days; a force may only lengthen it (up to 2557 days)" },
    ]);
    expect((await save(3000)).saveServiceDraft.problems).toEqual([{ field: 'retention.days', message: '3000 days is longer than submit-dashcam-footage allows: its national maximum is 2557 days' }]);
    expect((await save(1095)).saveServiceDraft.problems).toEqual([]);
    const published = await staff('eastmarch', ['force-admin'], `mutation($id: String!) { publishServiceDraft(serviceId: $id, note: "Keep dashcam reports three years") { problems { field } version { version } } }`, { id: DASHCAM });
    expect(published.publishServiceDraft.problems).toEqual([]);
    const [form] = await sql(`SELECT form->'retention' AS retention FROM form_versions f JOIN tenants t ON t.id = f.tenant_id WHERE t.slug = 'eastmarch' AND service_id = $1 ORDER BY version DESC LIMIT 1`, [DASHCAM]);
    expect(form.retention).toEqual({ days: 1095 });
  });

  it('keeps everything inside its retention period; deletes drafts past their expiry with their files; prunes only delivered outbox events once they are old', async () => {
    kept = await dashcamReport(DYFFRYN);
    poison = await dashcamReport(DYFFRYN);
    // Same vehicle, so the intake links it as a possible duplicate of both; it stays open (awaiting triage).
    open = await dashcamReport(DYFFRYN);
    longer = await dashcamReport(EASTMARCH);
    const { session } = await answerThroughApi(stack.apiUrl, DYFFRYN, DASHCAM, dashcamAnswers(), 'upload');
    await upload(DYFFRYN, session, 'left-behind.mp4', mp4(1500));
    unsentDraft = (await sql(`SELECT id FROM drafts WHERE report_id IS NULL AND service_id = $1 ORDER BY created_at DESC LIMIT 1`, [DASHCAM]))[0].id;

    // The reporter tracks the report (a code, then a session) and adds a file to it later.
    await graphqlAs(stack.apiUrl, DYFFRYN, `mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`, { r: kept.reference, e: 'rhian@example.com' });
    const [{ code }] = await sql(`SELECT payload->>'code' AS code FROM outbox_events WHERE type = 'email.tracking-code' AND payload->>'reportId' = $1`, [kept.id]);
    const verified = await graphqlAs(stack.apiUrl, DYFFRYN, `mutation($r: String!, $c: String!) { verifyTrackingCode(reference: $r, code: $c) { token } }`, { r: kept.reference, c: code });
    const added = await fetch(`${stack.apiUrl}/evidence/tracking`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': DYFFRYN, 'x-tracking-session': verified.data.verifyTrackingCode.token, 'x-file-name': 'another-angle.mp4' },
      body: new Uint8Array(mp4(1200)),
    });
    expect(added.status).toBe(201);

    // The worker scans the files and makes the photo's copies, and sends the e-mails.
    await tick();
    expect(await objectsOf('dyffryn', kept.draftId)).toEqual(expect.arrayContaining([expect.stringMatching(/\.original$/), expect.stringMatching(/\.display$/), expect.stringMatching(/\.thumbnail$/)]));
    expect(await objectsOf('dyffryn', kept.draftId)).toHaveLength(5);
    expect(await objectsOf('dyffryn', unsentDraft)).toHaveLength(1);
    expect(await sql(`SELECT count(*)::int AS n FROM report_duplicates WHERE other_report_id = $1`, [kept.id])).toEqual([{ n: 2 }]);
    expect(await sql(`SELECT (SELECT count(*) FROM tracking_codes WHERE report_id = $1)::int AS codes, (SELECT count(*) FROM tracking_sessions WHERE report_id = $1)::int AS sessions`, [kept.id])).toEqual([{ codes: 1, sessions: 1 }]);

    expect(await settle('dyffryn', kept.reference, { decision: 'CLOSE', closeReason: 'resolved', messageToReporter: 'Thank you: we have passed this to the road safety team.' })).toBe('CLOSED');
    expect(await settle('dyffryn', poison.reference, { decision: 'REFER', agency: 'DVSA', messageToReporter: 'We have passed this to the DVSA.' })).toBe('REFERRED');
    expect(await settle('eastmarch', longer.reference, { decision: 'ALLOCATE', unit: 'Roads policing', messageToReporter: 'An officer will look at your footage.' })).toBe('ALLOCATED');
    await tick();
    settledAt = Date.now();

    const outbox = async () => (await sql(`SELECT type, delivered_at IS NOT NULL AS delivered, count(*)::int AS n FROM outbox_events GROUP BY 1, 2 ORDER BY 1, 2`)) as { type: string; delivered: boolean; n: number }[];
    const undelivered = async () => (await outbox()).filter((row) => !row.delivered);
    const before = await outbox();
    expect(before.filter((row) => row.delivered).reduce((sum, row) => sum + row.n, 0)).toBeGreaterThan(0);
    // report.submitted has been handed to the forces' back-office destinations (deliveries of their own).
    expect(before).toContainEqual({ type: 'report.submitted', delivered: true, n: 4 });

    // An hour on: nothing is old enough to go.
    const soon = await retentionAt(at(0, 1));
    expect(soon).toMatchObject({ reportsDeleted: 0, draftsDeleted: 0, outboxEventsPruned: 0, failures: [] });
    expect(await outbox()).toEqual(before);

    // 729 days on: inside the two years the dashcam service keeps reports; the drafts are long expired.
    const inside = await retentionAt(at(729));
    expect(inside).toMatchObject({ reportsDeleted: 0, failures: [], servicesWithoutRetention: [] });
    expect(inside.draftsDeleted).toBe(5); // the one left unsent, and the four sent ones (kept a day for their confirmation page)
    for (const report of [kept, poison, open, longer]) expect(await sql(`SELECT id FROM reports WHERE id = $1`, [report.id])).toHaveLength(1);
    expect(await sql(`SELECT id FROM drafts`)).toEqual([]);
    expect(await sql(`SELECT id FROM evidence_files WHERE submission_id = $1`, [unsentDraft])).toEqual([]);
    // The reports' own files stayed; the unsent draft's object goes once its deletion is delivered.
    expect(await objectsOf('dyffryn', kept.draftId)).toHaveLength(5);
    expect(await objectsOf('dyffryn', unsentDraft)).toHaveLength(1);
    await tick();
    expect(await objectsOf('dyffryn', unsentDraft)).toEqual([]);
    // Delivered events older than 72 hours are gone; every undelivered one is still there.
    expect(inside.outboxEventsPruned).toBe(before.filter((row) => row.delivered).reduce((sum, row) => sum + row.n, 0));
    expect(await undelivered()).toEqual(before.filter((row) => !row.delivered));
    const [draftsAudit] = await sql(`SELECT reason, details FROM audit_events WHERE action = 'drafts.deleted' AND tenant_id = $1`, [await forceId('dyffryn')]);
    expect(draftsAudit).toEqual({ reason: 'past their expiry', details: expect.objectContaining({ drafts: 4, sent: 3, evidenceFiles: 1, outboxEvents: { delivered: 0, undelivered: 0 } }) });
  });

  it('never lets the application delete an undelivered outbox event or an open report, whoever asks', async () => {
    const app = new pg.Client({ connectionString: stack.database.urls.app });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [await forceId('dyffryn')]);
      // An event not yet delivered (written in this transaction, as a request would).
      await app.query(`INSERT INTO outbox_events (tenant_id, type, payload) VALUES ($1, 'report.submitted', '{}')`, [await forceId('dyffryn')]);
      await expect(app.query(`DELETE FROM outbox_events WHERE type = 'report.submitted' AND delivered_at IS NULL`)).rejects.toThrow(/has not been delivered and is kept/);
      await app.query('ROLLBACK');
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [await forceId('dyffryn')]);
      await expect(app.query(`DELETE FROM reports WHERE id = $1`, [open.id])).rejects.toThrow(/is awaiting-triage and cannot be deleted: only a settled report is/);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
  });

  it('deletes nothing of a batch cut short by a kill, and finishes it on the next run; one report that fails does not hold back the rest', async () => {
    // The database sees a killed worker as a connection gone mid-transaction: hold the batch on the
    // second report's deletion, then end the worker's connection from outside.
    await sql(`CREATE FUNCTION test_hold_report() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.reference = '${poison.reference}' THEN PERFORM pg_sleep(60); END IF; RETURN OLD; END $$`);
    await sql(`CREATE TRIGGER test_hold_report BEFORE DELETE ON reports FOR EACH ROW EXECUTE FUNCTION test_hold_report()`);
    const running = retentionAt(at(731));
    let held: { pid: number }[] = [];
    for (let wait = 0; wait < 200 && held.length === 0; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      held = await sql(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`);
    }
    expect(held).toHaveLength(1);
    await sql(`SELECT pg_terminate_backend($1)`, [held[0].pid]);
    const killed = await running;
    expect(killed.failures).toEqual([expect.objectContaining({ forceId: await forceId('dyffryn'), step: 'reports' })]);
    // Nothing of the batch happened: both reports, their files and objects are there, no deletion is recorded or pending.
    for (const report of [kept, poison]) expect(await sql(`SELECT id FROM reports WHERE id = $1`, [report.id])).toHaveLength(1);
    expect(await sql(`SELECT count(*)::int AS n FROM evidence_files WHERE report_id = $1`, [kept.id])).toEqual([{ n: 3 }]);
    expect(await sql(`SELECT id FROM audit_events WHERE action = 'report.deleted'`)).toEqual([]);
    expect(await sql(`SELECT id FROM outbox_events WHERE type = 'evidence.delete-objects'`)).toEqual([]);
    expect(await objectsOf('dyffryn', kept.draftId)).toHaveLength(5);

    // A report whose deletion fails (here, refused) is left for the next run; the rest of its batch goes.
    await sql(`CREATE OR REPLACE FUNCTION test_hold_report() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.reference = '${poison.reference}' THEN RAISE EXCEPTION 'not today'; END IF; RETURN OLD; END $$`);
    const partial = await retentionAt(at(731));
    expect(partial.reportsDeleted).toBe(1);
    expect(partial.failures).toEqual([{ forceId: await forceId('dyffryn'), reportId: poison.id, step: 'reports', error: 'not today' }]);
    expect(await sql(`SELECT id FROM reports WHERE id = $1`, [kept.id])).toEqual([]);
    expect(await sql(`SELECT id FROM reports WHERE id = $1`, [poison.id])).toHaveLength(1);

    await sql(`DROP TRIGGER test_hold_report ON reports; DROP FUNCTION test_hold_report()`);
    const finished = await retentionAt(at(731));
    expect(finished).toMatchObject({ reportsDeleted: 1, failures: [] });
    expect(await sql(`SELECT id FROM reports WHERE id = $1`, [poison.id])).toEqual([]);
  });

  it('leaves nothing of a report past retention: no row names it, and its stored objects go once the deletion recorded with it is delivered', async () => {
    // Deleted rows and pending object deletions committed together; the objects wait for delivery
    // (as after a crash between the two), then go; delivering again does no harm.
    const pending = await sql(`SELECT id, payload FROM outbox_events WHERE type = 'evidence.delete-objects' AND delivered_at IS NULL ORDER BY id`);
    expect(pending).toHaveLength(2);
    expect(await objectsOf('dyffryn', kept.draftId)).toHaveLength(5);
    await tick();
    expect(await objectsOf('dyffryn', kept.draftId)).toEqual([]);
    expect(await objectsOf('dyffryn', poison.draftId)).toEqual([]);
    for (const key of pending[0].payload.keys) await stack.worker.get(RetentionService).outboxHandlers['evidence.delete-objects']({ id: '0', tenantId: '', payload: { keys: [key] }, manager: undefined as never, occurredAt: new Date() });
    // The other reports' objects are untouched.
    expect(await objectsOf('dyffryn', open.draftId)).toHaveLength(4);
    expect(await objectsOf('eastmarch', longer.draftId)).toHaveLength(4);

    // No row holds the report's id in any report id column; no row anywhere names its draft or its
    // reference, or its id, except the audit trail and the other report's timeline, which once said
    // "possible duplicate" of it (append-only history of that report, naming nothing but an id).
    for (const report of [kept, poison]) {
      expect(await reportIdColumnsNaming(report.id)).toEqual({});
      expect(await tablesMentioning(report.id)).toEqual(['audit_events', 'report_events']);
      expect(await sql(`SELECT report_id, kind FROM report_events e WHERE e::text LIKE '%' || $1 || '%'`, [report.id])).toEqual([{ report_id: open.id, kind: 'possible-duplicate' }]);
      // Another report's delivery to the force's records system may name it as a possible duplicate, as
      // that report's timeline does; none of its own deliveries is left.
      expect((await tablesMentioning(report.reference)).filter((table) => table !== 'deliveries')).toEqual(['audit_events']);
      expect(await sql(`SELECT count(*)::int AS n FROM deliveries WHERE report_id = $1 OR body LIKE '%"id":"' || $1 || '"%'`, [report.id])).toEqual([{ n: 0 }]);
      expect((await tablesMentioning(report.draftId)).filter((table) => table !== 'audit_events')).toEqual([]);
    }

    // The audit record of the deletion: reference, force, service, dates and counts; nothing personal.
    const records = await sql(`SELECT a.tenant_id, t.slug, a.actor_type, a.actor_id, a.reason, a.details FROM audit_events a JOIN tenants t ON t.id = a.tenant_id WHERE action = 'report.deleted' AND subject_id = $1`, [kept.id]);
    expect(records).toEqual([
      {
        tenant_id: await forceId('dyffryn'),
        slug: 'dyffryn',
        actor_type: 'system',
        actor_id: null,
        reason: 'past its retention period: kept 730 days after it was settled',
        details: {
          reference: kept.reference,
          serviceId: DASHCAM,
          formVersion: 1,
          settledAs: 'closed',
          transferred: false,
          submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          settledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          deletedAsOf: at(731).toISOString(),
          retention: { days: 730, source: 'national' },
          deleted: {
            answeredPages: expect.any(Number),
            evidenceFiles: 3,
            storedObjects: expect.any(Number),
            drafts: 0,
            timelineEvents: expect.any(Number),
            duplicateLinks: 2,
            trackingCodes: 1,
            trackingSessions: 1,
            outboxEvents: { delivered: 0, undelivered: 0 }, // its report.submitted went to the back office and was pruned once delivered
          },
        },
      },
    ]);
    expect(records[0].details.deleted.answeredPages).toBeGreaterThan(5);
    expect(records[0].details.deleted.timelineEvents).toBeGreaterThan(2);
    expect(records[0].details.deleted.storedObjects).toBeGreaterThanOrEqual(5);
    const recorded = JSON.stringify(records);
    for (const personal of PERSONAL) expect({ personal, found: recorded.includes(personal) }).toEqual({ personal, found: false });

    // The reporter's tracking and the staff's reading now find nothing.
    const tracked = await graphqlAs(stack.apiUrl, DYFFRYN, `mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`, { r: kept.reference, e: 'rhian@example.com' });
    expect(tracked.data.requestTrackingCode.errors).toEqual([]);
    expect(await sql(`SELECT id FROM outbox_events WHERE type = 'email.tracking-code' AND delivered_at IS NULL`)).toEqual([]);
  });

  it('keeps a report longer at a force that lengthened retention, and an open report whatever the time', async () => {
    expect(await sql(`SELECT id FROM reports WHERE id = $1`, [longer.id])).toHaveLength(1);
    expect((await retentionAt(at(1094))).reportsDeleted).toBe(0);
    expect(await sql(`SELECT id FROM reports WHERE id = $1`, [longer.id])).toHaveLength(1);

    // Through the schedule itself, at the time its clock gives.
    const clock = stack.worker.get<Clock>(RETENTION_CLOCK);
    const now = jest.spyOn(clock, 'now').mockReturnValue(at(1096));
    try {
      expect((await stack.worker.get(RetentionSchedule).runOnce()).reportsDeleted).toBe(1);
    } finally {
      now.mockRestore();
    }
    expect(await sql(`SELECT id FROM reports WHERE id = $1`, [longer.id])).toEqual([]);
    const [record] = await sql(`SELECT details FROM audit_events WHERE action = 'report.deleted' AND subject_id = $1`, [longer.id]);
    expect(record.details).toMatchObject({ reference: longer.reference, settledAs: 'allocated', retention: { days: 1095, source: 'force' } });
    await tick();
    expect(await objectsOf('eastmarch', longer.draftId)).toEqual([]);

    // Still awaiting triage: never deleted, and its objects stay.
    expect((await retentionAt(at(36_500))).reportsDeleted).toBe(0);
    expect(await sql(`SELECT status FROM reports WHERE id = $1`, [open.id])).toEqual([{ status: 'awaiting-triage' }]);
    expect(await objectsOf('dyffryn', open.draftId)).toHaveLength(4);
  });
});
