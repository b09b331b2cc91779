import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { EvidenceObjectMissing, type EvidenceStore } from '../../libs/evidence/src/storage/evidence-store.js';
import { LocalDiskStore } from '../../libs/evidence/src/storage/local-disk-store.js';
import { S3Store } from '../../libs/evidence/src/storage/s3-store.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';

const MiB = 1024 * 1024;

/** One driver under test: a fresh, empty store for each test, and every name it stored anywhere. */
interface Driver {
  start(): Promise<void>;
  fresh(): Promise<{ store: EvidenceStore; storedNames(): Promise<string[]> }>;
  stop(): Promise<void>;
}

function localDisk(): Driver {
  let folder: string;
  return {
    async start() {
      folder = await mkdtemp(path.join(os.tmpdir(), 'front-counter-evidence-'));
    },
    async fresh() {
      // The root sits two levels down so that a key escaping it (`../../etc/passwd`) would still land in the sandbox.
      const sandbox = await mkdtemp(path.join(folder, 'store-'));
      const store = new LocalDiskStore(path.join(sandbox, 'data', 'evidence'));
      return { store, storedNames: () => filesUnder(sandbox) };
    },
    async stop() {
      await rm(folder, { recursive: true, force: true });
    },
  };
}

function s3(): Driver {
  let server: TestS3;
  let client: S3Client;
  const stores: S3Store[] = [];
  return {
    async start() {
      server = await startTestS3();
      const { bucket: _bucket, ...connection } = server.options;
      client = new S3Client({ ...connection, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    },
    async fresh() {
      const bucket = `evidence-${stores.length + 1}`;
      const store = new S3Store({ ...server.options, bucket });
      stores.push(store);
      await store.ensureBucket();
      const storedNames = async () => {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
        return (page.Contents ?? []).map((object) => object.Key!);
      };
      return { store, storedNames };
    },
    async stop() {
      for (const store of stores) store.destroy();
      client.destroy();
      await server.close();
    },
  };
}

describe.each([
  ['local disk', localDisk()],
  ['S3 (s3rver)', s3()],
])('evidence store on %s', (_name, driver) => {
  let store: EvidenceStore;
  let storedNames: () => Promise<string[]>;
  const tenant = randomUUID();

  beforeAll(() => driver.start());
  afterAll(() => driver.stop());
  beforeEach(async () => ({ store, storedNames } = await driver.fresh()));

  it('stores a 20 MB stream and gives back the same bytes', async () => {
    const key = evidenceKey(tenant);
    const file = generatedBody(20 * MiB + 12_345);

    await store.put(key, file.body, { contentType: 'video/mp4' });

    expect(await sha256Of(await store.get(key))).toBe(file.sha256());
    await expect(store.size(key)).resolves.toBe(20 * MiB + 12_345);
  });

  it('replaces an object put again at the same key', async () => {
    const key = evidenceKey(tenant);
    await store.put(key, Readable.from([Buffer.from('first version')]), { contentType: 'text/plain' });
    await store.put(key, Readable.from([Buffer.from('second')]), { contentType: 'text/plain' });

    expect((await readAll(await store.get(key))).toString()).toBe('second');
    await expect(store.list(`evidence/${tenant}/`)).resolves.toEqual([key]);
  });

  it('lists the keys under a tenant or a submission, sorted, and no other tenant’s', async () => {
    const submission = randomUUID();
    const keys = [evidenceKey(tenant, submission), evidenceKey(tenant, submission, 'thumbnail'), evidenceKey(tenant)];
    const otherTenant = randomUUID();
    for (const key of [...keys, evidenceKey(otherTenant)]) await store.put(key, smallBody(), { contentType: 'image/jpeg' });

    await expect(store.list(`evidence/${tenant}/`)).resolves.toEqual([...keys].sort());
    await expect(store.list(`evidence/${tenant}/${submission}/`)).resolves.toEqual(keys.slice(0, 2).sort());
    await expect(store.list(`quarantine/${tenant}/`)).resolves.toEqual([]);
    await expect(store.list(`evidence/${randomUUID()}/`)).resolves.toEqual([]);
  });

  it('moves an object to quarantine: the source is gone and the target readable', async () => {
    const key = evidenceKey(tenant);
    const quarantined = key.replace(/^evidence\//, 'quarantine/');
    await store.put(key, Readable.from([Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR')]), { contentType: 'text/plain' });

    await store.move(key, quarantined);

    await expect(store.size(key)).resolves.toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(EvidenceObjectMissing);
    expect((await readAll(await store.get(quarantined))).toString()).toMatch(/EICAR$/);
    await expect(store.list(`evidence/${tenant}/`)).resolves.toEqual([]);
    await expect(store.list(`quarantine/${tenant}/`)).resolves.toEqual([quarantined]);
    await expect(store.move(key, quarantined)).rejects.toEqual(new EvidenceObjectMissing(key));
  });

  it('deletes an object, and deleting it again is not an error', async () => {
    const key = evidenceKey(tenant);
    await store.put(key, smallBody(), { contentType: 'application/pdf' });

    await store.delete(key);

    await expect(store.list(`evidence/${tenant}/`)).resolves.toEqual([]);
    await expect(store.get(key)).rejects.toEqual(new EvidenceObjectMissing(key));
    await expect(store.size(key)).resolves.toBeNull();
    await expect(store.delete(key)).resolves.toBeUndefined();
    await expect(storedNames()).resolves.toEqual([]);
  });

  it('leaves nothing at the key, nor anywhere else, when the body errors halfway', async () => {
    const key = evidenceKey(tenant);
    const limitReached = new Error('The file is over the size limit');
    // Past one 8 MiB part, so S3 has started a multipart upload that must be abandoned.
    const file = generatedBody(20 * MiB, { afterBytes: 10 * MiB, error: limitReached });

    await expect(store.put(key, file.body, { contentType: 'video/mp4' })).rejects.toBe(limitReached);

    await expect(store.size(key)).resolves.toBeNull();
    await expect(store.get(key)).rejects.toEqual(new EvidenceObjectMissing(key));
    await expect(store.list(`evidence/${tenant}/`)).resolves.toEqual([]);
    await expect(storedNames()).resolves.toEqual([]);
  });

  it('leaves nothing when the body is destroyed without an error (the upload was aborted)', async () => {
    const key = evidenceKey(tenant);
    const file = generatedBody(4 * MiB, { afterBytes: 1 * MiB });

    await expect(store.put(key, file.body, { contentType: 'image/png' })).rejects.toThrow();

    await expect(store.size(key)).resolves.toBeNull();
    await expect(storedNames()).resolves.toEqual([]);
  });

  it.each([
    '../../etc/passwd',
    'evidence/x/y/z.original',
    '/etc/passwd',
    `/evidence/${randomUUID()}/${randomUUID()}/${randomUUID()}.original`,
    `evidence/${randomUUID()}/../../${randomUUID()}.original`,
    `evidence/${randomUUID()}/${randomUUID()}/${randomUUID()}.original/../../../../../etc/passwd`,
    `evidence\\${randomUUID()}\\${randomUUID()}\\${randomUUID()}.original`,
    '',
  ])('refuses %j in every method and writes nothing', async (badKey) => {
    const goodKey = evidenceKey(tenant);
    const refused = /Not an evidence key/;

    await expect(store.put(badKey, smallBody(), { contentType: 'text/plain' })).rejects.toThrow(refused);
    await expect(store.get(badKey)).rejects.toThrow(refused);
    await expect(store.size(badKey)).rejects.toThrow(refused);
    await expect(store.delete(badKey)).rejects.toThrow(refused);
    await expect(store.move(badKey, goodKey)).rejects.toThrow(refused);
    await expect(store.move(goodKey, badKey)).rejects.toThrow(refused);
    await expect(store.list(badKey)).rejects.toThrow(/Not an evidence prefix/);
    await expect(storedNames()).resolves.toEqual([]);
  });

  it.each(['', 'evidence', `evidence/${tenant}`, '../', 'evidence/../', `evidence/${tenant}/../`, '/evidence/', 'other/'])(
    'refuses to list under %j',
    async (badPrefix) => {
      await expect(store.list(badPrefix)).rejects.toThrow(/Not an evidence prefix/);
    },
  );
});

describe('evidence store on local disk, on disk', () => {
  let folder: string;
  beforeEach(async () => (folder = await mkdtemp(path.join(os.tmpdir(), 'front-counter-evidence-'))));
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('keeps files readable by this user only, and prunes directories it emptied', async () => {
    const root = path.join(folder, 'evidence');
    const store = new LocalDiskStore(root);
    const tenant = randomUUID();
    const key = evidenceKey(tenant);

    await store.put(key, smallBody(), { contentType: 'image/jpeg' });

    expect((await stat(path.join(root, key))).mode & 0o777).toBe(0o600);
    for (const directory of [root, path.join(root, 'evidence'), path.join(root, 'evidence', tenant), path.dirname(path.join(root, key))]) {
      expect((await stat(directory)).mode & 0o777).toBe(0o700);
    }

    await store.delete(key);

    await expect(readdir(root)).resolves.toEqual([]);
  });
});

function evidenceKey(tenant: string, submission = randomUUID(), variant = 'original'): string {
  return `evidence/${tenant}/${submission}/${randomUUID()}.${variant}`;
}

function smallBody(): Readable {
  return Readable.from([randomBytes(1000)]);
}

/**
 * Random bytes made as they are read, in chunks that do not line up with S3's 8 MiB parts, with their
 * SHA-256. With `stop`, the stream fails after that many bytes: with the error, or destroyed without one.
 */
function generatedBody(totalBytes: number, stop?: { afterBytes: number; error?: Error }) {
  const chunkBytes = MiB + 7;
  const hash = createHash('sha256');
  let sent = 0;
  const body = new Readable({
    read() {
      if (stop && sent >= stop.afterBytes) return void this.destroy(stop.error);
      if (sent >= totalBytes) return void this.push(null);
      const chunk = randomBytes(Math.min(chunkBytes, totalBytes - sent));
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { body, sha256: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Every file under a folder, as paths relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}
