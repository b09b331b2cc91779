import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { EvidenceRefused, ingest } from './ingest.js';
import type { EvidenceStore } from './storage/evidence-store.js';

/** An in-memory store: enough to test the ingest pipeline on its own (the real drivers have their own tests). */
class MemoryStore implements Pick<EvidenceStore, 'put'> {
  readonly objects = new Map<string, Buffer>();
  async put(key: string, body: Readable): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    this.objects.set(key, Buffer.concat(chunks));
  }
}

const KEY = 'evidence/00000000-0000-4000-8000-000000000001/00000000-0000-4000-8000-000000000002/00000000-0000-4000-8000-000000000003.original';
const limits = { accept: ['video', 'image'] as const, maxBytes: { image: 10_000, video: 100_000, document: 10_000 } };
function mp4(bytes: number): Buffer {
  const ftyp = Buffer.from('000000206674797069736f6d0000020069736f6d69736f3261766331', 'hex');
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(bytes + 8, 0);
  mdat.write('mdat', 4);
  return Buffer.concat([ftyp, Buffer.alloc(0x20 - ftyp.length), mdat, Buffer.alloc(bytes, 9)]);
}
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('ingesting a file', () => {
  it('stores it, recognised from its bytes, with its size and SHA-256, however it arrives', async () => {
    const file = mp4(60_000);
    for (const body of [Readable.from([file]), Readable.from([file.subarray(0, 100), file.subarray(100, 5000), file.subarray(5000)]), Readable.from([mp4(10)])]) {
      const store = new MemoryStore();
      const result = await ingest(body, { ...limits, accept: [...limits.accept] }, store as unknown as EvidenceStore, KEY);
      const stored = store.objects.get(KEY)!;
      expect(result).toEqual({ kind: 'video', mediaType: 'video/mp4', sizeBytes: stored.length, sha256: sha(stored) });
    }
  });

  it('finishes when the stream ended while it was paused after the first bytes (all of it in one chunk)', async () => {
    // A request body that delivers everything and its end in one go: 'end' fires while no one listens.
    const body = new PassThrough();
    const file = mp4(50_000);
    body.end(file);
    const store = new MemoryStore();
    await expect(ingest(body, { ...limits, accept: [...limits.accept] }, store as unknown as EvidenceStore, KEY)).resolves.toMatchObject({ sizeBytes: file.length, sha256: sha(file) });
  });

  it('refuses what is not an accepted format, an empty file and one over its kind’s limit, storing nothing', async () => {
    const store = new MemoryStore();
    const attempt = (body: Readable) => ingest(body, { ...limits, accept: [...limits.accept] }, store as unknown as EvidenceStore, KEY);
    await expect(attempt(Readable.from([Buffer.from('<html><script>alert(1)</script></html>')]))).rejects.toMatchObject({ reason: 'type', text: { en: 'The selected file must be JPG, PNG, WebP, GIF, MP4, MOV, AVI, WebM, MKV or 3GP' } });
    await expect(attempt(Readable.from([Buffer.alloc(0)]))).rejects.toMatchObject({ reason: 'empty' });
    await expect(attempt(Readable.from([mp4(200_000)]))).rejects.toBeInstanceOf(EvidenceRefused);
    await expect(attempt(Readable.from([mp4(200_000)]))).rejects.toMatchObject({ reason: 'size', text: { en: 'The selected file must be smaller than 98 KB' } });
    expect(store.objects.size).toBe(0);
  });
});
