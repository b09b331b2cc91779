import { EvidenceService } from '@front-counter/evidence';
import { startTestClamd, EICAR, type TestClamd } from '../support/clamd.js';
import { answerThroughApi, dashcamAnswers, sendThroughApi } from '../support/reports.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';
import { mp4 } from '../support/media.js';

/**
 * Malware scanning with a real clamd (started for this file with a test signature database, since
 * signature downloads cannot work here): the EICAR test string inside a video is found, the file
 * quarantined and never downloadable; a clean photo is "clean"; a file larger than clamd takes is
 * "not scanned", never "clean". Skipped, saying why, only where clamd cannot start.
 */

const clamd = await startTestClamd();
if ('skipped' in clamd) console.warn(`Skipping the clamd scanning tests: ${clamd.skipped}`);
const maybe = 'skipped' in clamd ? it.skip : it;
const HOST = 'dyffryn.localhost';

let stack: TestStack;
let issuer: TestIssuer;

beforeAll(async () => {
  if ('skipped' in clamd) return;
  issuer = await startTestIssuer();
  stack = await startTestStack({ IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000', CLAMD_SOCKET: (clamd as TestClamd).socket, CLAMD_MAX_MB: String(Math.floor((clamd as TestClamd).maxBytes / (1024 * 1024))) });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
  if (!('skipped' in clamd)) await clamd.close();
});


async function upload(session: string, name: string, body: Buffer) {
  const response = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/footage`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': HOST, 'x-journey-session': session, 'x-file-name': name },
    body: new Uint8Array(body),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { file: { id: string } }).file.id;
}

async function staff(query: string, variables: Record<string, unknown>) {
  const bearer = await issuer.token({ realm: 'dyffryn', roles: ['call-handler'], subject: 'dyffryn-handler', name: 'Dyffryn handler' });
  const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
}

maybe('finds EICAR and quarantines it for good, passes a clean file, and marks one too big for the scanner "not scanned"', async () => {
  const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
  const sharp = (await import('sharp')).default;
  const clean = await upload(session, 'junction.jpg', await sharp({ create: { width: 200, height: 100, channels: 3, background: '#888' } }).jpeg().toBuffer());
  const infected = await upload(session, 'infected.mp4', mp4(Buffer.concat([Buffer.alloc(1000, 1), Buffer.from(EICAR), Buffer.alloc(1000, 2)])));
  const large = await upload(session, 'long.mp4', mp4((clamd as TestClamd).maxBytes + 1024));
  await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'declaration', session);
  const reference = await sendThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', session);

  const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
  await stack.worker.get(JobWorker).runDueJobs();

  const listed = await staff(`query($r: String!) { reportEvidence(report: $r) { id scanStatus scanDetail available download { path } } }`, { r: reference });
  const byId = new Map(listed.data.reportEvidence.map((file: { id: string }) => [file.id, file]));
  expect(byId.get(clean)).toMatchObject({ scanStatus: 'CLEAN', scanDetail: null, available: true });
  expect(byId.get(infected)).toMatchObject({ scanStatus: 'INFECTED', scanDetail: expect.stringContaining('Eicar-Test-Signature'), available: false, download: null });
  expect(byId.get(large)).toMatchObject({ scanStatus: 'NOT_SCANNED', scanDetail: expect.stringMatching(/limit/), available: true });

  // Never downloadable: no link is made, and the stored object sits under quarantine/, out of the evidence area.
  for (const variant of ['ORIGINAL', 'DISPLAY', 'THUMBNAIL']) {
    const link = await staff(`query($f: String!, $v: EvidenceVariant!) { evidenceLink(file: $f, variant: $v) { path } }`, { f: infected, v: variant });
    expect(link.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  }
  const [row] = await sqlOn(stack.database.urls.admin, `SELECT storage_key, display_key, thumbnail_key, report_id FROM evidence_files WHERE id = $1`, [infected]);
  expect(row.storage_key).toMatch(/^quarantine\//);
  expect([row.display_key, row.thumbnail_key]).toEqual([null, null]);
  const store = stack.api.get(EvidenceService).store;
  expect(await store.size(row.storage_key)).toBeGreaterThan(0);
  expect((await store.list(row.storage_key.replace(/^quarantine/, 'evidence').replace(/[^/]+$/, ''))).filter((key) => key.includes(infected))).toEqual([]);
  const events = await sqlOn(stack.database.urls.admin, `SELECT kind FROM report_events WHERE report_id = $1 ORDER BY id`, [row.report_id]);
  expect(events.map((event) => event.kind)).toContain('evidence-quarantined');
});
