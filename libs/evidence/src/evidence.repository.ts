import type { EntityManager } from 'typeorm';
import type { FileKind } from '@front-counter/forms';

/** Where a file is in the worker's hands: `unprocessable` when its copies could not be made (see processing-retries.ts). */
export type ScanStatus = 'pending' | 'clean' | 'infected' | 'not-scanned' | 'unprocessable';

export interface EvidenceFileRow {
  id: string;
  tenantId: string;
  submissionId: string;
  reportId: string | null;
  questionId: string;
  source: 'journey' | 'tracking';
  originalName: string;
  kind: FileKind;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  displayKey: string | null;
  thumbnailKey: string | null;
  scanStatus: ScanStatus;
  scanDetail: string | null;
  scannedAt: Date | null;
  createdAt: Date;
}

/** What the public see of a file they sent. */
export interface JourneyFile {
  id: string;
  questionId: string;
  name: string;
  sizeBytes: number;
  kind: FileKind;
  /** It could not be processed (damaged, or not what it claims): the reporter may remove it and send another. */
  unprocessable: boolean;
}

/** A file being put on a report, as the timeline and the audit describe it. */
export interface AddedFile {
  id: string;
  name: string;
  kind: FileKind;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  scanStatus: ScanStatus;
  createdAt?: Date;
}

/** A file of a draft as a journey's answer holds it. */
export interface DraftFile {
  id: string;
  name: string;
  sizeBytes: number;
  kind: FileKind;
}

/** A file taken by the worker, with the trace of its upload and how many times it has been tried. */
export type PickedFile = EvidenceFileRow & { traceParent: string | null; attempts: number };

/** A new file's row: a draft's (journey) or a sent report's (tracking; `held` until its form's batch is confirmed). */
export interface NewEvidenceFile {
  id: string;
  tenantId: string;
  submissionId: string;
  questionId: string;
  source: 'journey' | 'tracking';
  name: string;
  kind: FileKind;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  traceParent: string | null;
  reportId?: string | null;
  heldForReportId?: string | null;
  heldBatch?: string | null;
}

const COLUMNS = `id, tenant_id AS "tenantId", submission_id AS "submissionId", report_id AS "reportId", question_id AS "questionId", source,
  original_name AS "originalName", kind, media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", sha256, storage_key AS "storageKey",
  display_key AS "displayKey", thumbnail_key AS "thumbnailKey", scan_status AS "scanStatus", scan_detail AS "scanDetail", scanned_at AS "scannedAt", created_at AS "createdAt"`;

const ADDED = `id::text, original_name AS name, kind, media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", sha256, scan_status AS "scanStatus", created_at AS "createdAt"`;

/** Rows of a RETURNING statement (pg answers [rows, count] for UPDATE and DELETE). */
const returned = <T>(result: [T[], number]): T[] => result[0];

export async function insertEvidenceFile(manager: EntityManager, file: NewEvidenceFile): Promise<void> {
  await manager.query(
    `INSERT INTO evidence_files (id, tenant_id, submission_id, report_id, held_for_report_id, held_batch, question_id, source, original_name, kind, media_type, size_bytes, sha256, storage_key, trace_parent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      file.id,
      file.tenantId,
      file.submissionId,
      file.reportId ?? null,
      file.heldForReportId ?? null,
      file.heldBatch ?? null,
      file.questionId,
      file.source,
      file.name,
      file.kind,
      file.mediaType,
      file.sizeBytes,
      file.sha256,
      file.storageKey,
      file.traceParent,
    ],
  );
}

/** Files of one of a draft's questions. */
export async function countQuestionFiles(manager: EntityManager, submissionId: string, questionId: string): Promise<number> {
  const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM evidence_files WHERE submission_id = $1 AND question_id = $2`, [submissionId, questionId]);
  return Number(n);
}

/** Files added through tracking, on the report or held for it. */
export async function countAddedLater(manager: EntityManager, reportId: string): Promise<number> {
  const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM evidence_files WHERE source = 'tracking' AND (report_id = $1 OR held_for_report_id = $1)`, [reportId]);
  return Number(n);
}

/** Puts a held batch's files on their report; returns them oldest first. */
export async function releaseBatch(manager: EntityManager, batch: string, reportId: string): Promise<AddedFile[]> {
  const files = returned<AddedFile>(
    await manager.query(
      `UPDATE evidence_files SET report_id = held_for_report_id, held_for_report_id = NULL, held_batch = NULL
        WHERE held_batch = $1 AND held_for_report_id = $2 RETURNING ${ADDED}`,
      [batch, reportId],
    ),
  );
  return files.sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime() || a.id.localeCompare(b.id));
}

export async function deleteBatch(manager: EntityManager, batch: string): Promise<EvidenceFileRow[]> {
  return returned(await manager.query(`DELETE FROM evidence_files WHERE held_batch = $1 RETURNING ${COLUMNS}`, [batch]));
}

/** The files a draft holds for every file question, oldest first, as the public see them. */
export async function journeyFilesOf(manager: EntityManager, submissionId: string): Promise<JourneyFile[]> {
  return manager.query(
    `SELECT id::text, question_id AS "questionId", original_name AS name, size_bytes::float8 AS "sizeBytes", kind, scan_status = 'unprocessable' AS unprocessable
       FROM evidence_files WHERE submission_id = $1 AND report_id IS NULL AND scan_status <> 'infected' ORDER BY created_at, id`,
    [submissionId],
  );
}

/**
 * The files stored for one of a draft's file questions, oldest first. Infected files are never part
 * of an answer.
 */
export async function draftFiles(manager: EntityManager, submissionId: string, questionId: string): Promise<DraftFile[]> {
  return manager.query(
    `SELECT id::text, original_name AS name, size_bytes::float8 AS "sizeBytes", kind
       FROM evidence_files WHERE submission_id = $1 AND question_id = $2 AND report_id IS NULL AND scan_status <> 'infected' ORDER BY created_at, id`,
    [submissionId, questionId],
  );
}

/** A draft's files go on the report made from it; returns each with its scan state. */
export async function attachDraftFiles(manager: EntityManager, submissionId: string, reportId: string, fileIds: string[]): Promise<{ id: string; name: string; scanStatus: ScanStatus }[]> {
  if (fileIds.length === 0) return [];
  return returned(
    await manager.query(`UPDATE evidence_files SET report_id = $1 WHERE submission_id = $2 AND id = ANY ($3::uuid[]) RETURNING id::text, original_name AS name, scan_status AS "scanStatus"`, [
      reportId,
      submissionId,
      fileIds,
    ]),
  );
}

/** Removes one of a draft's files; another draft's, or a sent one, is not touched. */
export async function deleteDraftFile(manager: EntityManager, fileId: string, submissionId: string): Promise<EvidenceFileRow[]> {
  return returned(await manager.query(`DELETE FROM evidence_files WHERE id = $1 AND submission_id = $2 AND report_id IS NULL RETURNING ${COLUMNS}`, [fileId, submissionId]));
}

/**
 * Takes the oldest file waiting for the worker (a file whose last taker is presumed dead after
 * `timeoutMinutes` is taken again), counting the attempt.
 */
export async function takeNextPending(manager: EntityManager, timeoutMinutes: number): Promise<PickedFile | undefined> {
  const [row] = returned<PickedFile>(
    await manager.query(
      `UPDATE evidence_files SET processing_started_at = now(), processing_attempts = processing_attempts + 1
        WHERE id = (SELECT id FROM evidence_files
                     WHERE scan_status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                       AND (processing_started_at IS NULL OR processing_started_at < now() - make_interval(mins => $1))
                     ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}, trace_parent AS "traceParent", processing_attempts AS attempts`,
      [timeoutMinutes],
    ),
  );
  return row;
}

export async function scheduleRetry(manager: EntityManager, fileId: string, afterSeconds: number, error: string): Promise<void> {
  await manager.query(`UPDATE evidence_files SET processing_started_at = NULL, next_attempt_at = now() + make_interval(secs => $2), last_processing_error = $3 WHERE id = $1`, [fileId, afterSeconds, error]);
}

/** Gives up on a pending file; returns its report (as it is now) and name, or nothing when it was no longer pending. */
export async function markUnprocessable(manager: EntityManager, fileId: string, detail: string, error: string): Promise<{ reportId: string | null; name: string } | undefined> {
  const [marked] = returned<{ reportId: string | null; name: string }>(
    await manager.query(
      `UPDATE evidence_files SET scan_status = 'unprocessable', scan_detail = $2, scanned_at = now(), display_key = NULL, thumbnail_key = NULL,
              processing_started_at = NULL, next_attempt_at = NULL, last_processing_error = $3
        WHERE id = $1 AND scan_status = 'pending' RETURNING report_id AS "reportId", original_name AS name`,
      [fileId, detail, error],
    ),
  );
  return marked;
}

export async function markQuarantined(manager: EntityManager, fileId: string, signature: string, quarantineKey: string): Promise<void> {
  await manager.query(`UPDATE evidence_files SET scan_status = 'infected', scan_detail = $2, scanned_at = now(), storage_key = $3, display_key = NULL, thumbnail_key = NULL WHERE id = $1`, [
    fileId,
    signature,
    quarantineKey,
  ]);
}

export async function markScanned(manager: EntityManager, fileId: string, result: { status: ScanStatus; detail: string | null; displayKey: string | null; thumbnailKey: string | null }): Promise<void> {
  await manager.query(`UPDATE evidence_files SET scan_status = $2, scan_detail = $3, scanned_at = now(), display_key = $4, thumbnail_key = $5 WHERE id = $1`, [
    fileId,
    result.status,
    result.detail,
    result.displayKey,
    result.thumbnailKey,
  ]);
}

/** A sent report's files, oldest first. */
export async function filesOfReport(manager: EntityManager, reportId: string): Promise<EvidenceFileRow[]> {
  return manager.query(`SELECT ${COLUMNS} FROM evidence_files WHERE report_id = $1 ORDER BY created_at, id`, [reportId]);
}

/** A file on a sent report (never a draft's or a held one). */
export async function sentFile(manager: EntityManager, fileId: string): Promise<EvidenceFileRow | undefined> {
  const [row]: EvidenceFileRow[] = await manager.query(`SELECT ${COLUMNS} FROM evidence_files WHERE id = $1 AND report_id IS NOT NULL`, [fileId]);
  return row;
}

export async function deleteFilesOfReport(manager: EntityManager, reportId: string): Promise<EvidenceFileRow[]> {
  return returned(await manager.query(`DELETE FROM evidence_files WHERE report_id = $1 RETURNING ${COLUMNS}`, [reportId]));
}

/** Drafts (submissions) that hold files not on any report: the candidates for the abandoned-file sweep. */
export async function unsentSubmissions(manager: EntityManager): Promise<string[]> {
  const rows: { id: string }[] = await manager.query(`SELECT DISTINCT submission_id::text AS id FROM evidence_files WHERE report_id IS NULL AND source = 'journey'`);
  return rows.map((row) => row.id);
}

/**
 * Deletes files no report will ever hold: unsent journey files of `deadDrafts` (expired, or sent
 * without them), and held tracking files older than `heldMinutes`.
 */
export async function deleteAbandonedFiles(manager: EntityManager, deadDrafts: string[], heldMinutes: number): Promise<EvidenceFileRow[]> {
  return returned(
    await manager.query(
      `DELETE FROM evidence_files
        WHERE (report_id IS NULL AND source = 'journey' AND submission_id = ANY ($1::uuid[]))
           OR (held_batch IS NOT NULL AND created_at < now() - make_interval(mins => $2))
       RETURNING ${COLUMNS}`,
      [deadDrafts, heldMinutes],
    ),
  );
}

/** Deletes every file of a report: those on it and those its draft still holds. */
export async function deleteFilesOfSubmission(manager: EntityManager, reportId: string, draftId: string): Promise<EvidenceFileRow[]> {
  return returned(await manager.query(`DELETE FROM evidence_files WHERE report_id = $1 OR (submission_id = $2 AND report_id IS NULL) RETURNING ${COLUMNS}`, [reportId, draftId]));
}

/** Deletes the files stored for these drafts that no report holds. */
export async function deleteUnsentFilesOfDrafts(manager: EntityManager, draftIds: string[]): Promise<EvidenceFileRow[]> {
  return returned(await manager.query(`DELETE FROM evidence_files WHERE submission_id = ANY ($1::uuid[]) AND report_id IS NULL RETURNING ${COLUMNS}`, [draftIds]));
}
