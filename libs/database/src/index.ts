// Database: connections, roles, migrations and tenant-scoped transactions. Every statement on tenant
// data runs inside `TenantTransactions.run`, which sets `app.tenant_id` for that transaction only.
export { APP_ROLE, OWNER_ROLE, EMBEDDED_DATABASE_NAME } from './roles.js';
export { provisionDatabase, appUrlFor, databaseNameOf, withDatabase, type DatabaseUrls } from './provision.js';
export { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
export { runMigrations, revertLastMigration, createOwnerDataSource } from './migrate.js';
export { PreparingClient } from './prepared-statements.js';
export { createAppDataSource, assertApplicationRole, poolStatistics } from './data-source.js';
export { TenantTransactions, assertTenantId } from './tenant-transactions.js';
export { DatabaseModule, DATABASE_URLS } from './database.module.js';
export { resolveDatabase } from './resolve-database.js';
