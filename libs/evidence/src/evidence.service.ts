import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import { childTrace, currentTraceparent, runInTrace } from '@front-counter/logging';
import type { FileKind, QuestionDefinition } from '@front-counter/forms';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { sendJob } from '@front-counter/jobs';
import { deriveImageCopies } from './derive.js';
import {
  attachDraftFiles,
  countAddedLater,
  countQuestionFiles,
  deleteAbandonedFiles,
  deleteBatch,
  deleteDraftFile,
  deleteFilesOfReport,
  filesOfReport,
  insertEvidenceFile,
  journeyFilesOf,
  markQuarantined,
  markScanned,
  markUnprocessable,
  releaseBatch,
  scheduleRetry,
  sentFile,
  takeNextPending,
  unsentSubmissions,
  type EvidenceFileRow,
  type JourneyFile,
  type PickedFile,
} from './evidence.repository.js';
import { afterFailure, MAX_PROCESSING_ATTEMPTS, UNPROCESSABLE_DETAIL, type UnprocessableReason } from './processing-retries.js';
import { EvidenceRefused, ingest } from './ingest.js';
import type { Scanner } from './scanning/scanner.js';
import { REPORTS_PORT, type PublicForce, type ReportsPort } from './reports-port.js';
import type { EvidenceStore } from './storage/evidence-store.js';
import type { EntityManager } from 'typeorm';

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

/** What a link serves: the copy staff screens show (images), its thumbnail, or the file as received (video, documents). */
export type EvidenceVariant = 'display' | 'thumbnail' | 'original';

const SESSION_ENDED = () => new EvidenceRefused('session', { en: 'Your session has ended. Sign in again to add files', cy: 'Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto i ychwanegu ffeiliau' });

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
    @Inject(REPORTS_PORT) private readonly reports: ReportsPort,
    private readonly audit: AuditService,
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
  async addToJourney(tenant: PublicForce, input: { serviceId: string; session: string; questionId: string; fileName?: string; body: Readable; requestId?: string }): Promise<JourneyFile> {
    const { draftId, question } = await this.reports.fileQuestion(tenant, input.serviceId, input.session, input.questionId);
    const count = (manager: EntityManager) => countQuestionFiles(manager, draftId, question.id);
    if ((await this.transactions.run(tenant.id, count)) >= question.maxFiles) throw EvidenceRefused.count(question.maxFiles);
    const fileId = randomUUID();
    const keys = evidenceKeys(tenant.id, draftId, fileId);
    const stored = await ingest(input.body, { accept: question.accept, maxBytes: this.limitsFor(question) }, this.store, keys.original);
    const name = cleanFileName(input.fileName);
    try {
      await this.transactions.run(tenant.id, async (manager) => {
        // The draft is locked so that two uploads at once cannot pass the count together.
        if (!(await this.reports.lockLiveDraft(manager, draftId))) throw new EvidenceRefused('count', { en: 'Your report has already been sent or has expired', cy: "Mae eich adroddiad eisoes wedi'i anfon neu wedi dod i ben" });
        if ((await count(manager)) >= question.maxFiles) throw EvidenceRefused.count(question.maxFiles);
        await insertEvidenceFile(manager, {
          id: fileId,
          tenantId: tenant.id,
          submissionId: draftId,
          questionId: question.id,
          source: 'journey',
          name,
          ...stored,
          storageKey: keys.original,
          traceParent: currentTraceparent() ?? null,
        });
        await sendJob(manager, 'evidence-scan', { tenantId: tenant.id });
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
  async addToReport(tenant: PublicForce, input: { trackingToken: string; fileName?: string; body: Readable; requestId?: string; batch?: string }): Promise<JourneyFile> {
    if (input.batch !== undefined && !UUID.test(input.batch)) throw new EvidenceRefused('batch', { en: 'The upload could not be matched to its form', cy: "Nid oedd modd paru'r llwythiad â'i ffurflen" });
    const report = await this.transactions.run(tenant.id, (manager) => this.reports.trackedReport(manager, input.trackingToken, { lock: false }));
    if (!report) throw SESSION_ENDED();
    if ((await this.transactions.run(tenant.id, (manager) => countAddedLater(manager, report.id))) >= TRACKING_MAX_FILES) throw EvidenceRefused.count(TRACKING_MAX_FILES);
    const fileId = randomUUID();
    const keys = evidenceKeys(tenant.id, report.draftId, fileId);
    const limits = this.config.evidence.maxBytes;
    const stored = await ingest(input.body, { accept: ['image', 'video', 'document'], maxBytes: limits }, this.store, keys.original);
    const name = cleanFileName(input.fileName);
    try {
      await this.transactions.run(tenant.id, async (manager) => {
        const locked = await this.reports.trackedReport(manager, input.trackingToken, { lock: true });
        if (!locked || locked.id !== report.id) throw SESSION_ENDED();
        if ((await countAddedLater(manager, report.id)) >= TRACKING_MAX_FILES) throw EvidenceRefused.count(TRACKING_MAX_FILES);
        const held = input.batch !== undefined;
        await insertEvidenceFile(manager, {
          id: fileId,
          tenantId: tenant.id,
          submissionId: report.draftId,
          reportId: held ? null : report.id,
          heldForReportId: held ? report.id : null,
          heldBatch: input.batch ?? null,
          questionId: 'added-later',
          source: 'tracking',
          name,
          ...stored,
          storageKey: keys.original,
          traceParent: currentTraceparent() ?? null,
        });
        await sendJob(manager, 'evidence-scan', { tenantId: tenant.id });
        if (!held) await this.reports.evidenceAdded(manager, tenant.id, locked, [{ id: fileId, name, kind: stored.kind, mediaType: stored.mediaType, sizeBytes: stored.sizeBytes, sha256: stored.sha256, scanStatus: 'pending' }], input.requestId);
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
  async confirmBatch(tenant: PublicForce, input: { trackingToken: string; batch: string; requestId?: string }): Promise<number> {
    if (!UUID.test(input.batch)) return 0;
    return this.transactions.run(tenant.id, async (manager) => {
      const report = await this.reports.trackedReport(manager, input.trackingToken, { lock: true });
      if (!report) throw SESSION_ENDED();
      const files = await releaseBatch(manager, input.batch, report.id);
      if (files.length > 0) await this.reports.evidenceAdded(manager, tenant.id, report, files, input.requestId);
      return files.length;
    });
  }

  /** The form broke part-way: the files it had sent are dropped, rows and objects. Returns how many. */
  async discardBatch(tenant: PublicForce, batch: string): Promise<number> {
    if (!UUID.test(batch)) return 0;
    const rows = await this.transactions.run(tenant.id, (manager) => deleteBatch(manager, batch));
    await this.deleteObjects(rows);
    return rows.length;
  }

  /** The files the session's draft holds, for every file question, oldest first. */
  async journeyFiles(tenant: PublicForce, serviceId: string, session: string): Promise<JourneyFile[]> {
    const draftId = await this.reports.liveDraftId(tenant, serviceId, session);
    return this.transactions.run(tenant.id, (manager) => journeyFilesOf(manager, draftId));
  }

  /** Removes a file from the session's draft (and from the store). Another draft's file is "not found". */
  async removeFromJourney(tenant: PublicForce, serviceId: string, session: string, fileId: string): Promise<boolean> {
    if (!UUID.test(fileId)) return false;
    const draftId = await this.reports.liveDraftId(tenant, serviceId, session);
    const removed = await this.transactions.run(tenant.id, async (manager) => {
      const rows = await deleteDraftFile(manager, fileId, draftId);
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
        const file = await this.transactions.run(tenantId, (manager) => takeNextPending(manager, PROCESSING_TIMEOUT_MINUTES));
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
      await this.giveUp(file, 'attempts-exhausted', 'the last attempt did not finish');
      return;
    }
    try {
      await this.process(file);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const outcome = afterFailure(error, file.attempts);
      if (outcome.kind === 'unprocessable') {
        this.logger.warn(`evidence file ${file.id} of ${file.tenantId} could not be processed (attempt ${file.attempts}, ${outcome.reason}): ${message}`);
        await this.giveUp(file, outcome.reason, message);
        return;
      }
      this.logger.warn(`evidence file ${file.id} of ${file.tenantId} could not be processed (attempt ${file.attempts} of ${MAX_PROCESSING_ATTEMPTS}; next in ${outcome.afterSeconds} s): ${message}`);
      await this.transactions.run(file.tenantId, async (manager) => {
        await scheduleRetry(manager, file.id, outcome.afterSeconds, message.slice(0, 1000));
        // The retry is a job due when the file is (not a minute later, in the worker's round).
        await sendJob(manager, 'evidence-scan', { tenantId: file.tenantId }, { startAfter: new Date(Date.now() + outcome.afterSeconds * 1000 + 250) });
      });
    }
  }

  /**
   * Gives up on a file for good: marked unprocessable (never servable; the original stays as received),
   * audited, and, when it was already sent with a report, a step in the reporter's timeline. A file
   * still on a draft is shown as such in the draft's file list, and the step is written when the
   * report is sent with it (JourneysService.submit).
   */
  private async giveUp(file: EvidenceFileRow & { attempts: number }, reason: UnprocessableReason, error: string): Promise<void> {
    const keys = evidenceKeys(file.tenantId, file.submissionId, file.id);
    await this.transactions.run(file.tenantId, async (manager) => {
      // report_id as it is now, not as it was when the file was taken: the report may have been sent meanwhile.
      const marked = await markUnprocessable(manager, file.id, UNPROCESSABLE_DETAIL[reason], error.slice(0, 1000));
      if (!marked) return;
      await this.audit.record(manager, {
        tenantId: file.tenantId,
        actorType: 'system',
        action: 'evidence.unprocessable',
        subjectType: 'evidence',
        subjectId: file.id,
        details: { reason, attempts: file.attempts, reportId: marked.reportId },
      });
      if (marked.reportId) await this.reports.fileNotProcessed(manager, { tenantId: file.tenantId, reportId: marked.reportId, fileId: file.id, name: marked.name });
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
        await markQuarantined(manager, file.id, result.signature, keys.quarantine);
        await this.audit.record(manager, { tenantId: file.tenantId, actorType: 'system', action: 'evidence.quarantined', subjectType: 'evidence', subjectId: file.id, details: { signature: result.signature, reportId: file.reportId } });
        if (file.reportId) await this.reports.fileQuarantined(manager, { tenantId: file.tenantId, reportId: file.reportId, fileId: file.id, name: file.originalName });
      });
      this.logger.warn(`evidence file ${file.id} of ${file.tenantId} is infected (${result.signature}): quarantined`);
      return;
    }
    let derived: { display: string; thumbnail: string } | null = null;
    if (file.kind === 'image') {
      await deriveImageCopies(this.store, file.storageKey, { display: keys.display, thumbnail: keys.thumbnail });
      derived = { display: keys.display, thumbnail: keys.thumbnail };
    }
    await this.transactions.run(file.tenantId, (manager) =>
      markScanned(manager, file.id, { status: result.status, detail: result.status === 'not-scanned' ? result.reason : null, displayKey: derived?.display ?? null, thumbnailKey: derived?.thumbnail ?? null }),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Staff

  /** A report's files for staff of its force; another force's report is "not found". */
  async reportFiles(staff: StaffIdentity, idOrReference: string): Promise<EvidenceFileRow[]> {
    if (!isAllowed(staff, Permission.ReadReport) || !staff.tenantId) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(staff.tenantId, async (manager) => {
      const reportId = await this.reports.reportId(manager, idOrReference);
      if (!reportId) throw AccessException.notFoundOrNoAccess();
      return filesOfReport(manager, reportId);
    });
  }

  /**
   * A short-lived link to a file for a staff member of its force: never to an infected or unscanned
   * (pending) file; for a photo, only its metadata-free copies (the original is sealed).
   */
  async downloadLink(staff: StaffIdentity, fileId: string, variant: EvidenceVariant): Promise<{ path: string; expiresAt: Date }> {
    if (!isAllowed(staff, Permission.ReadReport) || !staff.tenantId || !UUID.test(fileId)) throw AccessException.notFoundOrNoAccess();
    const file = await this.transactions.run(staff.tenantId, (manager) => sentFile(manager, fileId));
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
   * Links for a force's back-office system to the sent files of a report (the original, or a photo's
   * metadata-free copy), valid `hours`; each download is audited as the destination named. Files not
   * yet scanned, infected or unprocessable get no link (the manifest says why).
   */
  async backOfficeLinks(manager: EntityManager, tenantId: string, reportId: string, destination: string, hours: number): Promise<{ file: EvidenceFileRow; link: { path: string; expiresAt: Date } | null }[]> {
    const files = await filesOfReport(manager, reportId);
    const expiresAt = new Date(Date.now() + hours * 3600 * 1000);
    return files.map((file) => {
      const variant: EvidenceVariant = file.kind === 'image' ? 'display' : 'original';
      if (!servable(file, variant) || file.tenantId !== tenantId) return { file, link: null };
      const payload = Buffer.from(JSON.stringify({ t: file.tenantId, f: file.id, v: variant, s: `destination:${destination}`, n: destination, e: Math.floor(expiresAt.getTime() / 1000) })).toString('base64url');
      return { file, link: { path: `/evidence/${payload}.${this.sign(payload)}`, expiresAt } };
    });
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
      const row = await sentFile(manager, claims.f);
      if (row && servable(row, claims.v) && claims.v !== 'thumbnail') {
        await this.audit.record(manager, {
          tenantId: claims.t,
          // A back-office system's link names its destination; a staff member's, the staff member.
          actorType: claims.s.startsWith('destination:') ? 'system' : 'staff',
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
    return deleteFilesOfReport(manager, reportId);
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
      const rows = await this.transactions.run(tenantId, async (manager) => {
        const dead = await this.reports.deadDrafts(manager, await unsentSubmissions(manager));
        return deleteAbandonedFiles(manager, dead, HELD_FILES_KEPT_MINUTES);
      });
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
