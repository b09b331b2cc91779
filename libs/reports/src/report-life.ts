import { sendJob } from '@front-counter/jobs';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { enqueue } from '@front-counter/outbox';
import type { RoutingOutcome } from '@front-counter/triage';
import { decideDuplicateLink, linkDuplicate, lockReport, markMissedDeadlines, moveReportToForce, notifyReportChange, recordReportEvent, reportsNamingVehicles, reportsNearby, setAwaitingTriage, updateReport } from './reports.repository.js';
import { ReportStatus } from './report-status.js';
import { reporterReachable } from './reporter-contact.js';
import type { Report, ReportOutcome, ThriveAssessment } from './report.entity.js';

/** How far apart two reports of one service may be, in place and time, to be flagged as possibly the same incident. */
export const DUPLICATE_DISTANCE_METRES = 250;
export const DUPLICATE_WINDOW_HOURS = 48;

/** A step in a report's timeline: a file sent with it could not be processed (damaged, or not the image its first bytes claim). */
export const FILE_NOT_PROCESSED = 'evidence-unprocessable';

/** A force as a report's life needs it: who, and its promises for the clocks. */
export interface ForceRef {
  id: string;
  slug: string;
  name: { en: string; cy?: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number };
}

/** The member of staff causing a change, from their verified token. */
export interface StaffActor {
  subject: string;
  name: string | null;
}

/** What routing decided for a report: a queue (or a transfer) and the rule set it came from. */
export interface Routed {
  outcome: RoutingOutcome;
  ruleSetId: string | null;
}

/** Who moves a report to another force, and why. */
export interface TransferBy {
  actorType: 'system' | 'staff';
  actorId: string | null;
  actorName: string | null;
  rule?: string;
  reason: string;
  requestId?: string;
  clockFrom: Date;
  message?: string;
}

/** A decision that settles where a report goes next in its own force (a transfer is `transferred`). */
export interface ReportDecision {
  decision: string;
  status: ReportStatus;
  detail: Record<string, string>;
  note: string | null;
  message: string;
  /** An urgent dispatch goes to the top of the queue. */
  urgent: boolean;
}

/** A file the reporter put on their report through tracking, as the timeline and the audit describe it. */
export interface AddedFile {
  id: string;
  name: string;
  kind: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  scanStatus: string;
}

/**
 * A report's life in one place. Each transition is one method that changes the row, writes the
 * timeline step, audits and tells open staff pages (and the reporter, where they hear of it), in the
 * caller's transaction. Every library that moves a report calls these; none writes its status itself.
 *
 *   submitted ─ routed ─▶ awaiting-triage ─ claimed / released / assessed ─▶ (same status)
 *   awaiting-triage ─ decided ─▶ allocated | dispatched | referred | closed | awaiting-reporter
 *   awaiting-triage ─ transferred ─▶ the other force's awaiting-triage (routed there)
 *   any ─ reporterReplied ─▶ awaiting-triage;  awaiting-reporter ─ evidenceAdded ─▶ awaiting-triage
 *   open ─ deadlinesMissed ─▶ (same status, breach marked)
 */
@Injectable()
export class ReportLife {
  constructor(private readonly audit: AuditService) {}

  private async auditStaff(manager: EntityManager, report: Report, staff: StaffActor, action: string, details: Record<string, unknown>, requestId?: string, reason?: string) {
    await this.audit.record(manager, {
      tenantId: report.tenantId,
      actorType: 'staff',
      actorId: staff.subject,
      action,
      subjectType: 'report',
      subjectId: report.id,
      reason,
      details: { actorName: staff.name, ...details },
      requestId,
    });
  }

  /** Open staff pages hear of a change by staff (once the transaction commits). */
  async toldStaffPages(manager: EntityManager, report: Report): Promise<void> {
    await notifyReportChange(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'changed' });
  }

  /** Routed by its force's rules: queue, priority, tags and deadlines set; possible duplicates linked. */
  async routed(manager: EntityManager, force: ForceRef, report: Report, routed: Routed): Promise<void> {
    const { outcome } = routed;
    if (outcome.kind !== 'route') throw new Error('routed needs a routing outcome');
    const fields = {
      queue: outcome.action.queue,
      priority: outcome.action.priority,
      tags: outcome.action.tags,
      routingRule: outcome.rule,
      routingRuleSetId: routed.ruleSetId,
      triageBy: outcome.triageBy,
      replyBy: outcome.replyBy,
      updatedAt: new Date(),
    };
    await updateReport(manager, report.id, fields);
    Object.assign(report, fields);
    await recordReportEvent(manager, {
      tenantId: force.id,
      reportId: report.id,
      kind: 'routed',
      actorType: 'system',
      details: { rule: outcome.rule ?? 'national default', queue: outcome.action.queue, priority: outcome.action.priority, tags: outcome.action.tags, triageBy: outcome.triageBy, replyBy: outcome.replyBy },
    });
    await this.linkPossibleDuplicates(manager, force.id, report);
    await notifyReportChange(manager, { tenantId: force.id, reportId: report.id, kind: 'submitted' });
    // Each deadline is marked as it passes (if it is still open then), not a round later.
    for (const at of new Set([outcome.triageBy.getTime(), outcome.replyBy.getTime()])) await sendJob(manager, 'deadline', { tenantId: force.id }, { startAfter: new Date(at + 1000) });
  }

  /**
   * Links earlier reports of the same force that may be the same matter: one naming the same vehicle
   * registration (last 90 days), or of the same service within DUPLICATE_DISTANCE_METRES and
   * DUPLICATE_WINDOW_HOURS. A handler confirms or dismisses each link.
   */
  private async linkPossibleDuplicates(manager: EntityManager, tenantId: string, report: Report): Promise<void> {
    const candidates: { id: string; reason: string }[] = [];
    if (report.vehicleRegistrations.length > 0) {
      const rows = await reportsNamingVehicles(manager, report.id, report.vehicleRegistrations);
      candidates.push(...rows.map((row) => ({ id: row.id, reason: `same vehicle registration ${row.shared.join(', ')}` })));
    }
    if (report.location) {
      const rows = await reportsNearby(
        manager,
        { id: report.id, serviceId: report.serviceId, latitude: report.location.latitude, longitude: report.location.longitude, submittedAt: report.submittedAt },
        { hours: DUPLICATE_WINDOW_HOURS, metres: DUPLICATE_DISTANCE_METRES },
      );
      for (const row of rows) if (!candidates.some((candidate) => candidate.id === row.id)) candidates.push({ id: row.id, reason: `same service within ${row.metres} m and ${DUPLICATE_WINDOW_HOURS} hours` });
    }
    for (const candidate of candidates) {
      await linkDuplicate(manager, tenantId, report.id, candidate.id, candidate.reason);
      await recordReportEvent(manager, { tenantId, reportId: report.id, kind: 'possible-duplicate', actorType: 'system', details: { otherReportId: candidate.id, reason: candidate.reason } });
    }
  }

  /**
   * Moves a report of `from` (the transaction's current force) to `to`: both timelines and both audit
   * trails say so; the receiving force routes it (`routeAt`, never sending it on again, its deadlines from `clockFrom`), and the
   * reporter is told. The transaction's tenant is `from` again on return.
   */
  async transferred(manager: EntityManager, from: ForceRef, to: ForceRef, report: Report, by: TransferBy, routeAt: (force: ForceRef, clockFrom: Date) => Promise<Routed>): Promise<void> {
    const details = { from: from.slug, to: to.slug, reason: by.reason, ...(by.rule ? { rule: by.rule } : {}) };
    await recordReportEvent(manager, {
      tenantId: from.id,
      reportId: report.id,
      kind: 'transferred',
      actorType: by.actorType,
      actorId: by.actorId,
      actorName: by.actorName,
      message: by.message ?? null,
      details,
    });
    await this.audit.record(manager, { tenantId: from.id, actorType: by.actorType, actorId: by.actorId ?? undefined, action: 'report.transferred-out', subjectType: 'report', subjectId: report.id, reason: by.reason, details: { ...details, reference: report.reference }, requestId: by.requestId });
    // The force's back office hears the report left (written while the report is still the force's).
    await enqueue(manager, from.id, 'report.transferred', { reportId: report.id, direction: 'out', from: from.slug, to: to.slug, reason: by.reason });
    await moveReportToForce(manager, report.id, to.id);
    await notifyReportChange(manager, { tenantId: from.id, reportId: report.id, kind: 'transferred-out' });

    await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [to.id]);
    try {
      report.tenantId = to.id;
      await this.audit.record(manager, { tenantId: to.id, actorType: by.actorType, actorId: by.actorId ?? undefined, action: 'report.transferred-in', subjectType: 'report', subjectId: report.id, reason: by.reason, details: { ...details, reference: report.reference }, requestId: by.requestId });
      await recordReportEvent(manager, { tenantId: to.id, reportId: report.id, kind: 'received', actorType: 'system', details });
      await this.routed(manager, to, report, await routeAt(to, by.clockFrom));
      await enqueue(manager, to.id, 'report.transferred', { reportId: report.id, direction: 'in', from: from.slug, to: to.slug, reason: by.reason });
      if (reporterReachable(report)) await enqueue(manager, to.id, 'email.report-transferred', { reportId: report.id, fromForce: from.name });
    } finally {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [from.id]);
    }
  }

  /** A handler takes the report to work on (`tookOverFrom`: the claimant a supervisor took it from). */
  async claimed(manager: EntityManager, report: Report, staff: StaffActor, requestId?: string): Promise<void> {
    await updateReport(manager, report.id, { claimedBy: staff.subject, claimedByName: staff.name, claimedAt: new Date(), updatedAt: new Date() });
    const details = report.claimedBy ? { tookOverFrom: report.claimedByName } : {};
    await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'claimed', actorType: 'staff', actorId: staff.subject, actorName: staff.name, details });
    await this.auditStaff(manager, report, staff, 'report.claimed', details, requestId);
    await this.toldStaffPages(manager, report);
  }

  /** The report goes back to the queue unclaimed, by its claimant or a supervisor. */
  async released(manager: EntityManager, report: Report, staff: StaffActor, requestId?: string): Promise<void> {
    await updateReport(manager, report.id, { claimedBy: null, claimedByName: null, claimedAt: null, updatedAt: new Date() });
    await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'released', actorType: 'staff', actorId: staff.subject, actorName: staff.name, details: { claimant: report.claimedByName } });
    await this.auditStaff(manager, report, staff, 'report.released', { claimant: report.claimedByName }, requestId);
    await this.toldStaffPages(manager, report);
  }

  /** The claimant records a THRIVE assessment (replacing any earlier one). */
  async assessed(manager: EntityManager, report: Report, staff: StaffActor, thrive: ThriveAssessment, requestId?: string): Promise<void> {
    await updateReport(manager, report.id, { thrive, updatedAt: new Date() });
    const levels = Object.fromEntries((['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'] as const).map((name) => [name, thrive[name].level]));
    await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'thrive-recorded', actorType: 'staff', actorId: staff.subject, actorName: staff.name, details: levels });
    await this.auditStaff(manager, report, staff, 'report.thrive-recorded', { previous: report.thrive ? 'replaced' : 'none', levels }, requestId);
    await this.toldStaffPages(manager, report);
  }

  /** The outcome and both clocks of a decision taken now (a clock already stopped keeps its time). */
  private decisionFields(report: Report, staff: StaffActor, decision: string, detail: Record<string, string>, now: Date) {
    const outcome: ReportOutcome = { decision, detail, decidedBy: staff.subject, decidedByName: staff.name, decidedAt: now.toISOString() };
    return { outcome, triagedAt: report.triagedAt ?? now, firstReplyAt: report.firstReplyAt ?? now };
  }

  /** The claimant decides: the report takes the decision's status, unclaimed, and the reporter hears the message. */
  async decided(manager: EntityManager, report: Report, staff: StaffActor, decision: ReportDecision, requestId?: string): Promise<void> {
    const now = new Date();
    await this.auditStaff(manager, report, staff, 'report.decided', { decision: decision.decision, ...decision.detail, ...(decision.note ? { note: decision.note } : {}) }, requestId);
    await updateReport(manager, report.id, {
      status: decision.status,
      ...this.decisionFields(report, staff, decision.decision, decision.detail, now),
      ...(decision.urgent ? { priority: 1 } : {}),
      claimedBy: null,
      claimedByName: null,
      claimedAt: null,
      updatedAt: now,
    });
    const eventId = await recordReportEvent(manager, {
      tenantId: report.tenantId,
      reportId: report.id,
      kind: `decision:${decision.decision}`,
      actorType: 'staff',
      actorId: staff.subject,
      actorName: staff.name,
      message: decision.message,
      details: { ...decision.detail, status: decision.status },
    });
    if (reporterReachable(report)) await enqueue(manager, report.tenantId, 'email.report-message', { reportId: report.id, eventId });
    await enqueue(manager, report.tenantId, 'triage.decided', { reportId: report.id, decision: decision.decision });
    await this.toldStaffPages(manager, report);
  }

  /**
   * The force's records system gave the report its own reference (a crime or incident number): kept on
   * the report, a step of its timeline the reporter sees in tracking, and audited. The same number
   * again changes nothing; a new one replaces it (both stay in the timeline).
   */
  async externalReferenceReceived(manager: EntityManager, report: Report, received: { reference: string; source: string; deliveryId?: string; requestId?: string }): Promise<boolean> {
    if (report.externalReference === received.reference) return false;
    await updateReport(manager, report.id, { externalReference: received.reference, updatedAt: new Date() });
    const details = { reference: received.reference, source: received.source, ...(received.deliveryId ? { deliveryId: received.deliveryId } : {}) };
    await recordReportEvent(manager, {
      tenantId: report.tenantId,
      reportId: report.id,
      kind: 'external-reference',
      actorType: 'system',
      actorName: `Back office: ${received.source}`,
      message:
        report.language === 'cy'
          ? `Eich cyfeirnod o'n system gofnodion yw ${received.reference}. Rhowch ef os byddwch yn cysylltu â ni am yr adroddiad hwn.`
          : `Your reference from our records system is ${received.reference}. Please give it if you contact us about this report.`,
      details,
    });
    await this.audit.record(manager, { tenantId: report.tenantId, actorType: 'system', actorId: received.source, action: 'report.external-reference', subjectType: 'report', subjectId: report.id, details: { ...details, previous: report.externalReference }, requestId: received.requestId });
    report.externalReference = received.reference;
    await this.toldStaffPages(manager, report);
    return true;
  }

  /**
   * The force's records system sent a status (in its words) and/or a message for the reporter: a step
   * of the timeline the reporter sees when tracking (and is e-mailed, when a message came), audited
   * as the records system's client. Returns the step's id.
   */
  async backOfficeUpdated(manager: EntityManager, report: Report, update: { source: string; status: string | null; message: string | null; requestId?: string }): Promise<string> {
    const statusLine = update.status
      ? report.language === 'cy'
        ? `Statws o'n system gofnodion: ${update.status}`
        : `Status from our records system: ${update.status}`
      : null;
    const details = { source: update.source, ...(update.status ? { status: update.status } : {}), message: update.message ? 'sent' : 'none' };
    const eventId = await recordReportEvent(manager, {
      tenantId: report.tenantId,
      reportId: report.id,
      kind: 'back-office-update',
      actorType: 'system',
      actorName: `Back office: ${update.source}`,
      message: [update.message, statusLine].filter(Boolean).join('\n\n'),
      details,
    });
    await this.audit.record(manager, { tenantId: report.tenantId, actorType: 'system', actorId: update.source, action: 'report.back-office-update', subjectType: 'report', subjectId: report.id, details, requestId: update.requestId });
    await updateReport(manager, report.id, { updatedAt: new Date() });
    if (update.message && reporterReachable(report)) await enqueue(manager, report.tenantId, 'email.report-message', { reportId: report.id, eventId });
    await this.toldStaffPages(manager, report);
    return eventId;
  }

  /** The claimant transfers the report to another force: decided and audited here, then `transferred`. */
  async transferredByStaff(
    manager: EntityManager,
    report: Report,
    staff: StaffActor,
    transfer: { decision: string; detail: Record<string, string>; note: string | null; message: string; from: ForceRef; to: ForceRef },
    routeAt: (force: ForceRef, clockFrom: Date) => Promise<Routed>,
    requestId?: string,
  ): Promise<void> {
    const now = new Date();
    await this.auditStaff(manager, report, staff, 'report.decided', { decision: transfer.decision, ...transfer.detail, ...(transfer.note ? { note: transfer.note } : {}) }, requestId);
    await updateReport(manager, report.id, { ...this.decisionFields(report, staff, transfer.decision, transfer.detail, now), updatedAt: now });
    await this.transferred(
      manager,
      transfer.from,
      transfer.to,
      report,
      { actorType: 'staff', actorId: staff.subject, actorName: staff.name, reason: transfer.note ?? `transferred by ${staff.name ?? 'a call handler'}`, requestId, clockFrom: now, message: transfer.message },
      routeAt,
    );
  }

  /**
   * The rule of the reporter's side: what the reporter sends puts the report back in the force's
   * queue, unclaimed. A reply always does; files do when the force was waiting for the reporter.
   */
  private async returnedToQueue(manager: EntityManager, reportId: string): Promise<void> {
    await setAwaitingTriage(manager, reportId);
  }

  /** The reporter replies through tracking: back to the queue, their message in the timeline. */
  async reporterReplied(manager: EntityManager, tenantId: string, report: { id: string; status: ReportStatus }, message: string): Promise<void> {
    await lockReport(manager, report.id);
    await this.returnedToQueue(manager, report.id);
    await recordReportEvent(manager, { tenantId, reportId: report.id, kind: 'reporter-replied', actorType: 'public', message, details: { previousStatus: report.status } });
    await this.audit.record(manager, { tenantId, actorType: 'public', action: 'report.reporter-replied', subjectType: 'report', subjectId: report.id, details: { previousStatus: report.status } });
    // The words go in the event: the report (and its timeline) may have left the force before it is delivered.
    await enqueue(manager, tenantId, 'report.updated', { reportId: report.id, change: 'reply', message });
    await notifyReportChange(manager, { tenantId, reportId: report.id, kind: 'reporter-replied' });
  }

  /**
   * Files now on a sent report (the caller holds the report's row lock): each a step in its timeline
   * (and, if the worker already gave up on it or quarantined it while it was held, that too), audited;
   * a report waiting for the reporter goes back to the queue; staff pages are told once.
   */
  async evidenceAdded(manager: EntityManager, tenantId: string, report: { id: string; status: string }, files: AddedFile[], requestId: string | undefined): Promise<void> {
    if (report.status === ReportStatus.AWAITING_REPORTER) await this.returnedToQueue(manager, report.id);
    for (const file of files) {
      await recordReportEvent(manager, { tenantId, reportId: report.id, kind: 'evidence-added', actorType: 'public', details: { fileId: file.id, name: file.name, kind: file.kind, previousStatus: report.status } });
      await this.audit.record(manager, {
        tenantId,
        actorType: 'public',
        action: 'evidence.uploaded',
        subjectType: 'report',
        subjectId: report.id,
        details: { fileId: file.id, kind: file.kind, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256, through: 'tracking' },
        requestId,
      });
      if (file.scanStatus === 'unprocessable') await this.fileNotProcessed(manager, { tenantId, reportId: report.id, fileId: file.id, name: file.name });
      if (file.scanStatus === 'infected') await this.fileQuarantined(manager, { tenantId, reportId: report.id, fileId: file.id, name: file.name });
    }
    if (files.length > 0) await enqueue(manager, tenantId, 'report.updated', { reportId: report.id, change: 'evidence', files: files.length });
    await notifyReportChange(manager, { tenantId, reportId: report.id, kind: 'evidence-added' });
  }

  /**
   * Tells the reporter, in their timeline, that a file they sent with the report could not be processed,
   * and open staff pages that the report changed. Written once per file, by whichever comes second: the
   * worker giving up on a file already sent with the report, or the report being sent with a file the
   * worker had already given up on (the row lock on the file orders the two).
   */
  async fileNotProcessed(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }): Promise<void> {
    await recordReportEvent(manager, { tenantId: file.tenantId, reportId: file.reportId, kind: FILE_NOT_PROCESSED, actorType: 'system', details: { fileId: file.fileId, name: file.name } });
    await notifyReportChange(manager, { tenantId: file.tenantId, reportId: file.reportId, kind: FILE_NOT_PROCESSED });
  }

  /** A file on the report was found infected and quarantined: a step in the staff timeline. */
  async fileQuarantined(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }): Promise<void> {
    await recordReportEvent(manager, { tenantId: file.tenantId, reportId: file.reportId, kind: 'evidence-quarantined', actorType: 'system', details: { fileId: file.fileId, name: file.name } });
  }

  /** Marks the force's open reports past a deadline (once each): timeline, audit, open pages. Returns how many. */
  async deadlinesMissed(manager: EntityManager, tenantId: string): Promise<number> {
    const { triage, reply } = await markMissedDeadlines(manager);
    for (const [ids, kind] of [[triage, 'triage'], [reply, 'reply']] as const) {
      for (const id of ids) {
        await recordReportEvent(manager, { tenantId, reportId: id, kind: `sla-breached:${kind}`, actorType: 'system' });
        await this.audit.record(manager, { tenantId, actorType: 'system', action: `report.sla-breached`, subjectType: 'report', subjectId: id, details: { deadline: kind } });
        await notifyReportChange(manager, { tenantId, reportId: id, kind: `sla-breached:${kind}` });
      }
    }
    return triage.length + reply.length;
  }

  /** A handler confirms or dismisses a possible-duplicate link: timeline, audit, open pages. */
  async duplicateDecided(manager: EntityManager, link: { id: string; reportId: string; otherReportId: string }, tenantId: string, staff: StaffActor, status: 'confirmed' | 'dismissed', requestId?: string): Promise<void> {
    await decideDuplicateLink(manager, link.id, status, staff.subject);
    await recordReportEvent(manager, { tenantId, reportId: link.reportId, kind: `duplicate-${status}`, actorType: 'staff', actorId: staff.subject, actorName: staff.name, details: { otherReportId: link.otherReportId } });
    await this.audit.record(manager, {
      tenantId,
      actorType: 'staff',
      actorId: staff.subject,
      action: `report.duplicate-${status}`,
      subjectType: 'report',
      subjectId: link.reportId,
      reason: undefined,
      details: { actorName: staff.name, otherReportId: link.otherReportId },
      requestId,
    });
    await notifyReportChange(manager, { tenantId, reportId: link.reportId, kind: `duplicate-${status}` });
  }
}
