// Evidence: photos, video and documents sent with a report. Storage drivers (local disk, S3), type
// detection from the bytes, SHA-256 of the original, metadata-free copies of photos, malware
// scanning (clamd), signed staff downloads and deletion with the report.
export { EvidenceService, HELD_FILES_KEPT_MINUTES, TRACKING_MAX_FILES, EVIDENCE_STORE, EVIDENCE_SCANNER, cleanFileName, evidenceKeys, type EvidenceVariant } from './evidence.service.js';
export { attachDraftFiles, deleteFilesOfSubmission, deleteUnsentFilesOfDrafts, draftFiles, type AddedFile, type DraftFile, type EvidenceFileRow, type JourneyFile, type ScanStatus } from './evidence.repository.js';
export { REPORTS_PORT, type ReportsPort, type FileQuestion, type PublicForce, type TrackedReport } from './reports-port.js';
export { EvidenceModule, createEvidenceStore, createScanner } from './evidence.module.js';
export { scanBacklog } from './evidence.queries.js';
export { EvidenceRefused, ingest, type IngestedFile, type IngestLimits } from './ingest.js';
export { acceptedFormats, formatBytes, FORMATS } from './formats.js';
export { deriveImageCopies, UndecodableImage } from './derive.js';
export { MAX_PROCESSING_ATTEMPTS, retryDelaySeconds, afterFailure, type FailureOutcome, type UnprocessableReason } from './processing-retries.js';
export { type EvidenceStore, EvidenceObjectMissing, EVIDENCE_KEY, assertEvidenceKey } from './storage/evidence-store.js';
export { LocalDiskStore } from './storage/local-disk-store.js';
export type { S3Store, S3StoreOptions } from './storage/s3-store.js';
export { type Scanner, type ScanResult, NoScanner } from './scanning/scanner.js';
export { ClamdScanner, clamdPing, type ClamdOptions } from './scanning/clamd-scanner.js';
export { EvidenceController, SESSION_HEADER, FILE_NAME_HEADER } from './evidence.controller.js';
export { EvidenceResolver, EvidenceFileModel, EvidenceLinkModel } from './evidence.resolver.js';
