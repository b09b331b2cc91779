import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import { childTrace, currentTraceparent, runInTrace } from '@front-counter/logging';
import type { FileKind, QuestionDefinition } from '@front-counter/forms';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { trackedReport } from '@front-counter/casework';
import { findReport, JourneysService, lockLiveDraft, parseReference, ReportLife, type PublicTenantRef } from '@front-counter/reports';
import { deriveImageCopies } from './derive.js';
import { afterFailure, MAX_PROCESSING_ATTEMPTS, UNPROCESSABLE_DETAIL, type UnprocessableReason } from './processing-retries.js';
import { EvidenceRefused, ingest } from './ingest.js';
import type { Scanner } from './scanning/scanner.js';
import type { EvidenceStore } from './storage/evidence-store.js';

export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');
export const EVIDENCE_SCANNER = Symbol('EVIDENCE_SCANNER');

const MB = 1024 * 1024;
/** How long a download link works. */
const LINK_SECONDS = 300;
/** A worker that took a file and has not finished after this long is presumed dead; another takes it. */
const PROCESSING_TIMEOUT_MINUTES = 30;
/** Files a reporter may add to a report after sending it, through tracking. */
export const TRACKING_MAX_FILES = 10;
/** A tracking form's held files nobody confirmed are swept after this: twice a tracking session (30 minutes, TrackingService), so none could still be confirmed. */
export const HELD_FILES_KEPT_MINUTES = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a file is in the worker's hands: `unprocessable` when its copies could not be made (see processing-retries.ts). */
export type ScanStatus = 'pending' | 'clean' | 'infected' | 'not-scanned' | 'unprocessable';
/** What a link serves: the copy staff screens show (images), its thumbnail, or the file as received (video, documents). */
export type EvidenceVariant = 'display' | 'thumbnail' | 'original';

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

const COLUMNS = `id, tenant_id AS "tenantId", submission_id AS "submissionId", report_id AS "reportId", question_id AS "questionId", source,
  original_name AS "originalName", kind, media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", sha256, storage_key AS "storageKey",
  display_key AS "displayKey", thumbnail_key AS "thumbnailKey", scan_status AS "scanStatus", scan_detail AS "scanDetail", scanned_at AS "scannedAt", created_at AS "createdAt"`;

/** Files added through tracking, on the report or held for it. */
async function countAdded(manager: EntityManager, reportId: string): Promise<number> {
  const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM evidence_files WHERE source = 'tracking' AND (report_id = $1 OR held_for_report_id = $1)`, [reportId]);
  return Number(n);
}

const SESSION_ENDED = () => new EvidenceRefused('session', { en: 'Your session has ended. Sign in again to add files', cy: 'Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto i ychwanegu ffeiliau' });

/** A file being put on a report, as the timeline and the audit describe it. */
interface AddedFile {
  id: string;
  name: string;
  kind: FileKind;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  scanStatus: ScanStatus;
  createdAt?: Date;
}

/** A file name as the reporter's device gave it, made safe to keep and show: no path, no control characters, at most 255 characters. */
export function cleanFileName(raw: string | undefined): string {
  let decoded = raw ?? '';
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // Not percent-encoded: keep as given.
  }
  const base = path.posix.basename(decoded.replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>]/g, '').trim().slice(-255);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'file';
}

/** The stored object keys of a file: tenant, submission (the report's draft id), file, variant. */
export function evidenceKeys(tenantId: string, submissionId: string, fileId: string) {
  const base = `${tenantId}/${submissionId}/${fileId}`;
  return { original: `evidence/${base}.original`, display: `evidence/${base}.display`, thumbnail: `evidence/${base}.thumbnail`, quarantine: `quarantine/${base}.original` };
}

/**
 * Evidence files from upload to deletion. The public add them to a journey (streamed into the store,
 * recognised from their bytes, counted and hashed on the way); the worker scans them and makes the
 * copies staff see; staff list and download them through short-lived signed links, each download an
 * audit event; retention deletes them with their report.
 */
@Injectable()
export class EvidenceService {
  private readonly linkKey: Buffer;
  private readonly logger = new Logger('Evidence');

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly journeys: JourneysService,
    private readonly audit: AuditService,
    private readonly life: ReportLife,
    @Inject(EVIDENCE_STORE) readonly store: EvidenceStore,
    @Inject(EVIDENCE_SCANNER) private readonly scanner: Scanner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.linkKey = createHmac('sha256', config.session.secret).update('evidence-download-links').digest();
  }

  /** The size limit per kind for a question: its own (or its force's) where set, else the platform's default. */
  limitsFor(question: Extract<QuestionDefinition, { type: 'file' }>): Record<FileKind, number> {
    const own = question.maxSizeMb ?? {};
    const defaults = this.config.evidence.maxBytes;
    return { image: own.image ? own.image * MB : defaults.image, video: own.video ? own.video * MB : defaults.video, document: own.document ? own.document * MB : defaults.document };
  }

  // ---------------------------------------------------------------------------------------------
  // The public journey

  /**
   * Adds a file to the session's draft for a file question. The body is streamed straight into the
   * store; no transaction is held open meanwhile. Refusals (type, size, count, an empty file) throw
   * EvidenceRefused and leave nothing stored; the caller drains or destroys what is left of the body.
   */
  async addToJourney(tenant: PublicTenantRef, input: { serviceId: string; session: string; questionId: string; fileName?: string; body: Readable; requestId?: string }): Promise<JourneyFile> {
    const { draftId, question } = await this.journeys.fileQuestion(tenant, input.serviceId, input.session, input.questionId);
    const count = async (manager: EntityManager) =>
      Number((await manager.query(`SELECT count(*)::int AS n FROM evidence_files WHERE submission_id = $1 AND question_id = $2`, [draftId, question.id]))[0].n);
    if ((await this.transactions.run(tenant.id, count)) >= question.maxFiles) throw EvidenceRefused.count(question.maxFiles);
    const fileId = randomUUID();
    const keys = evidenceKeys(tenant.id, draftId, fileId);
    const stored = await ingest(input.body, { accept: question.accept, maxBytes: this.limitsFor(question) }, this.store, keys.original);
    const name = cleanFileName(input.fileName);
    try {
      await this.transactions.run(tenant.id, async (manager) => {
        // The draft is locked so that two uploads at once cannot pass the count together.
        const draft = await lockLiveDraft(manager, draftId);
        if (!draft) throw new EvidenceRefused('count', { en: 'Your report has already been sent or has expired', cy: "Mae eich adroddiad eisoes wedi'i anfon neu wedi dod i ben" });
        if ((await count(manager)) >= question.maxFiles) throw EvidenceRefused.count(question.maxFiles);
        await manager.query(
          `INSERT INTO evidence_files (id, tenant_id, submission_id, question_id, source, original_name, kind, media_type, size_bytes, sha256, storage_key, trace_parent)
           VALUES ($1, $2, $3, $4, 'journey', $5, $6, $7, $8, $9, $10, $11)`,
          [fileId, tenant.id, draftId, question.id, name, stored.kind, stored.mediaType, stored.sizeBytes, stored.sha256, keys.original, currentTraceparent() ?? null],
        );
        await this.audit.record(manager, {
          tenantId: tenant.id,
          actorType: 'public',
          action: 'evidence.uploaded',
          subjectType: 'evidence',
          subjectId: fileId,
          details: { questionId: question.id, kind: stored.kind, mediaType: stored.mediaType, sizeBytes: stored.sizeBytes, sha256: stored.sha256 },
          requestId: input.requestId,
        });
      });
    } catch (error) {
      await this.store.delete(keys.original).catch(() => undefined);
      throw error;
    }
    return { id: fileId, questionId: question.id, name, sizeBytes: stored.sizeBytes, kind: stored.kind, unprocessable: false };
  }

  /**
   * A reporter adds a file to a report they sent, through their tracking session: any kind of
   * evidence, up to TRACKING_MAX_FILES. Alone, it goes on the report at once. As one of a form's
   * files (`batch`, chosen by the web for the form) it is held until the web has read the whole
   * form and confirms the batch (confirmBatch), or discards it when the form broke part-way
   * (discardBatch): a form is kept whole or not at all. Held files count toward the limit.
   */
  async addToReport(tenant: PublicTenantRef, input: { trackingToken: string; fileName?: string; body: Readable; requestId?: string; batch?: string }): Promise<JourneyFile> {
    if (input.batch !== undefined && !UUID.test(input.batch)) throw new EvidenceRefused('batch', { en: 'The upload could not be matched to its form', cy: "Nid oedd modd paru'r llwythiad â'i ffurflen" });
    const report = await this.transactions.run(tenant.id, (manager) => trackedReport(manager, input.trackingToken, { lock: false }));
    if (!report) throw SESSION_ENDED();
    if ((await this.transactions.run(tenant.id, (manager) => countAdded(manager, report.id))) >= TRACKING_MAX_FILES) throw EvidenceRefused.count(TRACKING_MAX_FILES);
    const fileId = randomUUID();
    const keys = evidenceKeys(tenant.id, report.draftId, fileId);
    const limits = this.config.evidence.maxBytes;
    const stored = await ingest(input.body, { accept: ['image', 'video', 'document'], maxBytes: limits }, this.store, keys.original);
    const name = cleanFileName(input.fileName);
    try {
      await this.transactions.run(tenant.id, async (manager) => {
        const locked = await trackedReport(manager, input.trackingToken, { lock: true });
        if (!locked || locked.id !== report.id) throw SESSION_ENDED();
        if ((await countAdded(manager, report.id)) >= TRACKING_MAX_FILES) throw EvidenceRefused.count(TRACKING_MAX_FILES);
        const held = input.batch !== undefined;
        await manager.query(
          `INSERT INTO evidence_files (id, tenant_id, submission_id, report_id, held_for_report_id, held_batch, question_id, source, original_name, kind, media_type, size_bytes, sha256, storage_key, trace_parent)
           VALUES ($1, $2, $3, $4, $5, $6, 'added-later', 'tracking', $7, $8, $9, $10, $11, $12, $13)`,
          [fileId, tenant.id, report.draftId, held ? null : report.id, held ? report.id : null, input.batch ?? null, name, stored.kind, stored.mediaType, stored.sizeBytes, stored.sha256, keys.original, currentTraceparent() ?? null],
        );
        if (!held) await this.putOnReport(manager, tenant.id, locked, [{ id: fileId, name, kind: stored.kind, mediaType: stored.mediaType, sizeBytes: stored.sizeBytes, sha256: stored.sha256, scanStatus: 'pending' }], input.requestId);
      });
    } catch (error) {
      await this.store.delete(keys.original).catch(() => undefined);
      throw error;
    }
    return { id: fileId, questionId: 'added-later', name, sizeBytes: stored.sizeBytes, kind: stored.kind, unprocessable: false };
  }

  /**
   * The web read the whole form: its held files go on the report together, in the order they came,
   * in one transaction. Returns how many; a batch already confirmed, discarded or swept has none.
   */
  async confirmBatch(tenant: PublicTenantRef, input: { trackingToken: string; batch: string; requestId?: string }): Promise<number> {
    if (!UUID.test(input.batch)) return 0;
    return this.transactions.run(tenant.id, async (manager) => {
      const report = await trackedReport(manager, input.trackingToken, { lock: true });
      if (!report) throw SESSION_ENDED();
      const [files]: [AddedFile[], number] = await manager.query(
        `UPDATE evidence_files SET report_id = held_for_report_id, held_for_report_id = NULL, held_batch = NULL
          WHERE held_batch = $1 AND held_for_report_id = $2
          RETURNING id::text, original_name AS name, kind, media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", sha256, scan_status AS "scanStatus", created_at AS "createdAt"`,
        [input.batch, report.id],
      );
      files.sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime() || a.id.localeCompare(b.id));
      if (files.length > 0) await this.putOnReport(manager, tenant.id, report, files, input.requestId);
      return files.length;
    });
  }

  /** The form broke part-way: the files it had sent are dropped, rows and objects. Returns how many. */
  async discardBatch(tenant: PublicTenantRef, batch: string): Promise<number> {
    if (!UUID.test(batch)) return 0;
    const rows = await this.transactions.run(tenant.id, (manager) =>
      manager.query(`DELETE FROM evidence_files WHERE held_batch = $1 RETURNING ${COLUMNS}`, [batch]).then((result: [EvidenceFileRow[], number]) => result[0]),
    );
    await this.deleteObjects(rows);
    return rows.length;
  }

  /** Files now on a sent report: the report's life records them (and returns it to the queue when the force was waiting for the reporter). */
  private async putOnReport(manager: EntityManager, tenantId: string, report: { id: string; status: string }, files: AddedFile[], requestId: string | undefined): Promise<void> {
    await this.life.evidenceAdded(manager, tenantId, report, files, requestId);
  }

  /** The files the session's draft holds, for every file question, oldest first. */
  async journeyFiles(tenant: PublicTenantRef, serviceId: string, session: string): Promise<JourneyFile[]> {
    const draftId = await this.journeys.liveDraftId(tenant, serviceId, session);
    return this.transactions.run(tenant.id, (manager) =>
      manager.query(
        `SELECT id::text, question_id AS "questionId", original_name AS name, size_bytes::float8 AS "sizeBytes", kind, scan_status = 'unprocessable' AS unprocessable
           FROM evidence_files WHERE submission_id = $1 AND report_id IS NULL AND scan_status <> 'infected' ORDER BY created_at, id`,
        [draftId],
      ),
    );
  }

  /** Removes a file from the session's draft (and from the store). Another draft's file is "not found". */
  async removeFromJourney(tenant: PublicTenantRef, serviceId: string, session: string, fileId: string): Promise<boolean> {
    if (!UUID.test(fileId)) return false;
    const draftId = await this.journeys.liveDraftId(tenant, serviceId, session);
    const removed = await this.transactions.run(tenant.id, async (manager) => {
      const [rows]: [EvidenceFileRow[], number] = await manager.query(`DELETE FROM evidence_files WHERE id = $1 AND submission_id = $2 AND report_id IS NULL RETURNING ${COLUMNS}`, [fileId, draftId]);
      if (rows.length > 0) await this.audit.record(manager, { tenantId: tenant.id, actorType: 'public', action: 'evidence.removed', subjectType: 'evidence', subjectId: fileId });
      return rows;
    });
    await this.deleteObjects(removed);
    return removed.length > 0;
  }

  // ---------------------------------------------------------------------------------------------
  // The worker: scanning and the copies staff see

  /**
   * Scans and derives copies for files waiting, force by force; returns how many were taken. A failed
   * attempt is retried with exponential back-off, except for a photo whose bytes cannot be decoded,
   * which is marked unprocessable at once; after the last attempt any file is marked unprocessable
   * too. None waits for ever (processing-retries.ts has the schedule).
   */
  async processPending(tenantIds: string[], limit = 10): Promise<number> {
    let processed = 0;
    for (const tenantId of tenantIds) {
      for (;;) {
        const file = await this.transactions.run(tenantId, async (manager) => {
          const [row]: PickedFile[] = await manager.query(
            `UPDATE evidence_files SET processing_started_at = now(), processing_attempts = processing_attempts + 1
              WHERE id = (SELECT id FROM evidence_files
                           WHERE scan_status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                             AND (processing_started_at IS NULL OR processing_started_at < now() - make_interval(mins => $1))
                           ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
              RETURNING ${COLUMNS}, trace_parent AS "traceParent", processing_attempts AS attempts`,
            [PROCESSING_TIMEOUT_MINUTES],
          ).then((result: [PickedFile[], number]) => result[0]);
          return row;
        });
        if (!file) break;
        // The scan is a span of the trace of the upload that stored the file.
        await runInTrace(childTrace(file.traceParent), () => this.attempt(file));
        processed++;
        if (processed >= limit) return processed;
      }
    }
    return processed;
  }

  /** One attempt at a file: processed, retried later, or given up on. */
  private async attempt(file: PickedFile): Promise<void> {
    if (file.attempts > MAX_PROCESSING_ATTEMPTS) {
      // Its last attempt never finished (the worker stopped mid-way, and was taken over): given up on like any last failure.
      await this.markUnprocessable(file, 'attempts-exhausted', 'the last attempt did not finish');
      return;
    }
    try {
      await this.process(file);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const outcome = afterFailure(error, file.attempts);
      if (outcome.kind === 'unprocessable') {
        this.logger.warn(`evidence file ${file.id} of ${file.tenantId} could not be processed (attempt ${file.attempts}, ${outcome.reason}): ${message}`);
        await this.markUnprocessable(file, outcome.reason, message);
        return;
      }
      this.logger.warn(`evidence file ${file.id} of ${file.tenantId} could not be processed (attempt ${file.attempts} of ${MAX_PROCESSING_ATTEMPTS}; next in ${outcome.afterSeconds} s): ${message}`);
      await this.transactions.run(file.tenantId, (manager) =>
        manager.query(`UPDATE evidence_files SET processing_started_at = NULL, next_attempt_at = now() + make_interval(secs => $2), last_processing_error = $3 WHERE id = $1`, [
          file.id,
          outcome.afterSeconds,
          message.slice(0, 1000),
        ]),
      );
    }
  }

  /**
   * Gives up on a file for good: marked unprocessable (never servable; the original stays as received),
   * audited, and, when it was already sent with a report, a step in the reporter's timeline. A file
   * still on a draft is shown as such in the draft's file list, and the step is written when the
   * report is sent with it (JourneysService.submit).
   */
  private async markUnprocessable(file: EvidenceFileRow & { attempts: number }, reason: UnprocessableReason, error: string): Promise<void> {
    const keys = evidenceKeys(file.tenantId, file.submissionId, file.id);
    await this.transactions.run(file.tenantId, async (manager) => {
      // report_id as it is now, not as it was when the file was taken: the report may have been sent meanwhile.
      const [[marked]]: [{ reportId: string | null; name: string }[], number] = await manager.query(
        `UPDATE evidence_files SET scan_status = 'unprocessable', scan_detail = $2, scanned_at = now(), display_key = NULL, thumbnail_key = NULL,
                processing_started_at = NULL, next_attempt_at = NULL, last_processing_error = $3
          WHERE id = $1 AND scan_status = 'pending' RETURNING report_id AS "reportId", original_name AS name`,
        [file.id, UNPROCESSABLE_DETAIL[reason], error.slice(0, 1000)],
      );
      if (!marked) return;
      await this.audit.record(manager, {
        tenantId: file.tenantId,
        actorType: 'system',
        action: 'evidence.unprocessable',
        subjectType: 'evidence',
        subjectId: file.id,
        details: { reason, attempts: file.attempts, reportId: marked.reportId },
      });
      if (marked.reportId) await this.life.fileNotProcessed(manager, { tenantId: file.tenantId, reportId: marked.reportId, fileId: file.id, name: marked.name });
    });
    // A copy half-made before the failure is of no use.
    await this.store.delete(keys.display).catch(() => undefined);
    await this.store.delete(keys.thumbnail).catch(() => undefined);
  }

  /** Scans one file; an infected one is quarantined, a photo gets its metadata-free copies. */
  private async process(file: EvidenceFileRow): Promise<void> {
    const keys = evidenceKeys(file.tenantId, file.submissionId, file.id);
    const result = await this.scanner.scan(await this.store.get(file.storageKey), file.sizeBytes);
    if (result.status === 'infected') {
      await this.store.move(file.storageKey, keys.quarantine);
      await this.transactions.run(file.tenantId, async (manager) => {
        await manager.query(
          `UPDATE evidence_files SET scan_status = 'infected', scan_detail = $2, scanned_at = now(), storage_key = $3, display_key = NULL, thumbnail_key = NULL WHERE id = $1`,
          [file.id, result.signature, keys.quarantine],
        );
        await this.audit.record(manager, { tenantId: file.tenantId, actorType: 'system', action: 'evidence.quarantined', subjectType: 'evidence', subjectId: file.id, details: { signature: result.signature, reportId: file.reportId } });
        if (file.reportId) await this.life.fileQuarantined(manager, { tenantId: file.tenantId, reportId: file.reportId, fileId: file.id, name: file.originalName });
      });
      this.logger.warn(`evidence file ${file.id} of ${file.tenantId} is infected (${result.signature}): quarantined`);
      return;
    }
    let derived: { display: string; thumbnail: string } | null = null;
    if (file.kind === 'image') {
      await deriveImageCopies(this.store, file.storageKey, { display: keys.display, thumbnail: keys.thumbnail });
      derived = { display: keys.display, thumbnail: keys.thumbnail };
    }
    await this.transactions.run(file.tenantId, async (manager) => {
      await manager.query(`UPDATE evidence_files SET scan_status = $2, scan_detail = $3, scanned_at = now(), display_key = $4, thumbnail_key = $5 WHERE id = $1`, [
        file.id,
        result.status,
        result.status === 'not-scanned' ? result.reason : null,
        derived?.display ?? null,
        derived?.thumbnail ?? null,
      ]);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Staff

  /** A report's files for staff of its force; another force's report is "not found". */
  async reportFiles(staff: StaffIdentity, idOrReference: string): Promise<EvidenceFileRow[]> {
    if (!isAllowed(staff, Permission.ReadReport) || !staff.tenantId) throw AccessException.notFoundOrNoAccess();
    const parsed = parseReference(idOrReference);
    const where = UUID.test(idOrReference) ? { id: idOrReference } : 'reference' in parsed ? { reference: parsed.reference } : null;
    if (!where) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(staff.tenantId, async (manager) => {
      const report = await findReport(manager, where);
      if (!report) throw AccessException.notFoundOrNoAccess();
      return manager.query(`SELECT ${COLUMNS} FROM evidence_files WHERE report_id = $1 ORDER BY created_at, id`, [report.id]);
    });
  }

  /**
   * A short-lived link to a file for a staff member of its force: never to an infected or unscanned
   * (pending) file; for a photo, only its metadata-free copies (the original is sealed).
   */
  async downloadLink(staff: StaffIdentity, fileId: string, variant: EvidenceVariant): Promise<{ path: string; expiresAt: Date }> {
    if (!isAllowed(staff, Permission.ReadReport) || !staff.tenantId || !UUID.test(fileId)) throw AccessException.notFoundOrNoAccess();
    const file = await this.transactions.run(staff.tenantId, async (manager) => {
      const [row]: EvidenceFileRow[] = await manager.query(`SELECT ${COLUMNS} FROM evidence_files WHERE id = $1 AND report_id IS NOT NULL`, [fileId]);
      return row;
    });
    const link = file ? this.linkFor(staff, file, variant) : null;
    if (!link) throw AccessException.notFoundOrNoAccess();
    return link;
  }

  /** A signed link to a file already read in the staff member's force, or null when it may not be served in that variant. */
  linkFor(staff: StaffIdentity, file: EvidenceFileRow, variant: EvidenceVariant): { path: string; expiresAt: Date } | null {
    if (!servable(file, variant) || file.tenantId !== staff.tenantId) return null;
    const expiresAt = new Date(Date.now() + LINK_SECONDS * 1000);
    const payload = Buffer.from(JSON.stringify({ t: file.tenantId, f: file.id, v: variant, s: staff.subject, n: staff.name ?? null, e: Math.floor(expiresAt.getTime() / 1000) })).toString('base64url');
    return { path: `/evidence/${payload}.${this.sign(payload)}`, expiresAt };
  }

  /**
   * Opens what a signed link points at: the file is checked again (a file quarantined since the link
   * was made is not served) and, for a download, the read is audited as the staff member who asked.
   */
  async openLink(token: string, requestId?: string): Promise<{ body: Readable; fileName: string; mediaType: string; sizeBytes: number | null; inline: boolean } | null> {
    const [payload, signature] = token.split('.');
    if (!payload || !signature || !/^[\w-]+$/.test(payload) || !safeEqual(signature, this.sign(payload))) return null;
    let claims: { t: string; f: string; v: EvidenceVariant; s: string; n: string | null; e: number };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!UUID.test(claims.t) || !UUID.test(claims.f) || claims.e * 1000 < Date.now()) return null;
    const file = await this.transactions.run(claims.t, async (manager) => {
      const [row]: EvidenceFileRow[] = await manager.query(`SELECT ${COLUMNS} FROM evidence_files WHERE id = $1 AND report_id IS NOT NULL`, [claims.f]);
      if (row && servable(row, claims.v) && claims.v !== 'thumbnail') {
        await this.audit.record(manager, {
          tenantId: claims.t,
          actorType: 'staff',
          actorId: claims.s,
          action: 'evidence.downloaded',
          subjectType: 'report',
          subjectId: row.reportId!,
          details: { actorName: claims.n, fileId: row.id, variant: claims.v, name: row.originalName },
          requestId,
        });
      }
      return row;
    });
    if (!file || !servable(file, claims.v)) return null;
    const key = claims.v === 'original' ? file.storageKey : claims.v === 'display' ? file.displayKey! : file.thumbnailKey!;
    const derived = claims.v !== 'original';
    const fileName = derived ? `${file.originalName.replace(/\.[^.]*$/, '')}${claims.v === 'thumbnail' ? '-thumbnail' : ''}.jpg` : file.originalName;
    return { body: await this.store.get(key), fileName, mediaType: derived ? 'image/jpeg' : file.mediaType, sizeBytes: await this.store.size(key), inline: claims.v === 'thumbnail' };
  }

  // ---------------------------------------------------------------------------------------------
  // Retention

  /**
   * Deletes a report's evidence: its rows (in the caller's transaction, with the report) and, once
   * that commits, its stored objects. Returns the objects' keys for the caller to delete after commit
   * through `deleteObjects`.
   */
  async deleteForReport(manager: EntityManager, reportId: string): Promise<EvidenceFileRow[]> {
    return manager.query(`DELETE FROM evidence_files WHERE report_id = $1 RETURNING ${COLUMNS}`, [reportId]).then((result: [EvidenceFileRow[], number]) => result[0]);
  }

  /** Deletes a report's evidence now (rows, then objects); for retention and for tests. Returns how many files. */
  async deleteReportEvidence(tenantId: string, reportId: string): Promise<number> {
    const rows = await this.transactions.run(tenantId, (manager) => this.deleteForReport(manager, reportId));
    await this.deleteObjects(rows);
    return rows.length;
  }

  /**
   * Files no report will ever hold: those of drafts that have expired or were sent without them (a
   * branch the reporter left), and a tracking form's held files nobody confirmed or discarded (the
   * web stopped mid-form) once no tracking session could still confirm them. Deleted with their
   * objects; returns how many.
   */
  async deleteAbandoned(tenantIds: string[]): Promise<number> {
    let deleted = 0;
    for (const tenantId of tenantIds) {
      const rows = await this.transactions.run(tenantId, (manager) =>
        manager
          .query(
            `DELETE FROM evidence_files f
              WHERE (f.report_id IS NULL AND f.source = 'journey'
                     AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.id = f.submission_id AND d.report_id IS NULL AND d.expires_at > now()))
                 OR (f.held_batch IS NOT NULL AND f.created_at < now() - make_interval(mins => $1))
             RETURNING ${COLUMNS}`,
            [HELD_FILES_KEPT_MINUTES],
          )
          .then((result: [EvidenceFileRow[], number]) => result[0]),
      );
      await this.deleteObjects(rows);
      deleted += rows.length;
    }
    return deleted;
  }

  /** Removes every stored object of these files (original, copies, quarantine). */
  async deleteObjects(files: Pick<EvidenceFileRow, 'tenantId' | 'submissionId' | 'id' | 'storageKey'>[]): Promise<void> {
    for (const file of files) {
      const keys = evidenceKeys(file.tenantId, file.submissionId, file.id);
      for (const key of new Set([file.storageKey, keys.original, keys.display, keys.thumbnail, keys.quarantine])) await this.store.delete(key);
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.linkKey).update(payload).digest('base64url');
  }
}

type PickedFile = EvidenceFileRow & { traceParent: string | null; attempts: number };

/** Whether a file may be served in this variant: never infected, pending or unprocessable; photos only as their copies. */
function servable(file: EvidenceFileRow, variant: EvidenceVariant): boolean {
  if (file.scanStatus !== 'clean' && file.scanStatus !== 'not-scanned') return false;
  if (file.kind === 'image') return variant === 'display' ? file.displayKey !== null : variant === 'thumbnail' ? file.thumbnailKey !== null : false;
  return variant === 'original';
}

function safeEqual(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}
