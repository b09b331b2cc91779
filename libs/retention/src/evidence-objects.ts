import { EVIDENCE_KEY, evidenceKeys, type EvidenceStore } from '@front-counter/evidence';
import type { OutboxHandler } from '@front-counter/outbox';
import type { EvidenceFileObjects } from './retention.queries.js';

/**
 * Every key a file may have objects under: the keys on its row (the original, or its quarantined copy,
 * and the staff copies) and each variant under both the force that holds it and the force whose key
 * prefix it was stored under (a transferred report's files keep their first force's prefix). A scan
 * interrupted between writing a copy and recording it leaves nothing behind either.
 */
export function storedObjectKeys(files: EvidenceFileObjects[]): string[] {
  const keys = new Set<string>();
  for (const file of files) {
    for (const key of [file.storageKey, file.displayKey, file.thumbnailKey]) if (key) keys.add(key);
    const storedUnder = file.storageKey.split('/')[1];
    for (const tenantId of new Set([file.tenantId, storedUnder])) {
      const variants = evidenceKeys(tenantId, file.submissionId, file.id);
      for (const key of [variants.original, variants.display, variants.thumbnail, variants.quarantine]) keys.add(key);
    }
  }
  return [...keys].filter((key) => EVIDENCE_KEY.test(key)).sort();
}

/**
 * Delivers `evidence.delete-objects`: removes each object from the store. Removing one that is not
 * there is no error, so a delivery repeated after a crash does no harm.
 */
export function deleteObjectsHandler(store: EvidenceStore): OutboxHandler<'evidence.delete-objects'> {
  return async ({ payload }) => {
    for (const key of payload.keys) await store.delete(key);
  };
}
