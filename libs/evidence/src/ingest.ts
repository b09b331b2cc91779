import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { DEFAULT_MESSAGES, fillText, type FileKind, type Text } from '@front-counter/forms';
import { acceptedFormats, FORMATS, formatBytes } from './formats.js';
import type { EvidenceStore } from './storage/evidence-store.js';

/** Bytes enough for file-type to recognise every format in FORMATS. */
const SNIFF_BYTES = 4100;

/** Why a file was refused, in English and Welsh: each names the limit or what would have been accepted. Nothing is stored. */
export class EvidenceRefused extends Error {
  constructor(
    readonly reason: 'type' | 'size' | 'empty' | 'count' | 'session' | 'batch',
    readonly text: Text,
  ) {
    super(text.en);
    this.name = 'EvidenceRefused';
  }

  static type(kinds: readonly FileKind[]) {
    return new EvidenceRefused('type', { en: fillText(DEFAULT_MESSAGES.fileType, { formats: acceptedFormats(kinds, 'en') }).en, cy: fillText(DEFAULT_MESSAGES.fileType, { formats: acceptedFormats(kinds, 'cy') }).cy });
  }

  static size(maxBytes: number) {
    return new EvidenceRefused('size', fillText(DEFAULT_MESSAGES.fileTooBig, { size: formatBytes(maxBytes) }));
  }

  static count(max: number) {
    return new EvidenceRefused('count', fillText(DEFAULT_MESSAGES.tooManyFiles, { max }));
  }
}

export interface IngestLimits {
  /** Kinds the question accepts. */
  accept: readonly FileKind[];
  /** Largest file per kind, in bytes. */
  maxBytes: Record<FileKind, number>;
}

export interface IngestedFile {
  kind: FileKind;
  mediaType: string;
  sizeBytes: number;
  /** Of the bytes as received: what the reporter sent is what is kept. */
  sha256: string;
}

/**
 * Reads the first few kilobytes, recognises the format from the bytes, refuses what the question does
 * not accept, then streams the rest to the store while counting and hashing. A file over its kind's
 * limit is cut off as soon as it passes it and nothing is left stored. Memory stays at the sniffed
 * head plus the stream's buffers, whatever the file's size. On a refusal the body is left paused and
 * unread, for the caller to drain (so that an HTTP client still reads the answer) or destroy.
 */
export async function ingest(body: Readable, limits: IngestLimits, store: EvidenceStore, key: string): Promise<IngestedFile> {
  const { head, ended } = await readHead(body, SNIFF_BYTES);
  if (head.length === 0) {
    throw new EvidenceRefused('empty', DEFAULT_MESSAGES.fileEmpty);
  }
  const detected = await fileTypeFromBuffer(head);
  const format = detected ? FORMATS[detected.mime] : undefined;
  if (!detected || !format || !limits.accept.includes(format.kind)) {
    throw EvidenceRefused.type(limits.accept);
  }
  const maxBytes = limits.maxBytes[format.kind];
  const hash = createHash('sha256');
  let size = 0;
  let refusal: EvidenceRefused | undefined;
  const counted = new PassThrough({ highWaterMark: 1024 * 1024 });
  // Its errors reach us through store.put's rejection; this keeps one raised before the store is
  // listening (a refusal in the first chunks) from being an unhandled 'error' event.
  counted.on('error', () => undefined);
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      refusal = EvidenceRefused.size(maxBytes);
      detach();
      counted.destroy(refusal);
      return;
    }
    hash.update(chunk);
    if (!counted.write(chunk)) body.pause();
  };
  const onDrain = () => body.resume();
  const onEnd = () => counted.end();
  const onError = (error: Error) => counted.destroy(refusal ?? error);
  // Once refused, the body is no longer ours: the caller drains or destroys it.
  const detach = () => {
    body.off('data', onData);
    body.off('end', onEnd);
    body.off('error', onError);
    counted.off('drain', onDrain);
    body.pause();
  };
  onData(head);
  // A paused stream with nothing buffered may still have ended (its 'end' fired while no one listened).
  if (ended || body.readableEnded) counted.end();
  else if (!refusal) {
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    counted.on('drain', onDrain);
    body.resume();
  }
  try {
    await store.put(key, counted, { contentType: detected.mime });
  } catch (error) {
    throw refusal ?? error;
  }
  if (refusal) throw refusal;
  return { kind: format.kind, mediaType: detected.mime, sizeBytes: size, sha256: hash.digest('hex') };
}

/**
 * The stream's first `bytes` bytes or a little more (whole chunks), or all of it if it ends sooner
 * (`ended`). The stream is left paused with the rest unread.
 */
function readHead(body: Readable, bytes: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const settle = (ended: boolean) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      if (!ended) body.pause();
      resolve({ head: Buffer.concat(chunks, length), ended });
    };
    const finish = () => settle(false);
    const onEnd = () => settle(true);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) finish();
    };
    const onError = (error: Error) => {
      body.off('data', onData);
      body.off('end', onEnd);
      reject(error);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
  });
}
