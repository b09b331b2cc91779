import path from 'node:path';
import { AUDIT_ENTITIES } from '@front-counter/audit';
import { createOwnerDataSource, runMigrations } from '@front-counter/database';
import { DELIVERIES_ENTITIES, syncDestinations } from '@front-counter/deliveries';
import { checkForceForms, FORMS_ENTITIES, FormDefinitionError, loadNationalServices, loadOverlays, syncForms } from '@front-counter/forms';
import { loadForceTriageFiles, syncTriage, TRIAGE_ENTITIES } from '@front-counter/triage';
import { allTenants, formatSyncReport, loadTenantDefinitions, registryMigrated, syncTenants, TENANCY_ENTITIES, type TenantDefinition, type TenantSyncReport } from '@front-counter/tenancy';
import { MIGRATIONS } from '../../../migrations/index.js';

export interface PreparedDatabase {
  definitions: TenantDefinition[];
  migrations: string[];
  report: TenantSyncReport;
  formChanges: string[];
  summary: string;
}

/**
 * What `npm start` and `npm run tenants:sync` both do first: every file under tenants/ (forces,
 * national services, overlays) is loaded and checked before anything changes; then migrations; then
 * one owner-role transaction applies forces, national service versions, new form versions, routing
 * rules, force areas and back-office destinations.
 */
export async function migrateAndSync(adminUrl: string, tenantsDirectory: string, options: { dryRun: boolean }): Promise<PreparedDatabase> {
  const definitions = loadTenantDefinitions(tenantsDirectory);
  const national = loadNationalServices(path.join(tenantsDirectory, '_national', 'services'));
  const overlayProblems: string[] = [];
  const nationalIds = national.map((service) => service.id);
  const forces = definitions.map((definition) => {
    const folder = path.join(tenantsDirectory, definition.slug);
    const { overlays, problems } = loadOverlays(folder);
    const triage = loadForceTriageFiles(folder, nationalIds);
    overlayProblems.push(...problems, ...triage.problems);
    return { slug: definition.slug, services: definition.services, overlays, sourceFile: definition.sourceFile, rules: triage.rules, area: triage.area };
  });
  if (overlayProblems.length > 0) throw new FormDefinitionError(overlayProblems);
  checkForceForms(national, forces);

  const migrations = options.dryRun ? [] : await runMigrations(adminUrl, MIGRATIONS);
  const owner = await createOwnerDataSource(adminUrl, [], [...TENANCY_ENTITIES, ...FORMS_ENTITIES, ...AUDIT_ENTITIES, ...TRIAGE_ENTITIES, ...DELIVERIES_ENTITIES]).initialize();
  try {
    return await owner.transaction(async (manager) => {
      // Several instances starting at once must not race each other.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('front-counter:tenant-sync'))`);
      const report = await syncTenants(manager, definitions, options);
      const ids = new Map((await registryMigrated(manager)) ? (await allTenants(manager)).map((tenant) => [tenant.slug, tenant.id]) : []);
      const withIds = forces.map((force) => ({ ...force, tenantId: ids.get(force.slug) ?? '' }));
      const destinations = definitions.map((definition) => ({ slug: definition.slug, tenantId: ids.get(definition.slug) ?? '', destinations: definition.destinations }));
      const formChanges = [...(await syncForms(manager, national, withIds, options)), ...(await syncTriage(manager, withIds, options)), ...(await syncDestinations(manager, destinations, options))];
      return { definitions, migrations, report, formChanges, summary: formatSyncReport(report, formChanges) };
    });
  } finally {
    await owner.destroy();
  }
}
