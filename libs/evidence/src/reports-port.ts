import type { EntityManager } from 'typeorm';
import type { QuestionDefinition } from '@front-counter/forms';
import type { AddedFile } from './evidence.repository.js';

export type FileQuestion = Extract<QuestionDefinition, { type: 'file' }>;

/** A force as a public upload names it (the Host's). */
export interface PublicForce {
  id: string;
  services: string[];
}

/** A sent report a tracking session is open on. */
export interface TrackedReport {
  id: string;
  draftId: string;
  status: string;
}

/**
 * What evidence needs to know of drafts and reports, which it does not own: declared here, implemented
 * by the libraries that own them (casework's EvidenceReportsAdapter, over reports and tracking) and
 * provided as REPORTS_PORT by the application that composes them. Evidence never loads reports.
 * Methods that take a manager run in the caller's transaction; the others open their own.
 * Lookups that fail throw the owner's DomainException (a journey that is not there is "not found").
 */
export interface ReportsPort {
  /** The live draft of the session's journey and its file question on the reporter's path. */
  fileQuestion(force: PublicForce, serviceId: string, session: string, questionId: string): Promise<{ draftId: string; question: FileQuestion }>;
  /** The session's live, unsent draft. */
  liveDraftId(force: PublicForce, serviceId: string, session: string): Promise<string>;
  /** Locks the draft while it is still live (not sent, not expired); false when it is not. */
  lockLiveDraft(manager: EntityManager, draftId: string): Promise<boolean>;
  /** Of these drafts, those that will never be sent: expired, or sent already. */
  deadDrafts(manager: EntityManager, draftIds: string[]): Promise<string[]>;
  /** The report a tracking session is open on (locked when asked), or nothing when the session has ended. */
  trackedReport(manager: EntityManager, trackingToken: string, options: { lock: boolean }): Promise<TrackedReport | undefined>;
  /** A report's id from its id or reference, in the transaction's force. */
  reportId(manager: EntityManager, idOrReference: string): Promise<string | undefined>;
  /** Files went on a sent report (the report's life: timeline, audit, back to the queue, staff pages told). */
  evidenceAdded(manager: EntityManager, tenantId: string, report: TrackedReport, files: AddedFile[], requestId: string | undefined): Promise<void>;
  /** A file on a sent report could not be processed. */
  fileNotProcessed(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }): Promise<void>;
  /** A file on a sent report was found infected and quarantined. */
  fileQuarantined(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }): Promise<void>;
}

export const REPORTS_PORT = Symbol('REPORTS_PORT');
