/** Event types and their payloads. Handlers are chosen by type from a registry, never loaded by name from data. */
export interface OutboxPayloads {
  'report.submitted': { reportId: string; reference: string; serviceId: string };
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
