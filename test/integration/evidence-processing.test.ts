import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { TenantTransactions } from '@front-counter/database';
import { EvidenceService, MAX_PROCESSING_ATTEMPTS, retryDelaySeconds, scanBacklog } from '@front-counter/evidence';
import { answerThroughApi, dashcamAnswers, sendThroughApi } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The worker's retries of a file whose copies cannot be made for a reason that is not the file's
 * (here a real one: the store cannot write the copy, because a directory stands where it goes):
 * retried with exponential back-off, never on the next round; made once the store recovers; given up
 * on after the last attempt, when the reporter's timeline says so and the file no longer counts as
 * waiting. The clock is moved on by bringing each retry's due time forward.
 */

const HOST = 'dyffryn.localhost';
let stack: TestStack;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-evidence-retries-'));
  // The worker's own loop waits a minute: this test runs each round itself.
  stack = await startTestStack({ DATA_DIR: dataDirectory, OUTBOX_POLL_MS: '60000' });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDirectory, { recursive: true, force: true });
});

const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);

async function upload(session: string, name: string, body: Buffer): Promise<string> {
  const response = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/footage`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': HOST, 'x-journey-session': session, 'x-file-name': name },
    body: new Uint8Array(body),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { file: { id: string } }).file.id;
}

interface FileState {
  scan_status: string;
  attempts: number;
  waits: number | null;
  started: boolean;
  last_processing_error: string | null;
  scan_detail: string | null;
  display_key: string | null;
}
const stateOf = async (id: string): Promise<FileState> =>
  (
    await sql(
      `SELECT scan_status, processing_attempts AS attempts, round(extract(epoch FROM next_attempt_at - now()))::int AS waits, processing_started_at IS NOT NULL AS started,
              last_processing_error, scan_detail, display_key FROM evidence_files WHERE id = $1`,
      [id],
    )
  )[0];
/** Time passes: the file's retry is due now. */
const due = (id: string) => sql(`UPDATE evidence_files SET next_attempt_at = now() - interval '1 second' WHERE id = $1`, [id]);

it('retries a transient failure with exponential back-off, recovers when the store does, and gives up after the last attempt', async () => {
  const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
  const photo = (colour: string) => sharp({ create: { width: 400, height: 300, channels: 3, background: colour } }).jpeg().toBuffer();
  const recovers = await upload(session, 'recovers.jpg', await photo('#36c'));
  const failsEveryTime = await upload(session, 'fails.jpg', await photo('#c63'));
  await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'declaration', session);
  await sendThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', session);
  const [{ tenant_id: tenantId, submission_id: submissionId, report_id: reportId }] = await sql(`SELECT tenant_id, submission_id, report_id FROM evidence_files WHERE id = $1`, [recovers]);
  expect(reportId).toBeTruthy();

  // A directory where each photo's display copy goes: the store cannot put the copy there (EISDIR).
  const storeRoot = (stack.config.evidence.store as { directory: string }).directory;
  const blockers = Object.fromEntries(
    [recovers, failsEveryTime].map((id) => {
      const blocker = path.join(storeRoot, 'evidence', tenantId, submissionId, `${id}.display`);
      mkdirSync(blocker, { recursive: true });
      writeFileSync(path.join(blocker, 'in-the-way'), 'x');
      return [id, blocker];
    }),
  );

  const evidence = stack.worker.get(EvidenceService);
  const transactions = stack.worker.get(TenantTransactions);
  const waiting = async () => (await transactions.run(tenantId, scanBacklog)).waiting;
  expect(await waiting()).toBe(2);

  // First attempt: both fail, and each waits a minute, not the next round.
  await expect(evidence.processPending([tenantId])).resolves.toBe(2);
  for (const id of [recovers, failsEveryTime]) {
    const state = await stateOf(id);
    expect(state).toMatchObject({ scan_status: 'pending', attempts: 1, started: false, display_key: null });
    expect(state.waits).toBeGreaterThanOrEqual(retryDelaySeconds(1) - 2);
    expect(state.waits).toBeLessThanOrEqual(retryDelaySeconds(1));
    expect(state.last_processing_error).toMatch(/EISDIR|is a directory/i);
  }
  await expect(evidence.processPending([tenantId])).resolves.toBe(0);
  expect((await stateOf(recovers)).attempts).toBe(1);

  // Second attempt: still failing, and the wait doubles.
  for (const id of [recovers, failsEveryTime]) await due(id);
  await expect(evidence.processPending([tenantId])).resolves.toBe(2);
  for (const id of [recovers, failsEveryTime]) {
    const state = await stateOf(id);
    expect(state).toMatchObject({ scan_status: 'pending', attempts: 2 });
    expect(state.waits).toBeGreaterThanOrEqual(retryDelaySeconds(2) - 2);
    expect(state.waits).toBeLessThanOrEqual(retryDelaySeconds(2));
  }

  // The store recovers for the first: its third attempt makes the copies (no scanner here: "not scanned").
  rmSync(blockers[recovers], { recursive: true });
  await due(recovers);
  await expect(evidence.processPending([tenantId])).resolves.toBe(1);
  expect(await stateOf(recovers)).toMatchObject({ scan_status: 'not-scanned', attempts: 3, display_key: expect.stringContaining(recovers) });

  // The second keeps failing; each wait longer than the one before, until the last attempt.
  let previousWait = retryDelaySeconds(2);
  for (let attempt = 3; attempt < MAX_PROCESSING_ATTEMPTS; attempt++) {
    await due(failsEveryTime);
    await expect(evidence.processPending([tenantId])).resolves.toBe(1);
    const state = await stateOf(failsEveryTime);
    expect(state).toMatchObject({ scan_status: 'pending', attempts: attempt });
    expect(state.waits).toBeGreaterThanOrEqual(Math.min(previousWait * 2, 3600) - 2);
    previousWait = state.waits!;
  }
  expect(previousWait).toBeLessThanOrEqual(3600);
  expect(await waiting()).toBe(1);

  await due(failsEveryTime);
  await expect(evidence.processPending([tenantId])).resolves.toBe(1);
  const given = await stateOf(failsEveryTime);
  expect(given).toMatchObject({ scan_status: 'unprocessable', attempts: MAX_PROCESSING_ATTEMPTS, waits: null, started: false, display_key: null });
  expect(given.scan_detail).toContain(`failed ${MAX_PROCESSING_ATTEMPTS} times`);
  expect(given.last_processing_error).toMatch(/EISDIR|is a directory/i);
  // Never taken again, and no longer waiting (the uploads-awaiting-scan gauge reads this).
  await sql(`UPDATE evidence_files SET next_attempt_at = NULL WHERE id = $1`, [failsEveryTime]);
  await expect(evidence.processPending([tenantId])).resolves.toBe(0);
  expect(await waiting()).toBe(0);

  // The reporter's timeline names the file once; the give-up is audited.
  const events = await sql(`SELECT kind, details->>'name' AS name FROM report_events WHERE report_id = $1 AND kind LIKE 'evidence-%'`, [reportId]);
  expect(events).toEqual([{ kind: 'evidence-unprocessable', name: 'fails.jpg' }]);
  const audited = await sql(`SELECT details->>'reason' AS reason, (details->>'attempts')::int AS attempts FROM audit_events WHERE action = 'evidence.unprocessable' AND subject_id = $1`, [failsEveryTime]);
  expect(audited).toEqual([{ reason: 'attempts-exhausted', attempts: MAX_PROCESSING_ATTEMPTS }]);
});

it('gives up on a file whose last attempt never finished (its worker stopped), once another worker may take it over', async () => {
  const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
  const file = await upload(session, 'abandoned.jpg', await sharp({ create: { width: 100, height: 100, channels: 3, background: '#999' } }).jpeg().toBuffer());
  const [{ tenant_id: tenantId }] = await sql(`SELECT tenant_id FROM evidence_files WHERE id = $1`, [file]);
  const evidence = stack.worker.get(EvidenceService);

  // Taken for its last attempt by a worker that then stopped: left alone while that worker may still be busy...
  await sql(`UPDATE evidence_files SET processing_attempts = $2, processing_started_at = now() - interval '5 minutes' WHERE id = $1`, [file, MAX_PROCESSING_ATTEMPTS]);
  await expect(evidence.processPending([tenantId])).resolves.toBe(0);
  expect((await stateOf(file)).scan_status).toBe('pending');
  // ...and given up on once it is presumed dead, rather than waiting for ever.
  await sql(`UPDATE evidence_files SET processing_started_at = now() - interval '31 minutes' WHERE id = $1`, [file]);
  await expect(evidence.processPending([tenantId])).resolves.toBe(1);
  expect(await stateOf(file)).toMatchObject({ scan_status: 'unprocessable', started: false });
});
