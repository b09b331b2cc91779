import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { reportsInLast30Days } from '@front-counter/reports';
import { setForceStatus, tenantBySlug, tenantsWithDomainsBySlug, type Tenant } from '@front-counter/tenancy';

export interface ForceStatus {
  slug: string;
  status: 'active' | 'suspended';
  statusReason: string | null;
  statusChangedAt: Date | null;
}

/**
 * The national programme team's hold over forces: suspending one (its site shows a notice and takes
 * no new reports; staff go on working its reports; nothing is deleted) and reinstating it. Each
 * change is an audit event of that force, and reaches every instance through the registry's
 * notifications.
 */
@Injectable()
export class NationalForcesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditService,
  ) {}

  /** Every force with its status, domains and reports in the last 30 days (counted across forces: an aggregate, no report is read). */
  async list(staff: StaffIdentity): Promise<{ slug: string; name: Tenant['name']; status: string; domains: string[]; services: string[]; reportsLast30Days: number; createdAt: Date }[]> {
    if (!isAllowed(staff, Permission.AdministerNational)) throw AccessException.notFoundOrNoAccess();
    const forces = await tenantsWithDomainsBySlug(this.dataSource);
    const counts = new Map<string, number>();
    for (const force of forces) {
      counts.set(force.id, await this.transactions.run(force.id, (manager) => reportsInLast30Days(manager)));
    }
    return forces.map((force) => ({
      slug: force.slug,
      name: force.name,
      status: force.status,
      domains: [...(force.domains ?? [])].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary)).map((domain) => domain.hostname),
      services: force.services,
      reportsLast30Days: counts.get(force.id) ?? 0,
      createdAt: force.createdAt,
    }));
  }

  async setStatus(staff: StaffIdentity, slug: string, status: 'active' | 'suspended', reason: string | null, requestId?: string): Promise<ForceStatus> {
    if (!isAllowed(staff, Permission.AdministerNational)) throw AccessException.notFoundOrNoAccess();
    const force = /^[a-z][a-z0-9-]{1,39}$/.test(slug) ? await tenantBySlug(this.dataSource, slug) : null;
    if (!force) throw AccessException.notFoundOrNoAccess();
    await this.transactions.run(force.id, async (manager) => {
      await setForceStatus(manager, slug, status, reason);
      await this.audit.record(manager, {
        tenantId: force.id,
        actorType: 'staff',
        actorId: staff.subject,
        action: status === 'suspended' ? 'force.suspended' : 'force.reinstated',
        subjectType: 'force',
        subjectId: force.id,
        reason: reason ?? undefined,
        details: { actorName: staff.name, previous: force.status },
        requestId,
      });
    });
    const updated = (await tenantBySlug(this.dataSource, slug))!;
    return { slug, status: updated.status as ForceStatus['status'], statusReason: updated.statusReason, statusChangedAt: updated.statusChangedAt };
  }
}
