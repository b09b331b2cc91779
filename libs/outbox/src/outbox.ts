/** Event types and their payloads. Handlers are chosen by type from a registry, never loaded by name from data. */
export interface OutboxPayloads {
  'report.submitted': { reportId: string; reference: string; serviceId: string };
  /** The reporter replied (`message`, not kept once delivered) or sent files through tracking: the force's back office hears of it. */
  'report.updated': { reportId: string; change: 'reply' | 'evidence'; files?: number; message?: string };
  /**
   * The report went to another force. `out`: written by the force it left, before it left (its back
   * office hears, with the document it last had); `in`: by the force it went to, once routed there.
   */
  'report.transferred': { reportId: string; direction: 'in' | 'out'; from: string; to: string; reason: string };
  /** A handler decided what happens to the report. */
  'triage.decided': { reportId: string; decision: string };
  'email.report-confirmation': { reportId: string };
  'email.resume-link': { draftId: string; email: string; resumeUrl: string; language: 'en' | 'cy' };
  /** The reporter is told their report went to another force, by the receiving force. */
  'email.report-transferred': { reportId: string; fromForce: { en: string; cy?: string } };
  /** A message from the force to the reporter (one event of the report's timeline). */
  'email.report-message': { reportId: string; eventId: string };
  /** A one-time code to track a report. */
  'email.tracking-code': { reportId: string; code: string };
  /**
   * Stored evidence objects (originals, copies, quarantined files) whose rows retention has deleted:
   * recorded in the same transaction, so the objects go at least once after the rows, even across a crash.
   */
  'evidence.delete-objects': { keys: string[] };
}
export type OutboxEventType = keyof OutboxPayloads;

/** Events about a report that its force's back office receives, each after the ones before it about the same report. */
export const BACK_OFFICE_EVENT_TYPES = ['report.submitted', 'report.updated', 'report.transferred', 'triage.decided'] as const satisfies readonly OutboxEventType[];
