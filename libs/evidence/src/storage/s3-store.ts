import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { assertEvidenceKey, EvidenceObjectMissing, type EvidenceStore } from './evidence-store.js';
import { assertEvidencePrefix } from './local-disk-store.js';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** For an S3-compatible store (MinIO, s3rver); AWS itself needs none. */
  endpoint?: string;
  /** `bucket` in the path rather than the host name, as most S3-compatible stores need. */
  forcePathStyle?: boolean;
  /** Defaults to the SDK's credential chain (environment, instance role...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Asks S3 to encrypt each object with its own keys (SSE-S3); off for stores that do not support it. */
  serverSideEncryption?: boolean;
}

/** 8 MiB parts, four in flight: at most ~32 MiB of a file in memory, however big the file (2 GB is 245 parts). */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

/** Evidence files as objects in one bucket, the key being the object key. */
export class S3Store implements EvidenceStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly encryption: { ServerSideEncryption?: 'AES256' };

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.encryption = options.serverSideEncryption ? { ServerSideEncryption: 'AES256' } : {};
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Checksums by default make streamed uploads store the wrong bytes on S3-compatible stores.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable, options: { contentType: string }): Promise<void> {
    assertEvidenceKey(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType, ...this.encryption },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      // Parts of a failed upload are aborted, so the object is never completed and nothing is stored.
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // When the body fails, lib-storage aborts the multipart upload, and if that abort fails too it
      // reports the abort's error: the caller needs to know why the body stopped.
      throw body.errored ?? error;
    }
  }

  async get(key: string): Promise<Readable> {
    assertEvidenceKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return object.Body as Readable;
    } catch (error) {
      throw isMissingObject(error) ? new EvidenceObjectMissing(key) : error;
    }
  }

  async size(key: string): Promise<number | null> {
    assertEvidenceKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? null;
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertEvidenceKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async move(from: string, to: string): Promise<void> {
    assertEvidenceKey(from);
    assertEvidenceKey(to);
    const copySource = `${this.bucket}/${from}`.split('/').map(encodeURIComponent).join('/');
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: copySource, ...this.encryption }));
    } catch (error) {
      throw isMissingObject(error) ? new EvidenceObjectMissing(from) : error;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: from }));
  }

  async list(prefix: string): Promise<string[]> {
    assertEvidencePrefix(prefix);
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return keys.sort();
  }

  /** Creates the bucket if it is missing: for development and tests; production buckets are provisioned with their policies. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (errorName(error) !== 'NotFound') throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  /** Closes the client's connections (at shutdown, or at the end of a test). */
  destroy(): void {
    this.client.destroy();
  }
}

/** `NoSuchKey` from GET and COPY; a HEAD response has no body, so the SDK can only call it `NotFound`. */
function isMissingObject(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound';
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}
