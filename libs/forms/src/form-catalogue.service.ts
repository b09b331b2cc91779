import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@front-counter/database';
import type { FormVersion } from './form-version.entity.js';
import { currentVersionIds, formVersionById } from './form-versions.repository.js';

const CACHE_LIMIT = 2000;

/**
 * A force's published forms. A version is immutable, so once read it is cached for the life of the
 * process; "which version is current" is a small indexed lookup each time, so a new version is used
 * by the next journey that starts, on every instance, without a restart.
 */
@Injectable()
export class FormCatalogue {
  private readonly versions = new Map<string, FormVersion>();

  constructor(private readonly transactions: TenantTransactions) {}

  /** The current version of each service, in the order given (a force's enabled services). */
  async currentVersions(tenantId: string, serviceIds: string[]): Promise<FormVersion[]> {
    if (serviceIds.length === 0) return [];
    const rows = await this.transactions.run(tenantId, (manager) => currentVersionIds(manager, tenantId, serviceIds));
    const byService = new Map(rows.map((row) => [row.service_id, row.id]));
    const versions = await Promise.all(serviceIds.filter((id) => byService.has(id)).map((id) => this.byId(tenantId, byService.get(id)!)));
    return versions.filter((version): version is FormVersion => version !== null);
  }

  async current(tenantId: string, serviceId: string): Promise<FormVersion | null> {
    return (await this.currentVersions(tenantId, [serviceId]))[0] ?? null;
  }

  /** One version by id, of this force only (published forms are readable by every force, so the filter is here). */
  async byId(tenantId: string, id: string): Promise<FormVersion | null> {
    const version = await this.published(tenantId, id);
    return version?.tenantId === tenantId ? version : null;
  }

  /**
   * Any force's published version by id: a report transferred from another force keeps the questions
   * it was made with. Published forms are public, so this reveals nothing private.
   */
  async published(tenantId: string, id: string): Promise<FormVersion | null> {
    const cached = this.versions.get(id);
    if (cached) return cached;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const version = await this.transactions.run(tenantId, (manager) => formVersionById(manager, id));
    if (version) {
      if (this.versions.size >= CACHE_LIMIT) this.versions.delete(this.versions.keys().next().value!);
      this.versions.set(id, version);
    }
    return version;
  }
}
