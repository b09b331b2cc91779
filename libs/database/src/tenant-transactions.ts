import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses a missing or malformed tenant id before any statement runs (typeorm #2500: `where: { id: undefined }`). */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
    throw new TypeError(`A tenant-scoped unit of work needs a tenant id (got ${tenantId === undefined ? 'undefined' : JSON.stringify(tenantId)})`);
  }
}

/**
 * Runs a unit of work in one transaction with `app.tenant_id` set for that transaction only
 * (`set_config(..., true)`), so row-level security confines every statement to that tenant and the
 * setting cannot leak to the next user of the pooled connection, even when the work fails.
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    return await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await work(manager);
    });
  }
}
