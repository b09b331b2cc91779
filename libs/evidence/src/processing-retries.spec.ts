import { PassThrough, Readable } from 'node:stream';
import sharp from 'sharp';
import { deriveImageCopies, UndecodableImage } from './derive.js';
import { afterFailure, MAX_PROCESSING_ATTEMPTS, retryDelaySeconds } from './processing-retries.js';
import { EvidenceObjectMissing, type EvidenceStore } from './storage/evidence-store.js';

/** Objects in memory; `failPuts` makes that many puts fail as a store that cannot be reached would. */
class MemoryStore implements Pick<EvidenceStore, 'get' | 'put'> {
  readonly objects = new Map<string, Buffer>();
  failPuts = 0;
  async get(key: string): Promise<Readable> {
    const bytes = this.objects.get(key);
    if (!bytes) throw new EvidenceObjectMissing(key);
    return Readable.from([bytes]);
  }
  async put(key: string, body: Readable): Promise<void> {
    if (this.failPuts > 0) {
      this.failPuts--;
      body.resume();
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:443'), { code: 'ECONNREFUSED' });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    this.objects.set(key, Buffer.concat(chunks));
  }
}

const ORIGINAL = 'evidence/00000000-0000-4000-8000-000000000001/00000000-0000-4000-8000-000000000002/00000000-0000-4000-8000-000000000003.original';
const KEYS = { display: ORIGINAL.replace('.original', '.display'), thumbnail: ORIGINAL.replace('.original', '.thumbnail') };

/** What file-type recognises as a JPEG, followed by a web page: accepted at upload, undecodable after. */
const JPEG_THEN_HTML = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.from('<html><body><script>alert(1)</script></body></html>')]);

async function deriveFrom(bytes: Buffer, store = new MemoryStore()): Promise<unknown> {
  store.objects.set(ORIGINAL, bytes);
  return deriveImageCopies(store as unknown as EvidenceStore, ORIGINAL, KEYS).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('processing evidence: what a failure means', () => {
  it('waits 1, 2, 4, 8, 16, 32 minutes between attempts, never more than an hour, and gives up after the last', () => {
    expect(Array.from({ length: MAX_PROCESSING_ATTEMPTS }, (_, index) => retryDelaySeconds(index + 1))).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
    const transient = new Error('connect ECONNREFUSED');
    for (let attempt = 1; attempt < MAX_PROCESSING_ATTEMPTS; attempt++) expect(afterFailure(transient, attempt)).toEqual({ kind: 'retry', afterSeconds: retryDelaySeconds(attempt) });
    expect(afterFailure(transient, MAX_PROCESSING_ATTEMPTS)).toEqual({ kind: 'unprocessable', reason: 'attempts-exhausted' });
  });

  it('gives up at once on a photo sharp cannot decode: FF D8 FF, a JPEG header then HTML, a truncated PNG, a GIF of noise', async () => {
    const png = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#c00' } }).png().toBuffer();
    const undecodable = [Buffer.from([0xff, 0xd8, 0xff]), JPEG_THEN_HTML, png.subarray(0, 300), Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(50, 7)])];
    for (const bytes of undecodable) {
      const error = await deriveFrom(bytes);
      expect(error).toBeInstanceOf(UndecodableImage);
      expect(afterFailure(error, 1)).toEqual({ kind: 'unprocessable', reason: 'undecodable' });
    }
  });

  it('retries when the store fails, not the image, and then makes the copies', async () => {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#4a7' } }).jpeg().toBuffer();
    const store = new MemoryStore();
    store.failPuts = 1;
    const error = await deriveFrom(photo, store);
    expect(error).not.toBeInstanceOf(UndecodableImage);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(afterFailure(error, 1)).toEqual({ kind: 'retry', afterSeconds: 60 });

    await expect(deriveFrom(photo, store)).resolves.toBeUndefined();
    expect((await sharp(store.objects.get(KEYS.thumbnail)!).metadata()).width).toBe(320);
  });

  it('retries a missing original (the store may answer later), and a stream that breaks mid-way', async () => {
    const store = new MemoryStore();
    const missing = await deriveImageCopies(store as unknown as EvidenceStore, ORIGINAL, KEYS).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(EvidenceObjectMissing);
    expect(afterFailure(missing, 2)).toEqual({ kind: 'retry', afterSeconds: 120 });

    const broken = new PassThrough();
    const brokenStore = { get: async () => broken, put: store.put.bind(store) } as unknown as EvidenceStore;
    const failing = deriveImageCopies(brokenStore, ORIGINAL, KEYS).catch((error: unknown) => error);
    broken.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const error = await failing;
    expect(error).not.toBeInstanceOf(UndecodableImage);
    expect(afterFailure(error, 3).kind).toBe('retry');
  });
});
