import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EvidenceService, HELD_FILES_KEPT_MINUTES, TRACKING_MAX_FILES } from '@front-counter/evidence';
import { FILE_NOT_PROCESSED } from '@front-counter/reports';
import { graphqlAs } from '../support/graphql.js';
import { captureLogs, type CapturedLogs } from '../support/log-capture.js';
import { mp4 } from '../support/media.js';
import { answerThroughApi, dashcamAnswers, sendThroughApi } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Files a reporter adds to a sent report through tracking, as the force site sends a form of them:
 * each held by the api as it arrives, none on the report until the whole form has been read and the
 * site confirms the batch (then all together), dropped when the form broke part-way, and swept when
 * nobody confirmed them. An upload its sender abandons part-way keeps nothing and is no error of the
 * api's. Real api, real PostgreSQL, real file store; the clock is moved by ageing rows.
 */

const HOST = 'dyffryn.localhost';
let stack: TestStack;
let logs: CapturedLogs;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-upload-batches-'));
  logs = captureLogs();
  // The worker's own loop waits a minute: this test runs the clean-up itself.
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000', LOG_LEVEL: 'info' }, logs.destination);
});
afterAll(async () => {
  await stack?.close();
  logs?.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

/** A dashcam report (with its footage) sent through the api, and a tracking session on it (as the site's /track pages make one). */
async function trackedReport(): Promise<{ id: string; token: string; tenantId: string; draftId: string; footageId: string }> {
  const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
  const footage = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/footage`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': HOST, 'x-journey-session': session, 'x-file-name': 'front-camera.mp4' },
    body: new Uint8Array(mp4(2000)),
  });
  expect(footage.status).toBe(201);
  await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'declaration', session);
  const reference = await sendThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', session);
  const [report] = await sql(`SELECT id, tenant_id AS "tenantId", draft_id AS "draftId" FROM reports WHERE reference = $1`, [reference]);
  await graphqlAs(stack.apiUrl, HOST, `mutation($r: String!, $e: String!) { requestTrackingCode(reference: $r, email: $e) { errors { field } } }`, { r: reference, e: 'rhian@example.com' });
  const [{ code }] = await sql(`SELECT payload->>'code' AS code FROM outbox_events WHERE type = 'email.tracking-code' AND payload->>'reportId' = $1`, [report.id]);
  const verified = await graphqlAs(stack.apiUrl, HOST, `mutation($r: String!, $c: String!) { verifyTrackingCode(reference: $r, code: $c) { token } }`, { r: reference, c: code });
  return { ...report, token: verified.data.verifyTrackingCode.token, footageId: ((await footage.json()) as { file: { id: string } }).file.id };
}

const headers = (token: string) => ({ 'x-forwarded-host': HOST, 'x-tracking-session': token });

async function upload(token: string, batch: string | undefined, name: string, bytes = 1500): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.apiUrl}/evidence/tracking`, {
    method: 'POST',
    headers: { ...headers(token), 'content-type': 'application/octet-stream', 'x-file-name': name, ...(batch ? { 'x-upload-batch': batch } : {}) },
    body: new Uint8Array(mp4(bytes)),
  });
  return { status: response.status, body: await response.json() };
}

async function batchCall(method: 'POST' | 'DELETE', token: string, batch: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.apiUrl}/evidence/tracking/batches/${batch}`, { method, headers: headers(token) });
  return { status: response.status, body: await response.json() };
}

/** What the report shows of added files: those on it, its timeline's steps, and the files held for it. */
async function seen(reportId: string) {
  const [row] = await sql(
    `SELECT (SELECT coalesce(array_agg(original_name ORDER BY created_at), '{}') FROM evidence_files WHERE report_id = $1 AND source = 'tracking') AS "onReport",
            (SELECT count(*) FROM report_events WHERE report_id = $1 AND kind = 'evidence-added')::int AS steps,
            (SELECT count(*) FROM audit_events WHERE subject_id = $1::text AND action = 'evidence.uploaded')::int AS audited,
            (SELECT count(*) FROM evidence_files WHERE held_for_report_id = $1)::int AS held`,
    [reportId],
  );
  return row as { onReport: string[]; steps: number; audited: number; held: number };
}

/** The stored files of the report's draft other than the footage it was sent with. */
const objectsOf = (report: { tenantId: string; draftId: string; footageId: string }) =>
  readdirSync(path.join((stack.config.evidence.store as { directory: string }).directory, 'evidence', report.tenantId, report.draftId))
    .filter((name) => !name.startsWith(report.footageId))
    .sort();

it('holds a form’s files until the site confirms the batch, then puts them on the report together, in order', async () => {
  const report = await trackedReport();
  const batch = randomUUID();
  for (const name of ['first.mp4', 'second.mp4', 'third.mp4']) expect((await upload(report.token, batch, name)).status).toBe(201);
  expect(await seen(report.id)).toEqual({ onReport: [], steps: 0, audited: 0, held: 3 });
  expect(objectsOf(report)).toHaveLength(3);

  expect(await batchCall('POST', report.token, batch)).toEqual({ status: 200, body: { added: 3 } });
  expect(await seen(report.id)).toEqual({ onReport: ['first.mp4', 'second.mp4', 'third.mp4'], steps: 3, audited: 3, held: 0 });
  // Confirmed once: a second confirmation has nothing left to add.
  expect(await batchCall('POST', report.token, batch)).toEqual({ status: 200, body: { added: 0 } });
  expect((await seen(report.id)).steps).toBe(3);

  // A file sent alone (no batch) goes on the report at once, as before.
  expect((await upload(report.token, undefined, 'alone.mp4')).status).toBe(201);
  expect(await seen(report.id)).toMatchObject({ onReport: ['first.mp4', 'second.mp4', 'third.mp4', 'alone.mp4'], steps: 4, held: 0 });
});

it('drops a broken form’s batch (rows and stored files), and another session cannot confirm it', async () => {
  const report = await trackedReport();
  const other = await trackedReport();
  const batch = randomUUID();
  await upload(report.token, batch, 'kept-back-1.mp4');
  await upload(report.token, batch, 'kept-back-2.mp4');
  // Someone else's session confirms nothing of it.
  expect(await batchCall('POST', other.token, batch)).toEqual({ status: 200, body: { added: 0 } });
  expect((await seen(other.id)).onReport).toEqual([]);

  expect(await batchCall('DELETE', report.token, batch)).toEqual({ status: 200, body: { discarded: 2 } });
  expect(await seen(report.id)).toEqual({ onReport: [], steps: 0, audited: 0, held: 0 });
  expect(objectsOf(report)).toEqual([]);
  expect(await batchCall('POST', report.token, batch)).toEqual({ status: 200, body: { added: 0 } });
});

it(`counts held files toward the ${TRACKING_MAX_FILES} a report may be given, and refuses a batch id that is not one`, async () => {
  const report = await trackedReport();
  const batch = randomUUID();
  for (let index = 0; index < TRACKING_MAX_FILES; index++) expect((await upload(report.token, batch, `clip-${index}.mp4`)).status).toBe(201);
  const over = await upload(report.token, randomUUID(), 'one-too-many.mp4');
  expect(over).toMatchObject({ status: 409, body: { error: { code: 'FILE_COUNT' } } });
  expect(await upload(report.token, 'not-a-batch', 'odd.mp4')).toMatchObject({ status: 400, body: { error: { code: 'FILE_BATCH' } } });
  expect(await batchCall('POST', 'not-a-session', batch)).toMatchObject({ status: 404, body: { error: { code: 'TRACKING_SESSION_ENDED' } } });
  expect(await seen(report.id)).toMatchObject({ onReport: [], held: TRACKING_MAX_FILES });
});

it(`sweeps held files nobody confirmed after ${HELD_FILES_KEPT_MINUTES} minutes, when no session could confirm them any more`, async () => {
  const report = await trackedReport();
  const stale = randomUUID();
  const fresh = randomUUID();
  await upload(report.token, stale, 'web-stopped-mid-form.mp4');
  await upload(report.token, fresh, 'still-arriving.mp4');
  await sql(`UPDATE evidence_files SET created_at = now() - make_interval(mins => $2 + 1) WHERE held_batch = $1`, [stale, HELD_FILES_KEPT_MINUTES]);

  await stack.worker.get(EvidenceService).deleteAbandoned([report.tenantId]);
  expect(await sql(`SELECT original_name AS name FROM evidence_files WHERE held_for_report_id = $1`, [report.id])).toEqual([{ name: 'still-arriving.mp4' }]);
  expect(objectsOf(report)).toHaveLength(1);
  expect(await batchCall('POST', report.token, stale)).toEqual({ status: 200, body: { added: 0 } });
  expect(await batchCall('POST', report.token, fresh)).toEqual({ status: 200, body: { added: 1 } });
});

it('writes the "could not be processed" step when a held file the worker gave up on is confirmed', async () => {
  const report = await trackedReport();
  const batch = randomUUID();
  const { body } = await upload(report.token, batch, 'broken.mp4');
  await sql(`UPDATE evidence_files SET scan_status = 'unprocessable', scan_detail = 'could not be read' WHERE id = $1`, [body.file.id]);
  expect(await batchCall('POST', report.token, batch)).toEqual({ status: 200, body: { added: 1 } });
  expect(await sql(`SELECT kind FROM report_events WHERE report_id = $1 AND kind = ANY ($2) ORDER BY occurred_at, id`, [report.id, ['evidence-added', FILE_NOT_PROCESSED]])).toEqual([{ kind: 'evidence-added' }, { kind: FILE_NOT_PROCESSED }]);
});

/** Sends the start of a file and then closes the connection, as the site does when its visitor's form is cut off. */
function abandonUpload(target: string, extraHeaders: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(target);
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(5_000_000), ...extraHeaders } });
    request.on('error', () => resolve());
    request.on('close', () => resolve());
    request.write(mp4(100_000), () => setTimeout(() => request.destroy(), 200));
  });
}

it('keeps nothing of an upload its sender abandons part-way, and logs it as that, not as an error of the api', async () => {
  const report = await trackedReport();
  const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
  const [{ n: filesBefore }] = await sql(`SELECT count(*)::int AS n FROM evidence_files`);
  const linesBefore = logs.lines().length;

  await abandonUpload(`${stack.apiUrl}/evidence/tracking`, { ...headers(report.token), 'x-upload-batch': randomUUID(), 'x-file-name': 'cut-off.mp4' });
  await abandonUpload(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/footage`, { 'x-forwarded-host': HOST, 'x-journey-session': session, 'x-file-name': 'cut-off.mp4' });

  const said = async () => logs.lines().slice(linesBefore).filter((line) => line.app === 'api' && /abandoned by its sender/.test(String(line.msg)));
  for (let wait = 0; wait < 50 && (await said()).length < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await said()).map((line) => line.level)).toEqual([30, 30]);
  expect(logs.lines().slice(linesBefore).filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
  expect(await sql(`SELECT count(*)::int AS n FROM evidence_files`)).toEqual([{ n: filesBefore }]);
  expect(objectsOf(report)).toEqual([]);
});
