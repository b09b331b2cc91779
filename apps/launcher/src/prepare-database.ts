import { createOwnerDataSource, runMigrations } from '@front-counter/database';
import { formatSyncReport, loadTenantDefinitions, syncTenants, TENANCY_ENTITIES, type TenantDefinition, type TenantSyncReport } from '@front-counter/tenancy';
import { MIGRATIONS } from '../../../migrations/index.js';

/** Migrations, then tenants/ applied: what `npm start` and `npm run tenants:sync` both do first. */
export async function migrateAndSync(adminUrl: string, tenantsDirectory: string, options: { dryRun: boolean }): Promise<{ definitions: TenantDefinition[]; migrations: string[]; report: TenantSyncReport; summary: string }> {
  const definitions = loadTenantDefinitions(tenantsDirectory); // throws, naming file and field, before anything changes
  const migrations = options.dryRun ? [] : await runMigrations(adminUrl, MIGRATIONS);
  const owner = await createOwnerDataSource(adminUrl, [], TENANCY_ENTITIES).initialize();
  try {
    const report = await syncTenants(owner, definitions, options);
    return { definitions, migrations, report, summary: formatSyncReport(report) };
  } finally {
    await owner.destroy();
  }
}
