import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EvidenceService } from '@front-counter/evidence';
import { graphqlAs } from '../support/graphql.js';
import { answerThroughApi, dashcamAnswers, sendThroughApi } from '../support/reports.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { sqlOn } from '../support/sql.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTestIssuer, type TestIssuer } from '../support/test-issuer.js';
import { mp4 } from '../support/media.js';

/**
 * Evidence through the api over real HTTP, once with local disk and once with a real S3 protocol
 * server (s3rver) on loopback: uploads streamed in, refused by their bytes, size and count with
 * nothing stored; the worker's scan state and metadata-free photo copies; staff downloads through
 * signed links, audited, never across forces; deletion with the report removing every object.
 */

const HOST = 'dyffryn.localhost';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A JPEG with a GPS position and camera details in its EXIF, as a phone writes it. */
async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: '#4a7' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Phone 12', Copyright: 'Rhian Evans' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 45/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '4/1 3/1 0/1' } })
    .toBuffer();
}


describe.each(['local', 's3'] as const)('evidence with the %s store', (driver) => {
  let stack: TestStack;
  let issuer: TestIssuer;
  let s3: TestS3 | undefined;
  const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    issuer = await startTestIssuer();
    const environment: Record<string, string> = { IDP_URL: issuer.url, DEV_IDP: 'false', OUTBOX_POLL_MS: '60000', EVIDENCE_MAX_IMAGE_MB: '1' };
    if (driver === 's3') {
      s3 = await startTestS3();
      // The AWS SDK takes credentials from its usual chain; s3rver accepts only its own.
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
      Object.assign(environment, { EVIDENCE_STORE: 's3', S3_BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint, S3_REGION: 'eu-west-2' });
    } else {
      const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-evidence-'));
      Object.assign(environment, { DATA_DIR: dataDirectory });
    }
    stack = await startTestStack(environment);
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

  const evidence = () => stack.api.get(EvidenceService);
  const sql = (text: string, values: unknown[] = []) => sqlOn(stack.database.urls.admin, text, values);
  const tenantId = async (slug: string) => (await sql(`SELECT id FROM tenants WHERE slug = $1`, [slug]))[0].id as string;
  const storedUnder = async (slug: string) => evidence().store.list(`evidence/${await tenantId(slug)}/`);

  async function upload(session: string, name: string, body: Buffer, question = 'footage') {
    const response = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/${question}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': HOST, 'x-journey-session': session, 'x-file-name': encodeURIComponent(name) },
      body: new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as { file?: { id: string; name: string; sizeBytes: number; kind: string }; error?: { code: string; message: { en: string; cy: string } } } };
  }
  const staff = async (realm: string, query: string, variables: Record<string, unknown> = {}) => {
    const bearer = await issuer.token({ realm, roles: ['call-handler'], subject: `${realm}-handler`, name: `${realm} handler` });
    const response = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  const tick = async () => {
    const { JobWorker } = await import('../../apps/worker/src/job-worker.js');
    await stack.worker.get(JobWorker).runDueJobs();
  };

  it('takes a photo and a video into a journey, refuses what it must with nothing stored, and sends them with the report', async () => {
    const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
    const photo = await photoWithGps();
    const video = mp4(200_000);
    const before = await storedUnder('dyffryn');

    // Refused by its bytes, its size and the question's count, each naming the limit; nothing stored.
    const disguised = await upload(session, 'holiday.jpg', Buffer.from('<!doctype html><html><script>alert(1)</script></html>'));
    expect(disguised).toEqual({ status: 415, body: { error: { code: 'FILE_TYPE', message: { en: 'The selected file must be JPG, PNG, WebP, GIF, MP4, MOV, AVI, WebM, MKV or 3GP', cy: expect.stringContaining('neu 3GP') } } } });
    const svg = await upload(session, 'map.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    expect(svg.status).toBe(415);
    const big = await sharp({ create: { width: 2500, height: 2500, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const oversize = await upload(session, 'big.png', big);
    expect(oversize).toEqual({ status: 413, body: { error: { code: 'FILE_SIZE', message: { en: 'The selected file must be smaller than 1 MB', cy: "Rhaid i'r ffeil a ddewiswyd fod yn llai na 1 MB" } } } });
    expect(await storedUnder('dyffryn')).toEqual(before);
    if (driver === 'local') {
      const root = stack.config.evidence.store.kind === 'local' ? stack.config.evidence.store.directory : '';
      const walk = (directory: string): string[] => readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(directory, entry.name)) : [entry.name]));
      expect(walk(root).filter((name) => name.includes('.partial'))).toEqual([]);
    }

    const sentPhoto = await upload(session, 'C:\\Users\\rhian\\DCIM\\IMG_0042.JPG', photo);
    expect(sentPhoto).toMatchObject({ status: 201, body: { file: { name: 'IMG_0042.JPG', sizeBytes: photo.length, kind: 'image' } } });
    const sentVideo = await upload(session, 'front-camera.mp4', video);
    expect(sentVideo).toMatchObject({ status: 201, body: { file: { name: 'front-camera.mp4', sizeBytes: video.length, kind: 'video' } } });
    for (let index = 0; index < 3; index++) expect((await upload(session, `extra-${index}.mp4`, mp4(1000))).status).toBe(201);
    const sixth = await upload(session, 'one-too-many.mp4', mp4(1000));
    expect(sixth).toEqual({ status: 409, body: { error: { code: 'FILE_COUNT', message: { en: 'You can upload up to 5 files', cy: 'Gallwch lwytho hyd at 5 ffeil' } } } });
    // Keys are the server's: under the force and the submission, never a name the client gave.
    const keys = await storedUnder('dyffryn');
    expect(keys).toHaveLength(5);
    for (const key of keys) expect(key).toMatch(new RegExp(`^evidence/${await tenantId('dyffryn')}/[0-9a-f-]{36}/[0-9a-f-]{36}\\.original$`));

    // Removing three leaves the photo and the video, which answer the question.
    const listed = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage`, { headers: { 'x-forwarded-host': HOST, 'x-journey-session': session } }).then((response) => response.json());
    for (const extra of listed.files.filter((file: { name: string }) => file.name.startsWith('extra-'))) {
      const removed = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/files/${extra.id}`, { method: 'DELETE', headers: { 'x-forwarded-host': HOST, 'x-journey-session': session } });
      expect(removed.status).toBe(204);
    }
    expect(await storedUnder('dyffryn')).toHaveLength(2);
    await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'declaration', session);
    const reference = await sendThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', session);
    const [report] = await sql(`SELECT id, answers FROM reports WHERE reference = $1`, [reference]);
    expect(report.answers.upload.footage.map((file: { name: string }) => file.name)).toEqual(['IMG_0042.JPG', 'front-camera.mp4']);

    // Before the worker has scanned them, staff see them as pending and cannot open them.
    const pending = await staff('dyffryn', `query($r: String!) { reportEvidence(report: $r) { id name kind sha256 sizeBytes scanStatus available hasThumbnail } }`, { r: reference });
    expect(pending.data.reportEvidence).toEqual([
      { id: sentPhoto.body.file!.id, name: 'IMG_0042.JPG', kind: 'image', sha256: sha256(photo), sizeBytes: photo.length, scanStatus: 'PENDING', available: false, hasThumbnail: false },
      { id: sentVideo.body.file!.id, name: 'front-camera.mp4', kind: 'video', sha256: sha256(video), sizeBytes: video.length, scanStatus: 'PENDING', available: false, hasThumbnail: false },
    ]);
    const early = await staff('dyffryn', `query($f: String!) { evidenceLink(file: $f, variant: ORIGINAL) { path } }`, { f: sentVideo.body.file!.id });
    expect(early.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // The worker: no scanner is configured, so "not scanned" (never clean); the photo gets its copies.
    await tick();
    const scanned = await staff('dyffryn', `query($r: String!) { reportEvidence(report: $r) { id scanStatus scanDetail available hasThumbnail } }`, { r: reference });
    expect(scanned.data.reportEvidence).toEqual([
      { id: sentPhoto.body.file!.id, scanStatus: 'NOT_SCANNED', scanDetail: 'No malware scanner is configured', available: true, hasThumbnail: true },
      { id: sentVideo.body.file!.id, scanStatus: 'NOT_SCANNED', scanDetail: 'No malware scanner is configured', available: true, hasThumbnail: false },
    ]);

    // The staff copy of the photo has no EXIF at all (so no GPS); the sealed original is untouched.
    const link = await staff('dyffryn', `query($f: String!) { evidenceLink(file: $f, variant: DISPLAY) { path expiresAt } }`, { f: sentPhoto.body.file!.id });
    const display = await fetch(`${stack.apiUrl}${link.data.evidenceLink.path}`);
    expect(display.status).toBe(200);
    expect(display.headers.get('content-type')).toBe('image/jpeg');
    expect(display.headers.get('content-disposition')).toMatch(/^attachment; filename="IMG_0042.jpg"/);
    expect(display.headers.get('x-content-type-options')).toBe('nosniff');
    const copy = Buffer.from(await display.arrayBuffer());
    const copyMetadata = await sharp(copy).metadata();
    expect(copyMetadata).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    expect(copyMetadata.exif).toBeUndefined();
    expect((await sharp(photo).metadata()).exif?.includes(Buffer.from('PhoneMaker'))).toBe(true);
    const originalKey = (await sql(`SELECT storage_key FROM evidence_files WHERE id = $1`, [sentPhoto.body.file!.id]))[0].storage_key;
    const kept: Buffer[] = [];
    for await (const chunk of await evidence().store.get(originalKey)) kept.push(chunk as Buffer);
    expect(sha256(Buffer.concat(kept))).toBe(sha256(photo));
    // A photo's original is sealed: no link to it.
    expect((await staff('dyffryn', `query($f: String!) { evidenceLink(file: $f, variant: ORIGINAL) { path } }`, { f: sentPhoto.body.file!.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const videoLink = await staff('dyffryn', `query($f: String!) { evidenceLink(file: $f, variant: ORIGINAL) { path } }`, { f: sentVideo.body.file!.id });
    const downloaded = await fetch(`${stack.apiUrl}${videoLink.data.evidenceLink.path}`);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(video)).toBe(true);
    const audited = await sql(`SELECT actor_id, action, details FROM audit_events WHERE subject_id = $1 AND action = 'evidence.downloaded' ORDER BY id`, [report.id]);
    expect(audited.map((event) => [event.actor_id, event.details.variant, event.details.name])).toEqual([
      ['dyffryn-handler', 'display', 'IMG_0042.JPG'],
      ['dyffryn-handler', 'original', 'front-camera.mp4'],
    ]);
    // A link altered or made up opens nothing.
    const [payload] = link.data.evidenceLink.path.replace('/evidence/', '').split('.');
    expect((await fetch(`${stack.apiUrl}/evidence/${payload}.forged`)).status).toBe(404);

    // Another force's handler: the same answer as for a report or file that does not exist.
    const otherReport = await staff('northshire', `query($r: String!) { reportEvidence(report: $r) { id } }`, { r: reference });
    expect(otherReport.errors?.[0]).toMatchObject({ message: 'Not found, or you do not have access to it.', extensions: { code: 'NOT_FOUND' } });
    const otherLink = await staff('northshire', `query($f: String!) { evidenceLink(file: $f, variant: ORIGINAL) { path } }`, { f: sentVideo.body.file!.id });
    expect(otherLink.errors?.[0]).toMatchObject({ message: 'Not found, or you do not have access to it.', extensions: { code: 'NOT_FOUND' } });

    // Retention: the report's evidence goes with it, every stored object included.
    expect((await evidence().store.list(`evidence/${await tenantId('dyffryn')}/`)).length).toBe(4); // two originals, display, thumbnail
    const deleted = await evidence().deleteReportEvidence(await tenantId('dyffryn'), report.id);
    expect(deleted).toBe(2);
    expect(await evidence().store.list(`evidence/${await tenantId('dyffryn')}/`)).toEqual([]);
    expect(await sql(`SELECT count(*)::int AS n FROM evidence_files WHERE report_id = $1`, [report.id])).toEqual([{ n: 0 }]);
  });

  it('refuses an upload for a journey that is not there, or a question that takes no files', async () => {
    const { session } = await answerThroughApi(stack.apiUrl, HOST, 'submit-dashcam-footage', dashcamAnswers(), 'upload');
    expect((await upload('x'.repeat(43), 'a.mp4', mp4(100))).body.error?.code).toBe('JOURNEY_NOT_FOUND');
    expect((await upload(session, 'a.mp4', mp4(100), 'whatHappened')).body.error?.code).toBe('PAGE_NOT_AVAILABLE');
    const elsewhere = await fetch(`${stack.apiUrl}/evidence/journeys/submit-dashcam-footage/footage`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-forwarded-host': 'nowhere.localhost', 'x-journey-session': session },
      body: new Uint8Array(mp4(100)),
    });
    expect(elsewhere.status).toBe(404);
    expect(await graphqlAs(stack.apiUrl, HOST, `{ __typename }`)).toMatchObject({ status: 200 });
  });
});
