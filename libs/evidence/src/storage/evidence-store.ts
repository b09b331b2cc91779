import type { Readable } from 'node:stream';

/**
 * Where evidence files live: local disk by default, S3 (or an S3-compatible store) in production.
 * Keys are made by the server only (see `evidenceKey`), never taken from a client; a driver still
 * refuses any key that is not of that shape.
 */
export interface EvidenceStore {
  /** Which driver, for logs and the README: `local` or `s3`. */
  readonly kind: 'local' | 's3';
  /**
   * Streams `body` to `key` without holding the whole file in memory. Resolves once the object is
   * durably stored. If `body` errors (e.g. a size limit is hit upstream), nothing is left at `key`.
   */
  put(key: string, body: Readable, options: { contentType: string }): Promise<void>;
  /** The object as a stream; rejects with `EvidenceObjectMissing` when there is none. */
  get(key: string): Promise<Readable>;
  /** The object's size in bytes, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Moves an object to another key (quarantine); the source is gone afterwards. */
  move(from: string, to: string): Promise<void>;
  /** Every key under a prefix (for tests and retention checks), sorted. */
  list(prefix: string): Promise<string[]>;
}

export class EvidenceObjectMissing extends Error {
  constructor(readonly key: string) {
    super(`No stored evidence object at ${key}`);
    this.name = 'EvidenceObjectMissing';
  }
}

/**
 * The only key shape a store accepts: `<area>/<tenant id>/<submission id>/<file id>.<variant>`: area
 * `evidence` (or `quarantine` for an infected file), the force, the submission (the draft's id, which
 * its report keeps as `draft_id`), the file, and the variant (`original`, `display`, `thumbnail`).
 */
export const EVIDENCE_KEY = /^(evidence|quarantine)\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.[a-z]{1,20}$/;

export function assertEvidenceKey(key: string): void {
  if (!EVIDENCE_KEY.test(key)) throw new Error(`Not an evidence key: ${JSON.stringify(key)}`);
}
