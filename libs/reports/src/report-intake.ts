import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { activeForceAreas, findForce, RegistryChanges } from '@front-counter/tenancy';
import { containsPoint, currentRuleSet, routeReport, type ForceArea } from '@front-counter/triage';
import { ReportLife, type ForceRef, type Routed, type TransferBy } from './report-life.js';
import type { GeoPoint, Report } from './report.entity.js';

interface KnownArea {
  tenantId: string;
  slug: string;
  boundary: ForceArea;
  bbox: number[];
}

/**
 * Places a new report inside the submitting transaction: the force's current routing rules decide its
 * queue, priority, tags and SLA deadlines, or its transfer to the force whose area holds its location
 * (which then routes it by its own rules); possible duplicates are linked; open staff pages are told.
 */
@Injectable()
export class ReportIntake {
  /** Every active force's area, under one key: kept for TENANT_CACHE_SECONDS (at least a second). */
  private readonly areas: TimedCache<'active', KnownArea[]>;

  constructor(
    private readonly life: ReportLife,
    @Inject(APP_CONFIG) config: AppConfig,
    changes: RegistryChanges,
  ) {
    this.areas = new TimedCache({ ttlMs: Math.max(config.web.tenantCacheSeconds, 1) * 1000, maxEntries: 1 });
    // A force suspended or reinstated on any instance: its area stops or starts counting at once.
    changes.subscribe((change) => {
      if (change.table === 'tenants') this.areas.clear();
    });
  }

  /**
   * Every active force's area (public registry), cached briefly: areas change only with tenant sync.
   * Read in the caller's transaction when not cached, so it is not a promise other callers share.
   */
  private async knownAreas(manager: EntityManager): Promise<KnownArea[]> {
    const cached = this.areas.get('active');
    if (cached) return cached;
    const rows = await activeForceAreas<ForceArea>(manager);
    const list = rows.map((row) => ({ tenantId: row.tenant_id, slug: row.slug, boundary: row.boundary, bbox: row.bbox.map(Number) }));
    this.areas.set('active', list);
    return list;
  }

  /** A force from the public registry, by id or by slug; `activeOnly` for a force that may receive reports. */
  async findForce(manager: EntityManager, by: { id: string } | { slug: string }, options: { activeOnly?: boolean } = {}): Promise<ForceRef | null> {
    return findForce(manager, by, options);
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

  private async route(manager: EntityManager, force: ForceRef, report: Report, options: { allowTransfer: boolean; clockFrom: Date }): Promise<Routed> {
    const ruleSet = await currentRuleSet(manager, force.id);
    const { insideArea, areaForce } = await this.areaFacts(manager, force.id, report.location);
    const outcome = routeReport(
      ruleSet?.rules.rules ?? [],
      { serviceId: report.serviceId, answers: report.answers, flags: report.flags, submittedAt: report.submittedAt, insideArea, areaForce },
      force.promises,
      options,
    );
    return { outcome, ruleSetId: ruleSet?.id ?? null };
  }

  /**
   * Routes a report just inserted (in `tenantId`'s transaction). Returns the force it was transferred
   * to, if the rules sent it on; the transaction's tenant is the submitting force again on return.
   */
  async place(manager: EntityManager, tenantId: string, report: Report, requestId?: string): Promise<{ transferredTo: ForceRef | null }> {
    const force = await this.force(manager, tenantId);
    const routed = await this.route(manager, force, report, { allowTransfer: true, clockFrom: report.submittedAt });
    if (routed.outcome.kind === 'route') {
      await this.life.routed(manager, force, report, routed);
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
  transfer(manager: EntityManager, from: ForceRef, to: ForceRef, report: Report, by: TransferBy): Promise<void> {
    return this.life.transferred(manager, from, to, report, by, (force, clockFrom) => this.routeOnly(manager, force, report, clockFrom));
  }

  /** Routes a report at a force that received it: by that force's own rules, never sending it on again. */
  routeOnly(manager: EntityManager, force: ForceRef, report: Report, clockFrom: Date): Promise<Routed> {
    return this.route(manager, force, report, { allowTransfer: false, clockFrom });
  }
}

export type { ForceRef, GeoPoint };
