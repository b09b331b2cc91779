import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { enqueue } from '@front-counter/outbox';
import { containsPoint, routeReport, RoutingRuleSet, TenantArea, type ForceArea, type RoutingOutcome } from '@front-counter/triage';
import { notifyReportChange, recordReportEvent } from './report-event.entity.js';
import { Report, type GeoPoint } from './report.entity.js';

interface ForceRef {
  id: string;
  slug: string;
  name: { en: string; cy?: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number };
}

interface KnownArea {
  tenantId: string;
  slug: string;
  boundary: ForceArea;
  bbox: number[];
}

/** How far apart two reports of one service may be, in place and time, to be flagged as possibly the same incident. */
export const DUPLICATE_DISTANCE_METRES = 250;
export const DUPLICATE_WINDOW_HOURS = 48;

/**
 * Places a new report inside the submitting transaction: the force's current routing rules decide its
 * queue, priority, tags and SLA deadlines, or its transfer to the force whose area holds its location
 * (which then routes it by its own rules); possible duplicates are linked; open staff pages are told.
 */
@Injectable()
export class ReportIntake {
  private areas: { loadedAt: number; list: KnownArea[] } | null = null;

  constructor(
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every active force's area (public registry), cached briefly: areas change only with tenant sync. */
  private async knownAreas(manager: EntityManager): Promise<KnownArea[]> {
    const maxAge = Math.max(this.config.web.tenantCacheSeconds, 1) * 1000;
    if (this.areas && Date.now() - this.areas.loadedAt < maxAge) return this.areas.list;
    const rows: { tenant_id: string; slug: string; boundary: ForceArea; bbox: number[] }[] = await manager.query(
      `SELECT a.tenant_id, t.slug, a.boundary, a.bbox FROM tenant_areas a JOIN tenants t ON t.id = a.tenant_id WHERE t.status = 'active' ORDER BY t.slug`,
    );
    this.areas = { loadedAt: Date.now(), list: rows.map((row) => ({ tenantId: row.tenant_id, slug: row.slug, boundary: row.boundary, bbox: row.bbox.map(Number) })) };
    return this.areas.list;
  }

  /** A force from the public registry, by id or by slug; `activeOnly` for a force that may receive reports. */
  async findForce(manager: EntityManager, by: { id: string } | { slug: string }, options: { activeOnly?: boolean } = {}): Promise<ForceRef | null> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['slug', by.slug];
    const [row] = await manager.query(`SELECT id, slug, name, promises FROM tenants WHERE ${column} = $1${options.activeOnly ? ` AND status = 'active'` : ''}`, [value]);
    return row ?? null;
  }

  private async force(manager: EntityManager, tenantId: string): Promise<ForceRef> {
    const row = await this.findForce(manager, { id: tenantId });
    if (!row) throw new Error(`No force ${tenantId}`);
    return row;
  }

  /** Whether a place lies in the force's own area, and if not, which active force's area holds it (routing rules' insideArea and transfers). */
  async areaFacts(manager: EntityManager, tenantId: string, location: GeoPoint | null | undefined): Promise<{ insideArea: boolean | null; areaForce: string | null }> {
    if (!location) return { insideArea: null, areaForce: null };
    const areas = await this.knownAreas(manager);
    const own = areas.find((area) => area.tenantId === tenantId);
    const insideArea = own ? containsPoint(own.boundary, own.bbox, location) : null;
    const areaForce = insideArea === false ? (areas.find((area) => area.tenantId !== tenantId && containsPoint(area.boundary, area.bbox, location))?.slug ?? null) : null;
    return { insideArea, areaForce };
  }

  private async route(manager: EntityManager, force: ForceRef, report: Report, options: { allowTransfer: boolean; clockFrom: Date }): Promise<{ outcome: RoutingOutcome; ruleSetId: string | null }> {
    const ruleSet = await manager.findOne(RoutingRuleSet, { where: { tenantId: force.id }, order: { version: 'DESC' } });
    const { insideArea, areaForce } = await this.areaFacts(manager, force.id, report.location);
    const outcome = routeReport(
      ruleSet?.rules.rules ?? [],
      { serviceId: report.serviceId, answers: report.answers, flags: report.flags, submittedAt: report.submittedAt, insideArea, areaForce },
      force.promises,
      options,
    );
    return { outcome, ruleSetId: ruleSet?.id ?? null };
  }

  private async applyRoute(manager: EntityManager, force: ForceRef, report: Report, routed: { outcome: RoutingOutcome; ruleSetId: string | null }): Promise<void> {
    const { outcome } = routed;
    if (outcome.kind !== 'route') throw new Error('applyRoute needs a routing outcome');
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
    await manager.update(Report, { id: report.id }, fields);
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
  }

  /**
   * Routes a report just inserted (in `tenantId`'s transaction). Returns the force it was transferred
   * to, if the rules sent it on; the transaction's tenant is the submitting force again on return.
   */
  async place(manager: EntityManager, tenantId: string, report: Report, requestId?: string): Promise<{ transferredTo: ForceRef | null }> {
    const force = await this.force(manager, tenantId);
    const routed = await this.route(manager, force, report, { allowTransfer: true, clockFrom: report.submittedAt });
    if (routed.outcome.kind === 'route') {
      await this.applyRoute(manager, force, report, routed);
      return { transferredTo: null };
    }
    const destination = await this.findForce(manager, { slug: routed.outcome.to }, { activeOnly: true });
    if (!destination) throw new Error(`Routing chose ${routed.outcome.to}, which is not an active force`);
    await this.transfer(manager, force, destination, report, { actorType: 'system', actorId: null, actorName: null, rule: routed.outcome.rule, reason: `routing rule "${routed.outcome.rule}": the location is in ${destination.slug}'s area`, requestId, clockFrom: report.submittedAt });
    return { transferredTo: destination };
  }

  /**
   * Moves a report of `from` (the transaction's current force) to `to`: both timelines and both audit
   * trails say so; the receiving force routes it by its own rules (never sending it on again), and its
   * deadlines run from `clockFrom`. The transaction's tenant is `from` again on return.
   */
  async transfer(
    manager: EntityManager,
    from: ForceRef,
    to: ForceRef,
    report: Report,
    by: { actorType: 'system' | 'staff'; actorId: string | null; actorName: string | null; rule?: string; reason: string; requestId?: string; clockFrom: Date; message?: string },
  ): Promise<void> {
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
    await manager.query(`SELECT transfer_report($1, $2)`, [report.id, to.id]);
    await notifyReportChange(manager, { tenantId: from.id, reportId: report.id, kind: 'transferred-out' });

    await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [to.id]);
    try {
      report.tenantId = to.id;
      await this.audit.record(manager, { tenantId: to.id, actorType: by.actorType, actorId: by.actorId ?? undefined, action: 'report.transferred-in', subjectType: 'report', subjectId: report.id, reason: by.reason, details: { ...details, reference: report.reference }, requestId: by.requestId });
      await recordReportEvent(manager, { tenantId: to.id, reportId: report.id, kind: 'received', actorType: 'system', details });
      const routed = await this.route(manager, to, report, { allowTransfer: false, clockFrom: by.clockFrom });
      await this.applyRoute(manager, to, report, routed);
      if (report.reporterEmail) await enqueue(manager, to.id, 'email.report-transferred', { reportId: report.id, fromForce: from.name });
    } finally {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [from.id]);
    }
  }

  /**
   * Links earlier reports of the same force that may be the same matter: one naming the same vehicle
   * registration (last 90 days), or of the same service within DUPLICATE_DISTANCE_METRES and
   * DUPLICATE_WINDOW_HOURS. A handler confirms or dismisses each link.
   */
  private async linkPossibleDuplicates(manager: EntityManager, tenantId: string, report: Report): Promise<void> {
    const candidates: { id: string; reason: string }[] = [];
    if (report.vehicleRegistrations.length > 0) {
      const rows: { id: string; shared: string[] }[] = await manager.query(
        `SELECT id, ARRAY(SELECT unnest(vehicle_registrations) INTERSECT SELECT unnest($2::text[])) AS shared
           FROM reports WHERE vehicle_registrations && $2::text[] AND id <> $1 AND submitted_at > now() - interval '90 days'
           ORDER BY submitted_at DESC LIMIT 20`,
        [report.id, report.vehicleRegistrations],
      );
      candidates.push(...rows.map((row) => ({ id: row.id, reason: `same vehicle registration ${row.shared.join(', ')}` })));
    }
    if (report.location) {
      const rows: { id: string; metres: number }[] = await manager.query(
        `SELECT id, round(metres)::int AS metres FROM (
           SELECT id, 6371000 * 2 * asin(sqrt(
               power(sin(radians(((location->>'latitude')::float8 - $3) / 2)), 2)
             + cos(radians($3)) * cos(radians((location->>'latitude')::float8))
               * power(sin(radians(((location->>'longitude')::float8 - $4) / 2)), 2))) AS metres
           FROM reports
           WHERE service_id = $2 AND id <> $1 AND location IS NOT NULL
             AND submitted_at BETWEEN $5::timestamptz - make_interval(hours => $6) AND $5::timestamptz + make_interval(hours => $6)
         ) nearby WHERE metres <= $7 ORDER BY metres LIMIT 20`,
        [report.id, report.serviceId, report.location.latitude, report.location.longitude, report.submittedAt, DUPLICATE_WINDOW_HOURS, DUPLICATE_DISTANCE_METRES],
      );
      for (const row of rows) if (!candidates.some((candidate) => candidate.id === row.id)) candidates.push({ id: row.id, reason: `same service within ${row.metres} m and ${DUPLICATE_WINDOW_HOURS} hours` });
    }
    for (const candidate of candidates) {
      await manager.query(`INSERT INTO report_duplicates (tenant_id, report_id, other_report_id, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [tenantId, report.id, candidate.id, candidate.reason]);
      await recordReportEvent(manager, { tenantId, reportId: report.id, kind: 'possible-duplicate', actorType: 'system', details: { otherReportId: candidate.id, reason: candidate.reason } });
    }
  }
}

export type { ForceRef, GeoPoint };
