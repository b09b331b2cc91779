import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { FormCatalogue, type FormAnswers } from '@front-counter/forms';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { findReport as findReportRow, lockDuplicateLink, parseReference, referenceOf, Report, ReportIntake, ReportLife, ReportStatus, type ThriveAssessment } from '@front-counter/reports';
import { otherActiveForces } from '@front-counter/tenancy';
import { CaseworkException } from './casework.exception.js';
import { CLOSE_REASONS, Decision, type DecisionInput, type QueueArgs, type ThriveInput } from './casework.models.js';
import { breachRows, duplicateLinks, queueCounts, queuePage, queueRow, reportAuditTrail, staffTimeline, type AuditEntry, type QueueRow } from './queue.queries.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SlaClock {
  triageBy: Date;
  replyBy: Date;
  triagedAt: Date | null;
  firstReplyAt: Date | null;
  triageMinutesLeft: number;
  replyMinutesLeft: number;
  triageBreached: boolean;
  replyBreached: boolean;
}

/** The clock of a report's two promises, as of `now`. */
export function slaClock(row: Pick<QueueRow, 'triage_by' | 'reply_by' | 'triaged_at' | 'first_reply_at'>, now = new Date()): SlaClock {
  const minutes = (deadline: Date, doneAt: Date | null) => (doneAt ? 0 : Math.floor((deadline.getTime() - now.getTime()) / 60_000));
  return {
    triageBy: row.triage_by,
    replyBy: row.reply_by,
    triagedAt: row.triaged_at,
    firstReplyAt: row.first_reply_at,
    triageMinutesLeft: minutes(row.triage_by, row.triaged_at),
    replyMinutesLeft: minutes(row.reply_by, row.first_reply_at),
    triageBreached: (row.triaged_at ?? now) > row.triage_by,
    replyBreached: (row.first_reply_at ?? now) > row.reply_by,
  };
}

function queueItem(row: QueueRow, staff: StaffIdentity, now: Date) {
  return {
    id: row.id,
    reference: row.reference,
    serviceId: row.service_id,
    serviceTitle: row.service_title,
    queue: row.queue,
    priority: row.priority,
    status: row.status,
    tags: row.tags,
    flags: row.flags,
    submittedAt: row.submitted_at,
    sla: slaClock(row, now),
    claimedByName: row.claimed_by ? (row.claimed_by_name ?? 'Another handler') : null,
    claimedByMe: row.claimed_by === staff.subject,
    possibleDuplicates: row.duplicates,
    transferredFrom: row.transferred_from,
  };
}

function text(value: string | undefined | null, field: string, max: number, options: { required: boolean }): string | null {
  const trimmed = (value ?? '').trim();
  if (!trimmed) {
    if (options.required) throw CaseworkException.invalidInput(`${field} is required`);
    return null;
  }
  if (trimmed.length > max) throw CaseworkException.invalidInput(`${field} must be ${max.toLocaleString('en-GB')} characters or fewer`);
  return trimmed;
}

const STATUS_OF: Record<Exclude<Decision, Decision.TRANSFER>, ReportStatus> = {
  [Decision.ALLOCATE]: ReportStatus.ALLOCATED,
  [Decision.DISPATCH]: ReportStatus.DISPATCHED,
  [Decision.REFER]: ReportStatus.REFERRED,
  [Decision.REQUEST_INFORMATION]: ReportStatus.AWAITING_REPORTER,
  [Decision.CLOSE]: ReportStatus.CLOSED,
};

/** Decisions that settle what happens to a report need a THRIVE assessment first. */
const NEEDS_THRIVE = new Set([Decision.ALLOCATE, Decision.DISPATCH, Decision.REFER, Decision.CLOSE]);

/**
 * Call handlers' and supervisors' work on their own force's reports. Every operation runs in one
 * transaction confined to the force of the verified token; a report of another force is not found,
 * exactly as a report that does not exist. Every read of personal data and every change is audited.
 */
@Injectable()
export class CaseworkService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly catalogue: FormCatalogue,
    private readonly audit: AuditService,
    private readonly intake: ReportIntake,
    private readonly life: ReportLife,
  ) {}

  private forceOf(staff: StaffIdentity): string {
    if (!staff.tenantId) throw AccessException.notFoundOrNoAccess();
    return staff.tenantId;
  }

  private async auditStaff(manager: EntityManager, staff: StaffIdentity, action: string, reportId: string, details: Record<string, unknown> = {}, reason?: string, requestId?: string) {
    await this.audit.record(manager, {
      tenantId: staff.tenantId!,
      actorType: 'staff',
      actorId: staff.subject,
      action,
      subjectType: 'report',
      subjectId: reportId,
      reason,
      details: { actorName: staff.name, ...details },
      requestId,
    });
  }

  /** A report of the force by id or reference, locked for change when asked; otherwise "not found or no access". */
  private async findReport(manager: EntityManager, idOrReference: string, options: { lock?: boolean } = {}): Promise<Report> {
    const parsed = parseReference(idOrReference);
    const where = UUID.test(idOrReference) ? { id: idOrReference } : 'reference' in parsed ? { reference: parsed.reference } : null;
    if (!where) throw AccessException.notFoundOrNoAccess();
    const report = await findReportRow(manager, where, options);
    if (!report) throw AccessException.notFoundOrNoAccess();
    return report;
  }

  async queue(staff: StaffIdentity, args: QueueArgs): Promise<{ items: ReturnType<typeof queueItem>[]; total: number }> {
    const tenantId = this.forceOf(staff);
    const first = Math.min(Math.max(args.first ?? 50, 1), 200);
    const offset = Math.min(Math.max(args.offset ?? 0, 0), 100_000);
    const statuses = args.statuses?.length ? args.statuses : [ReportStatus.AWAITING_TRIAGE];
    return this.transactions.run(tenantId, async (manager) => {
      const { rows, total } = await queuePage(manager, { statuses, queue: args.queue ?? null, serviceId: args.serviceId ?? null, tag: args.tag ?? null }, { first, offset });
      const now = new Date();
      return { items: rows.map((row) => queueItem(row, staff, now)), total };
    });
  }

  /** Reports awaiting triage per queue, and how many of them are past their triage deadline. */
  async queueCounts(staff: StaffIdentity): Promise<{ queue: string; awaitingTriage: number; triageBreached: number }[]> {
    return this.transactions.run(this.forceOf(staff), (manager) => queueCounts(manager));
  }

  /** Supervisors: open reports past a deadline, or within `withinMinutes` of one, most overdue first. */
  async breaches(staff: StaffIdentity, withinMinutes: number) {
    if (!isAllowed(staff, Permission.Supervise)) throw AccessException.notFoundOrNoAccess();
    const minutes = Math.min(Math.max(withinMinutes, 0), 24 * 60);
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const rows = await breachRows(manager, minutes);
      const now = new Date();
      return rows.map((row) => queueItem(row, staff, now));
    });
  }

  /** A report with its personal data; the read is audited with the handler's reason. */
  async report(staff: StaffIdentity, idOrReference: string, reason: string, requestId?: string) {
    const why = text(reason, 'reason', 500, { required: true })!;
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const report = await this.findReport(manager, idOrReference);
      await this.auditStaff(manager, staff, 'report.read', report.id, { reference: report.reference }, why, requestId);
      return this.detail(manager, staff, report);
    });
  }

  private async detail(manager: EntityManager, staff: StaffIdentity, report: Report) {
    const row = await queueRow(manager, report.id);
    const version = await this.catalogue.published(staff.tenantId!, report.formVersionId);
    const timeline = await staffTimeline(manager, report.id);
    const duplicates = await duplicateLinks(manager, report.id);
    const thrive = report.thrive ? { ...report.thrive, recordedAt: new Date(report.thrive.recordedAt) } : null;
    return {
      ...queueItem(row, staff, new Date()),
      formVersionId: report.formVersionId,
      formVersion: version?.version ?? 0,
      form: version?.form ?? null,
      answers: report.answers as FormAnswers,
      reporterName: report.reporterName,
      reporterEmail: report.reporterEmail,
      reporterPhone: report.reporterPhone,
      language: report.language,
      location: report.location,
      vehicleRegistrations: report.vehicleRegistrations,
      routingRule: report.routingRule,
      externalReference: report.externalReference,
      thrive,
      outcome: report.outcome,
      timeline,
      duplicates,
    };
  }

  /**
   * Supervisors: the force's audit trail of one report, oldest first: every read with its reason and
   * every change, by staff, the reporter or the system. Reading it is itself audited.
   */
  async auditTrail(staff: StaffIdentity, idOrReference: string, requestId?: string): Promise<AuditEntry[]> {
    if (!isAllowed(staff, Permission.Supervise)) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const report = await this.findReport(manager, idOrReference);
      const entries = await reportAuditTrail(manager, report.tenantId, report.id);
      await this.auditStaff(manager, staff, 'report.audit-trail-read', report.id, {}, undefined, requestId);
      return entries;
    });
  }

  /** Takes a report to work on; a supervisor may take over another handler's claim. */
  async claim(staff: StaffIdentity, idOrReference: string, takeOver = false, requestId?: string) {
    return this.change(staff, idOrReference, requestId, async (manager, report) => {
      if (report.claimedBy === staff.subject) return false;
      if (report.claimedBy && !(takeOver && isAllowed(staff, Permission.Supervise))) throw CaseworkException.claimedByOther(report.claimedByName);
      await this.life.claimed(manager, report, staff, requestId);
      return true;
    });
  }

  /** Gives a report back to the queue: its claimant, or a supervisor. */
  async release(staff: StaffIdentity, idOrReference: string, requestId?: string) {
    return this.change(staff, idOrReference, requestId, async (manager, report) => {
      if (!report.claimedBy) return false;
      if (report.claimedBy !== staff.subject && !isAllowed(staff, Permission.Supervise)) throw CaseworkException.claimedByOther(report.claimedByName);
      await this.life.released(manager, report, staff, requestId);
      return true;
    });
  }

  async recordThrive(staff: StaffIdentity, idOrReference: string, input: ThriveInput, requestId?: string) {
    return this.change(staff, idOrReference, requestId, async (manager, report) => {
      if (report.claimedBy !== staff.subject) throw CaseworkException.claimRequired();
      const entry = (name: keyof ThriveInput) => ({ level: input[name].level, note: text(input[name].note, `${name} note`, 2000, { required: true })! });
      const thrive: ThriveAssessment = {
        threat: entry('threat'),
        harm: entry('harm'),
        risk: entry('risk'),
        investigation: entry('investigation'),
        vulnerability: entry('vulnerability'),
        engagement: entry('engagement'),
        recordedBy: staff.subject,
        recordedByName: staff.name,
        recordedAt: new Date().toISOString(),
      };
      await this.life.assessed(manager, report, staff, thrive, requestId);
      return true;
    });
  }

  async decide(staff: StaffIdentity, idOrReference: string, input: DecisionInput, requestId?: string) {
    const message = text(input.messageToReporter, 'messageToReporter', 5000, { required: true })!;
    const note = text(input.note, 'note', 2000, { required: false });
    const detail: Record<string, string> = {};
    if (input.decision === Decision.ALLOCATE) detail.unit = text(input.unit, 'unit', 100, { required: true })!;
    if (input.decision === Decision.REFER) detail.agency = text(input.agency, 'agency', 100, { required: true })!;
    if (input.decision === Decision.TRANSFER) detail.toForce = text(input.toForce, 'toForce', 40, { required: true })!;
    if (input.decision === Decision.CLOSE) {
      const reason = text(input.closeReason, 'closeReason', 40, { required: true })!;
      if (!(CLOSE_REASONS as readonly string[]).includes(reason)) throw CaseworkException.invalidDecision(`closeReason must be one of ${CLOSE_REASONS.join(', ')}`);
      detail.closeReason = reason;
    }
    return this.change(staff, idOrReference, requestId, async (manager, report) => {
      if (report.claimedBy !== staff.subject) throw CaseworkException.claimRequired();
      if (NEEDS_THRIVE.has(input.decision) && !report.thrive) throw CaseworkException.thriveRequired();
      if (input.decision === Decision.TRANSFER) {
        const from = (await this.intake.findForce(manager, { id: report.tenantId }))!;
        const to = await this.intake.findForce(manager, { slug: detail.toForce }, { activeOnly: true });
        if (!to || to.id === from.id) throw CaseworkException.invalidDecision(`toForce ${detail.toForce} is not another active force`);
        await this.life.transferredByStaff(manager, report, staff, { decision: input.decision, detail, note, message, from, to }, (force, clockFrom) => this.intake.routeOnly(manager, force, report, clockFrom), requestId);
        return true;
      }
      await this.life.decided(manager, report, staff, { decision: input.decision, status: STATUS_OF[input.decision], detail, note, message, urgent: input.decision === Decision.DISPATCH }, requestId);
      return true;
    });
  }

  /** Confirms or dismisses a possible-duplicate link. */
  async resolveDuplicate(staff: StaffIdentity, linkId: string, confirm: boolean, requestId?: string) {
    if (!UUID.test(linkId)) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const link = await lockDuplicateLink(manager, linkId);
      if (!link) throw AccessException.notFoundOrNoAccess();
      const status = confirm ? 'confirmed' : 'dismissed';
      await this.life.duplicateDecided(manager, { id: linkId, reportId: link.report_id, otherReportId: link.other_report_id }, staff.tenantId!, staff, status, requestId);
      const reference = (await referenceOf(manager, link.report_id))!;
      return this.detail(manager, staff, await this.findReport(manager, reference));
    });
  }

  /** The forces a report can be transferred to. */
  async transferDestinations(staff: StaffIdentity): Promise<{ slug: string; name: { en: string; cy?: string } }[]> {
    return this.transactions.run(this.forceOf(staff), (manager) => otherActiveForces(manager, staff.tenantId!));
  }

  /**
   * One change to one report: locked, changed through its life (which tells open pages); returns the
   * report as it now is (or null when it left the force, by transfer). `work` answers whether it changed
   * anything: a claim already held or a release of an unclaimed report is still told to open pages.
   */
  private async change(staff: StaffIdentity, idOrReference: string, requestId: string | undefined, work: (manager: EntityManager, report: Report) => Promise<boolean>) {
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const report = await this.findReport(manager, idOrReference, { lock: true });
      const changed = await work(manager, report);
      if (report.tenantId !== staff.tenantId) return null;
      if (!changed) await this.life.toldStaffPages(manager, report);
      return this.detail(manager, staff, await this.findReport(manager, report.id));
    });
  }
}
