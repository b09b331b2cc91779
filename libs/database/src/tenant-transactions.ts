import { Injectable } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { appPool } from './data-source.js';

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
 *
 * Opening the transaction and setting the force go to PostgreSQL as one simple query (one round trip
 * instead of two on every unit of work): the id, checked as a UUID above, is written into it as a
 * literal, since a simple query takes no parameters. TypeORM still opens, commits and rolls back the
 * transaction itself, so its own bookkeeping (nested savepoints, `save` inside the transaction) holds.
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    const runner = this.dataSource.createQueryRunner();
    try {
      let forceSet = false;
      const query = runner.query;
      runner.query = ((sql: string, ...rest: never[]) => {
        if (sql !== 'START TRANSACTION') return query.call(runner, sql, ...rest);
        forceSet = true;
        return query.call(runner, `START TRANSACTION; SELECT set_config('app.tenant_id', '${tenantId}', true)`);
      }) as QueryRunner['query'];
      try {
        await runner.startTransaction();
      } finally {
        runner.query = query;
      }
      // Were TypeORM ever to open transactions with other words, the force is set on its own.
      if (!forceSet) await runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Rows of a set-returning function that sets the force itself, called as one statement outside any
   * transaction (one round trip): `forceFunction(tenantId, ...args)` must begin with
   * `set_config('app.tenant_id', <its first argument>, true)`, as `live_draft_of_force` does.
   */
  async rowsOf<T>(forceFunction: string, tenantId: string, args: unknown[]): Promise<T[]> {
    assertTenantId(tenantId);
    if (!/^[a-z_][a-z0-9_]*$/.test(forceFunction)) throw new TypeError(`Not a function name: ${JSON.stringify(forceFunction)}`);
    const placeholders = args.map((_, index) => `$${index + 2}`).join(', ');
    // Straight to the pool TypeORM made: no query runner, logger or event broadcast for one statement
    // whose rows are used as they come.
    const { rows } = await this.pool().query<T & QueryResultRow>(`SELECT * FROM ${forceFunction}($1${placeholders ? `, ${placeholders}` : ''})`, [tenantId, ...args]);
    return rows;
  }

  private pool(): Pool {
    const pool = appPool(this.dataSource);
    if (!pool) throw new Error('TenantTransactions needs the PostgreSQL driver, connected');
    return pool;
  }

  /** An entity made from a row with the table's own column names (as `rowsOf` returns them). */
  entityFromRow<T extends object>(entity: new () => T, row: Record<string, unknown>): T {
    const made = new entity();
    for (const column of this.dataSource.getMetadata(entity).columns) (made as Record<string, unknown>)[column.propertyName] = row[column.databaseName];
    return made;
  }
}
