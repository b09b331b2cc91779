import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { FormCatalogue, type FormAnswers } from '@front-counter/forms';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { enqueue } from '@front-counter/outbox';
import { notifyReportChange, parseReference, recordReportEvent, Report, ReportIntake, type ReportStatus, type ThriveAssessment } from '@front-counter/reports';
import { CaseworkException } from './casework.exception.js';
import { CLOSE_REASONS, Decision, type DecisionInput, type QueueArgs, type ThriveInput } from './casework.models.js';

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

/** One audit event about a report, as its supervisors see it. */
export interface AuditEntry {
  id: string;
  occurredAt: Date;
  actorType: 'public' | 'staff' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
}

interface QueueRow {
  id: string;
  reference: string;
  service_id: string;
  service_title: { en: string; cy?: string };
  queue: string;
  priority: number;
  status: ReportStatus;
  tags: string[];
  flags: string[];
  submitted_at: Date;
  triage_by: Date;
  reply_by: Date;
  triaged_at: Date | null;
  first_reply_at: Date | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
  transferred_from: string | null;
  duplicates: number;
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

const QUEUE_COLUMNS = `
  r.id, r.reference, r.service_id, f.form->'title' AS service_title, r.queue, r.priority, r.status, r.tags, r.flags,
  r.submitted_at, r.triage_by, r.reply_by, r.triaged_at, r.first_reply_at, r.claimed_by, r.claimed_by_name,
  source.slug AS transferred_from,
  (SELECT count(*)::int FROM report_duplicates d WHERE d.report_id = r.id AND d.status = 'possible') AS duplicates`;
const QUEUE_FROM = `reports r JOIN form_versions f ON f.id = r.form_version_id LEFT JOIN tenants source ON source.id = r.transferred_from`;

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
  [Decision.ALLOCATE]: 'allocated',
  [Decision.DISPATCH]: 'dispatched',
  [Decision.REFER]: 'referred',
  [Decision.REQUEST_INFORMATION]: 'awaiting-reporter',
  [Decision.CLOSE]: 'closed',
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
    const report = await manager.findOne(Report, { where, ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!report) throw AccessException.notFoundOrNoAccess();
    return report;
  }

  async queue(staff: StaffIdentity, args: QueueArgs): Promise<{ items: ReturnType<typeof queueItem>[]; total: number }> {
    const tenantId = this.forceOf(staff);
    const first = Math.min(Math.max(args.first ?? 50, 1), 200);
    const offset = Math.min(Math.max(args.offset ?? 0, 0), 100_000);
    const statuses = args.statuses?.length ? args.statuses : ['awaiting-triage'];
    return this.transactions.run(tenantId, async (manager) => {
      const filters = `r.status = ANY ($1) AND ($2::text IS NULL OR r.queue = $2) AND ($3::text IS NULL OR r.service_id = $3) AND ($4::text IS NULL OR $4 = ANY (r.tags))`;
      const parameters = [statuses, args.queue ?? null, args.serviceId ?? null, args.tag ?? null];
      const rows: QueueRow[] = await manager.query(
        `SELECT ${QUEUE_COLUMNS} FROM ${QUEUE_FROM} WHERE ${filters} ORDER BY r.priority, r.triage_by, r.submitted_at, r.id LIMIT $5 OFFSET $6`,
        [...parameters, first, offset],
      );
      const [{ total }] = await manager.query(`SELECT count(*)::int AS total FROM reports r WHERE ${filters}`, parameters);
      const now = new Date();
      return { items: rows.map((row) => queueItem(row, staff, now)), total };
    });
  }

  /** Reports awaiting triage per queue, and how many of them are past their triage deadline. */
  async queueCounts(staff: StaffIdentity): Promise<{ queue: string; awaitingTriage: number; triageBreached: number }[]> {
    return this.transactions.run(this.forceOf(staff), (manager) =>
      manager.query(
        `SELECT queue, count(*)::int AS "awaitingTriage", count(*) FILTER (WHERE triage_by < now())::int AS "triageBreached"
           FROM reports WHERE status = 'awaiting-triage' GROUP BY queue ORDER BY queue`,
      ),
    );
  }

  /** Supervisors: open reports past a deadline, or within `withinMinutes` of one, most overdue first. */
  async breaches(staff: StaffIdentity, withinMinutes: number) {
    if (!isAllowed(staff, Permission.Supervise)) throw AccessException.notFoundOrNoAccess();
    const minutes = Math.min(Math.max(withinMinutes, 0), 24 * 60);
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const rows: QueueRow[] = await manager.query(
        `SELECT ${QUEUE_COLUMNS} FROM ${QUEUE_FROM}
          WHERE r.status <> 'closed' AND ((r.triaged_at IS NULL AND r.triage_by < now() + make_interval(mins => $1))
             OR (r.first_reply_at IS NULL AND r.reply_by < now() + make_interval(mins => $1)))
          ORDER BY least(CASE WHEN r.triaged_at IS NULL THEN r.triage_by END, CASE WHEN r.first_reply_at IS NULL THEN r.reply_by END), r.priority
          LIMIT 200`,
        [minutes],
      );
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
    const [row]: QueueRow[] = await manager.query(`SELECT ${QUEUE_COLUMNS} FROM ${QUEUE_FROM} WHERE r.id = $1`, [report.id]);
    const version = await this.catalogue.published(staff.tenantId!, report.formVersionId);
    const timeline = await manager.query(
      `SELECT id::text, occurred_at AS "occurredAt", kind, actor_type AS "actorType", actor_name AS "actorName", message, details FROM report_events e WHERE report_id = $1 ORDER BY e.id`,
      [report.id],
    );
    const duplicates = await manager.query(
      `SELECT d.id, d.other_report_id AS "otherReportId", o.reference AS "otherReference", d.reason, d.status
         FROM report_duplicates d JOIN reports o ON o.id = d.other_report_id WHERE d.report_id = $1 ORDER BY d.created_at`,
      [report.id],
    );
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
      const entries: AuditEntry[] = await manager.query(
        `SELECT id::text, occurred_at AS "occurredAt", actor_type AS "actorType", actor_id AS "actorId", details->>'actorName' AS "actorName",
                action, reason, details - 'actorName' AS details
           FROM audit_events a WHERE tenant_id = $1 AND subject_type = 'report' AND subject_id = $2 ORDER BY a.id`,
        [report.tenantId, report.id],
      );
      await this.auditStaff(manager, staff, 'report.audit-trail-read', report.id, {}, undefined, requestId);
      return entries;
    });
  }

  /** Takes a report to work on; a supervisor may take over another handler's claim. */
  async claim(staff: StaffIdentity, idOrReference: string, takeOver = false, requestId?: string) {
    return this.change(staff, idOrReference, requestId, async (manager, report) => {
      if (report.claimedBy === staff.subject) return;
      if (report.claimedBy && !(takeOver && isAllowed(staff, Permission.Supervise))) throw CaseworkException.claimedByOther(report.claimedByName);
      await manager.update(Report, { id: report.id }, { claimedBy: staff.subject, claimedByName: staff.name, claimedAt: new Date(), updatedAt: new Date() });
      const details = report.claimedBy ? { tookOverFrom: report.claimedByName } : {};
      await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'claimed', actorType: 'staff', actorId: staff.subject, actorName: staff.name, details });
      await this.auditStaff(manager, staff, 'report.claimed', report.id, details, undefined, requestId);
    });
  }

  /** Gives a report back to the queue: its claimant, or a supervisor. */
  async release(staff: StaffIdentity, idOrReference: string, requestId?: string) {
    return this.change(staff, idOrReference, requestId, async (manager, report) => {
      if (!report.claimedBy) return;
      if (report.claimedBy !== staff.subject && !isAllowed(staff, Permission.Supervise)) throw CaseworkException.claimedByOther(report.claimedByName);
      await manager.update(Report, { id: report.id }, { claimedBy: null, claimedByName: null, claimedAt: null, updatedAt: new Date() });
      await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'released', actorType: 'staff', actorId: staff.subject, actorName: staff.name, details: { claimant: report.claimedByName } });
      await this.auditStaff(manager, staff, 'report.released', report.id, { claimant: report.claimedByName }, undefined, requestId);
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
      await manager.update(Report, { id: report.id }, { thrive, updatedAt: new Date() });
      const levels = Object.fromEntries((['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'] as const).map((name) => [name, thrive[name].level]));
      await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'thrive-recorded', actorType: 'staff', actorId: staff.subject, actorName: staff.name, details: levels });
      await this.auditStaff(manager, staff, 'report.thrive-recorded', report.id, { previous: report.thrive ? 'replaced' : 'none', levels }, undefined, requestId);
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
      const now = new Date();
      const outcome = { decision: input.decision, detail, decidedBy: staff.subject, decidedByName: staff.name, decidedAt: now.toISOString() };
      const clock = { triagedAt: report.triagedAt ?? now, firstReplyAt: report.firstReplyAt ?? now };
      await this.auditStaff(manager, staff, 'report.decided', report.id, { decision: input.decision, ...detail, ...(note ? { note } : {}) }, undefined, requestId);
      if (input.decision === Decision.TRANSFER) {
        const from = (await this.intake.findForce(manager, { id: report.tenantId }))!;
        const to = await this.intake.findForce(manager, { slug: detail.toForce }, { activeOnly: true });
        if (!to || to.id === from.id) throw CaseworkException.invalidDecision(`toForce ${detail.toForce} is not another active force`);
        await manager.update(Report, { id: report.id }, { outcome, ...clock, updatedAt: now });
        await this.intake.transfer(manager, from, to, report, { actorType: 'staff', actorId: staff.subject, actorName: staff.name, reason: note ?? `transferred by ${staff.name ?? 'a call handler'}`, requestId, clockFrom: now, message });
        return;
      }
      const status = STATUS_OF[input.decision];
      await manager.update(Report, { id: report.id }, {
        status,
        outcome,
        ...clock,
        ...(input.decision === Decision.DISPATCH ? { priority: 1 } : {}),
        claimedBy: null,
        claimedByName: null,
        claimedAt: null,
        updatedAt: now,
      });
      const eventId = await recordReportEvent(manager, { tenantId: report.tenantId, reportId: report.id, kind: `decision:${input.decision}`, actorType: 'staff', actorId: staff.subject, actorName: staff.name, message, details: { ...detail, status } });
      if (report.reporterEmail) await enqueue(manager, report.tenantId, 'email.report-message', { reportId: report.id, eventId });
    });
  }

  /** Confirms or dismisses a possible-duplicate link. */
  async resolveDuplicate(staff: StaffIdentity, linkId: string, confirm: boolean, requestId?: string) {
    if (!UUID.test(linkId)) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const [link] = await manager.query(`SELECT id, report_id, other_report_id, status FROM report_duplicates WHERE id = $1 FOR UPDATE`, [linkId]);
      if (!link) throw AccessException.notFoundOrNoAccess();
      const status = confirm ? 'confirmed' : 'dismissed';
      await manager.query(`UPDATE report_duplicates SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, [linkId, status, staff.subject]);
      await recordReportEvent(manager, { tenantId: staff.tenantId!, reportId: link.report_id, kind: `duplicate-${status}`, actorType: 'staff', actorId: staff.subject, actorName: staff.name, details: { otherReportId: link.other_report_id } });
      await this.auditStaff(manager, staff, `report.duplicate-${status}`, link.report_id, { otherReportId: link.other_report_id }, undefined, requestId);
      await notifyReportChange(manager, { tenantId: staff.tenantId!, reportId: link.report_id, kind: `duplicate-${status}` });
      const [report] = await manager.query(`SELECT reference FROM reports WHERE id = $1`, [link.report_id]);
      return this.detail(manager, staff, await this.findReport(manager, report.reference));
    });
  }

  /** The forces a report can be transferred to. */
  async transferDestinations(staff: StaffIdentity): Promise<{ slug: string; name: { en: string; cy?: string } }[]> {
    return this.transactions.run(this.forceOf(staff), (manager) => manager.query(`SELECT slug, name FROM tenants WHERE status = 'active' AND id <> $1 ORDER BY slug`, [staff.tenantId]));
  }

  /**
   * One change to one report: locked, changed, told to open pages; returns the report as it now is
   * (or null when it left the force, by transfer).
   */
  private async change(staff: StaffIdentity, idOrReference: string, requestId: string | undefined, work: (manager: EntityManager, report: Report) => Promise<void>) {
    return this.transactions.run(this.forceOf(staff), async (manager) => {
      const report = await this.findReport(manager, idOrReference, { lock: true });
      await work(manager, report);
      if (report.tenantId !== staff.tenantId) return null;
      await notifyReportChange(manager, { tenantId: report.tenantId, reportId: report.id, kind: 'changed' });
      return this.detail(manager, staff, await this.findReport(manager, report.id));
    });
  }
}
