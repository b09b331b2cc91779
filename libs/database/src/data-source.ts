import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PreparingClient } from './prepared-statements.js';
import { APP_ROLE, OWNER_ROLE } from './roles.js';

/** The application's connection pool, as the app role, preparing each statement once per connection. Never synchronizes: migrations own the schema. */
export function createAppDataSource(options: { url: string; entities: Function[]; poolSize: number; applicationName: string }): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize,
    extra: { application_name: options.applicationName, connectionTimeoutMillis: 10_000, Client: PreparingClient },
  });
}

/**
 * Refuses to serve through a role that would make row-level security moot: a superuser, a role with
 * BYPASSRLS, one that owns a table, or a member of the owner role. Checked at start-up, whatever URL
 * the role came from.
 */
export async function assertApplicationRole(dataSource: DataSource, source: string): Promise<void> {
  const [role] = await dataSource.query(`
    SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
      (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid AND relnamespace = 'public'::regnamespace) AS owned,
      EXISTS (SELECT 1 FROM pg_roles o WHERE o.rolname = '${OWNER_ROLE}' AND pg_has_role(r.oid, o.oid, 'MEMBER')) AS owner_member
    FROM pg_roles r WHERE r.rolname = current_user`);
  const problems = [
    role.superuser && 'is a superuser',
    role.bypass && 'has BYPASSRLS',
    role.owned > 0 && `owns ${role.owned} table(s)`,
    role.owner_member && `is a member of ${OWNER_ROLE}`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`The application's database role "${role.name}" (from ${source}) ${problems.join(', ')}: row-level security would not protect tenants. Connect as ${APP_ROLE}, a role that owns nothing and cannot bypass it.`);
  }
}

/** How busy the data source's connection pool is, for metrics: connections in use and idle, requests waiting for one, and the ceiling. */
export function poolStatistics(dataSource: DataSource): { inUse: number; idle: number; waiting: number; max: number } {
  const pool = appPool(dataSource);
  if (!pool) return { inUse: 0, idle: 0, waiting: 0, max: 0 };
  return { inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max };
}

/** node-postgres's Pool behind TypeORM's Postgres driver (`master`; no replicas are configured), once connected. */
export function appPool(dataSource: DataSource): (Pool & { options: { max: number } }) | undefined {
  return (dataSource.driver as unknown as { master?: Pool & { options: { max: number } } }).master;
}
