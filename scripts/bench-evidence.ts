import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import type { RunningStack } from '../apps/launcher/src/stack.js';

// Evidence uploads for npm run bench: a video posted to a force site as a browser posts it
// (multipart/form-data), streamed by the web to the api and by the api to the evidence store. Reports
// its throughput against a bare loopback stream of the same bytes, and the process's peak RSS growth
// for a small and a ten times larger file: a streaming path grows by the same amount for both.

/** Megabytes as EVIDENCE_MAX_VIDEO_MB counts them. */
const MB = 1024 * 1024;
const FORCE_HOST = 'dyffryn.localhost';
const SERVICE = 'submit-dashcam-footage';
const UPLOAD_PAGE = 'upload';
const NEXT_PAGE = 'unedited';
const SAMPLE_EVERY_MS = 20;

/** A body of known length made on the fly, never held whole. */
interface StreamedBody {
  length: number;
  chunks(): Iterable<Buffer>;
}

interface Answer {
  status: number;
  location?: string;
  body: string;
  /** From the first byte written to the answer's head arriving. */
  seconds: number;
}

/** The dashcam journey's answers up to its upload page (test/support/reports.ts `dashcamAnswers`; test/ is not built). */
function answersBeforeUpload(): Record<string, Record<string, string>> {
  const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600_000);
  return {
    emergency: { emergency: 'no' },
    'offence-type': { offenceType: 'mobile-phone' },
    'witness-statement': { willingToGiveStatement: 'yes' },
    involvement: { involvement: 'driver' },
    when: { 'offenceWhen-kind': 'exact', 'offenceWhen-day': String(threeDaysAgo.getDate()), 'offenceWhen-month': String(threeDaysAgo.getMonth() + 1), 'offenceWhen-year': String(threeDaysAgo.getFullYear()) },
    where: { 'offenceLocation-kind': 'description', 'offenceLocation-description': 'A470 northbound, just after the Llanaber roundabout' },
    vehicle: { vehicleRegistration: 'AB12 CDE', vehicleMake: 'Ford', vehicleColour: 'Silver' },
    'what-happened': { whatHappened: 'The driver of the silver Ford was holding a phone to their ear at the lights, at 0 minutes 40 seconds.' },
  };
}

/** A new journey answered through the api, as the force site would, up to its upload page; returns its session token. */
async function journeyAtUploadPage(apiUrl: string): Promise<string> {
  const session = randomBytes(32).toString('base64url');
  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-host': FORCE_HOST, 'x-forwarded-proto': 'http' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors || !body.data) throw new Error(`bench dashcam journey: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const answers = answersBeforeUpload();
  let current: string = (await graphql(`mutation($s: String!, $t: String!) { startJourney(serviceId: $s, session: $t, language: en) { current } }`, { s: SERVICE, t: session })).startJourney.current;
  for (let step = 0; current !== UPLOAD_PAGE; step++) {
    const values = answers[current];
    if (!values || step > Object.keys(answers).length) throw new Error(`bench dashcam journey: no answers for page "${current}"`);
    const { answerPage } = await graphql(`mutation($s: String!, $t: String!, $p: String!, $v: JSON!) { answerPage(serviceId: $s, session: $t, pageId: $p, values: $v) { journey { current } errors { field } } }`, {
      s: SERVICE,
      t: session,
      p: current,
      v: values,
    });
    if (answerPage.errors.length) throw new Error(`bench dashcam journey: page "${current}" refused ${JSON.stringify(answerPage.errors)}`);
    current = answerPage.journey.current;
  }
  return session;
}

/** `size` bytes that file-type recognises as MP4: an `ftyp` box, then one `mdat` box of filler sent in 1 MiB chunks. */
function* mp4Bytes(size: number, filler: Buffer): Generator<Buffer> {
  const ftyp = Buffer.alloc(0x20);
  Buffer.from('000000206674797069736f6d0000020069736f6d69736f3261766331', 'hex').copy(ftyp);
  const mdatHeader = Buffer.alloc(8);
  mdatHeader.writeUInt32BE(size - ftyp.length, 0);
  mdatHeader.write('mdat', 4, 'latin1');
  yield ftyp;
  yield mdatHeader;
  for (let left = size - ftyp.length - mdatHeader.length; left > 0; left -= filler.length) yield left >= filler.length ? filler : filler.subarray(0, left);
}

/** The form as the upload page's browser sends it: the anti-forgery field first, then the file. */
function multipartForm(boundary: string, csrf: string, size: number, filler: Buffer): StreamedBody {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="footage"; filename="long-drive.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    length: head.length + size + tail.length,
    *chunks() {
      yield head;
      yield* mp4Bytes(size, filler);
      yield tail;
    },
  };
}

/** Resolves on 'drain', or on 'close' so that a writer never waits on a request that is gone. */
function drained(request: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done);
      request.off('close', done);
      resolve();
    };
    request.on('drain', done);
    request.on('close', done);
  });
}

/** POSTs `body` with node:http (fetch would replace Host), writing only as fast as the socket takes it. */
function post(port: number, path: string, headers: http.OutgoingHttpHeaders, body: StreamedBody): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let answered = false;
    let written = false;
    const request = http.request({ hostname: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { ...headers, 'content-length': body.length } });
    request.on('error', reject);
    request.on('response', (response) => {
      const seconds = (performance.now() - started) / 1000;
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        // An answer before the whole body was sent is a refusal: stop sending.
        if (!written) request.destroy();
        resolve({ status: response.statusCode ?? 0, location: response.headers.location, body: Buffer.concat(chunks).toString('utf8'), seconds });
      });
    });
    const send = async () => {
      started = performance.now();
      for (const chunk of body.chunks()) {
        if (answered || request.destroyed) return;
        if (!request.write(chunk)) await drained(request);
      }
      written = true;
      request.end();
    };
    send().catch(reject);
  });
}

/** Frees garbage left by earlier measurements so that an RSS baseline is not inflated by it. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** `work`'s result and the peak RSS over the RSS just before it, sampled every SAMPLE_EVERY_MS. */
async function withPeakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  collectGarbage();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), SAMPLE_EVERY_MS);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthBytes: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

/** Posts a `size`-byte video to the force site's upload page on a fresh journey, checks it was kept whole, then removes it. */
async function uploadThroughSite(stack: RunningStack, size: number, filler: Buffer): Promise<{ seconds: number; growthBytes: number }> {
  const session = await journeyAtUploadPage(stack.apiUrl);
  const web: FastifyInstance = stack.web.getHttpAdapter().getInstance();
  const cookieName = stack.config.environment === 'production' ? '__Host-fc_session' : 'fc_session';
  const csrf = createHmac('sha256', stack.config.session.secret).update(`csrf:${session}`).digest('base64url');
  const boundary = `----front-counter-bench-${randomBytes(12).toString('hex')}`;
  const { result: answer, growthBytes } = await withPeakRssGrowth(() =>
    post(
      stack.webPort,
      `/${SERVICE}/${UPLOAD_PAGE}`,
      { host: FORCE_HOST, cookie: `${cookieName}=${encodeURIComponent(web.signCookie(session))}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      multipartForm(boundary, csrf, size, filler),
    ),
  );
  if (answer.status !== 303 || answer.location !== `/${SERVICE}/${NEXT_PAGE}`) {
    process.stdout.write(`\nEvidence upload of ${size / MB} MB answered ${answer.status}${answer.location ? ` → ${answer.location}` : ''}:\n${answer.body.slice(0, 4000)}\n`);
    throw new Error(`evidence upload of ${size / MB} MB answered ${answer.status} ${answer.location ?? ''}, expected 303 → /${SERVICE}/${NEXT_PAGE}`);
  }
  await removeJourneyFiles(stack.apiUrl, session, size);
  return { seconds: answer.seconds, growthBytes };
}

/** Deletes the journey's files through the api, after checking it holds exactly the one upload of `size` bytes. */
async function removeJourneyFiles(apiUrl: string, session: string, size: number): Promise<void> {
  const headers = { 'x-forwarded-host': FORCE_HOST, 'x-forwarded-proto': 'http', 'x-journey-session': session };
  const listed = await fetch(`${apiUrl}/evidence/journeys/${SERVICE}`, { headers });
  if (!listed.ok) throw new Error(`evidence list answered ${listed.status}`);
  const { files } = (await listed.json()) as { files: { id: string; sizeBytes: number }[] };
  if (files.length !== 1 || files[0].sizeBytes !== size) throw new Error(`expected one stored file of ${size} bytes, the journey holds ${JSON.stringify(files)}`);
  for (const file of files) {
    const removed = await fetch(`${apiUrl}/evidence/journeys/${SERVICE}/files/${file.id}`, { method: 'DELETE', headers });
    if (removed.status !== 204) throw new Error(`evidence delete answered ${removed.status}`);
  }
}

/** The same bytes to a node:http server that reads and discards them: the loopback floor under any upload. */
async function rawLoopbackStream(size: number, filler: Buffer): Promise<{ seconds: number; growthBytes: number }> {
  const sink = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  try {
    const boundary = `----front-counter-bench-${randomBytes(12).toString('hex')}`;
    const port = (sink.address() as AddressInfo).port;
    const { result: answer, growthBytes } = await withPeakRssGrowth(() =>
      post(port, '/', { 'content-type': `multipart/form-data; boundary=${boundary}` }, multipartForm(boundary, 'x'.repeat(43), size, filler)),
    );
    if (answer.status !== 204) throw new Error(`raw loopback stream answered ${answer.status}`);
    return { seconds: answer.seconds, growthBytes };
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

/**
 * Benchmark rows for evidence uploads through `stack`'s force site. The client, web, api and worker
 * share this process, so RSS is theirs together; each upload's files are deleted once measured.
 */
export async function benchEvidenceUploads(stack: RunningStack): Promise<[string, string][]> {
  const large = 500 * MB;
  const small = 50 * MB;
  const filler = randomBytes(MB);
  process.stdout.write(`Uploading evidence: ${large / MB} MB raw loopback, ${small / MB} MB and ${large / MB} MB through ${FORCE_HOST} ...\n`);
  // Unreported: first use of the upload path (modules, pools, compiled code) is not growth with size.
  await uploadThroughSite(stack, 5 * MB, filler);
  const raw = await rawLoopbackStream(large, filler);
  const smallUpload = await uploadThroughSite(stack, small, filler);
  const largeUpload = await uploadThroughSite(stack, large, filler);

  const rate = (bytes: number, seconds: number) => bytes / MB / seconds;
  const rawRate = rate(large, raw.seconds);
  const largeRate = rate(large, largeUpload.seconds);
  const megabytes = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / MB).toFixed(1)} MB`;
  // Against the bare stream of the same 500 MB (a baseline with no processing at all), not the 50 MB
  // upload: once V8 has room to spare (its old space capped), a small upload can grow RSS by nothing.
  // Growth under 1 MB is sampling noise: the ratio is taken against at least that.
  const growthRatio = largeUpload.growthBytes / Math.max(raw.growthBytes, MB);
  return [
    [`raw loopback stream ${large / MB} MB (baseline)`, `${rawRate.toFixed(0)} MB/s, peak RSS ${megabytes(raw.growthBytes)}`],
    [`evidence upload ${small / MB} MB through web and api`, `${rate(small, smallUpload.seconds).toFixed(0)} MB/s  = ${(rate(small, smallUpload.seconds) / rawRate).toFixed(2)} × raw loopback stream`],
    [`evidence upload ${large / MB} MB through web and api`, `${largeRate.toFixed(0)} MB/s  = ${(largeRate / rawRate).toFixed(2)} × raw loopback stream`],
    [`  peak RSS growth, ${small / MB} MB (web, api, worker: one process)`, megabytes(smallUpload.growthBytes)],
    [
      `  peak RSS growth, ${large / MB} MB (web, api, worker: one process)`,
      `${megabytes(largeUpload.growthBytes)}  = ${growthRatio.toFixed(2)} × the raw stream's growth (no copy of the file held: a few at most)`,
    ],
  ];
}
