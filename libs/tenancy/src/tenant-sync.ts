import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { leafDifferences } from '@front-counter/data-files';
import type { TenantDomain } from './tenant-domain.entity.js';
import type { Tenant } from './tenant.entity.js';
import type { TenantDefinition } from './tenant-files.js';
import { allTenantsWithDomains, createTenant, registryMigrated, replaceDomains, updateTenant } from './tenants.repository.js';

export interface TenantChange {
  slug: string;
  changes: string[];
}

export interface TenantSyncReport {
  dryRun: boolean;
  created: TenantChange[];
  updated: TenantChange[];
  unchanged: string[];
  /** In the database but no longer in tenants/: left as they are; sync never deletes a force. */
  notInFiles: string[];
}

/**
 * `notifications` is undefined, not null, when the file has none: JSON leaves it out, so the file hash
 * of a force without the block is what it was before the block existed, and sync does not take an
 * unchanged file for a changed one (which would undo what administrators changed in the product).
 */
type SyncedFields = Pick<Tenant, 'name' | 'languages' | 'website' | 'branding' | 'contact' | 'promises' | 'identity' | 'services'> & { notifications: Tenant['notifications'] | undefined };

function fieldsOf(definition: TenantDefinition): SyncedFields {
  return {
    name: definition.name,
    languages: definition.languages,
    website: definition.website ?? null,
    branding: { ...definition.branding, logoSvg: definition.logoSvg ?? null },
    contact: definition.contact,
    promises: definition.promises,
    identity: definition.identity,
    services: definition.services,
    notifications: definition.notifications,
  };
}

/** The columns to write: a block removed from the file clears the column. */
const columnsOf = (fields: SyncedFields): Partial<Tenant> => ({ ...fields, notifications: fields.notifications ?? null });

/** What tenant sync remembers of a file it applied. */
const fileHash = (fields: SyncedFields, domains: string[]) => createHash('sha256').update(JSON.stringify({ fields, domains })).digest('hex');

const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));

/** Leaf-by-leaf differences, e.g. `branding.brandColour: "#003b71" → "#123456"`; a logo's content is summarised. */
function differences(before: unknown, after: unknown): string[] {
  return leafDifferences(before, after).map((change) =>
    change.path === 'branding.logoSvg' ? `${change.path}: ${change.before ? (change.after ? 'replaced' : 'removed') : 'added'}` : `${change.path}: ${show(change.before)} → ${show(change.after)}`,
  );
}

function domainDifferences(current: TenantDomain[], wanted: string[]): string[] {
  const have = new Set(current.map((domain) => domain.hostname));
  const changes = [
    ...wanted.filter((hostname) => !have.has(hostname)).map((hostname) => `domains: + ${hostname}`),
    ...[...have].filter((hostname) => !wanted.includes(hostname)).map((hostname) => `domains: - ${hostname}`),
  ];
  const primary = current.find((domain) => domain.isPrimary)?.hostname;
  if (primary !== wanted[0]) changes.push(`domains: primary ${show(primary)} → ${show(wanted[0])}`);
  return changes;
}

async function writeDomains(manager: EntityManager, tenantId: string, wanted: string[]): Promise<void> {
  await replaceDomains(manager, tenantId, wanted);
}

const auditService = new AuditService();

async function audit(manager: EntityManager, tenantId: string, action: string, changes: string[]): Promise<void> {
  // Audit events are tenant data: set the tenant for this transaction before writing one.
  await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
  await auditService.record(manager, { tenantId, actorType: 'system', actorId: 'tenant-sync', action, subjectType: 'tenant', subjectId: tenantId, details: { changes } });
}

/**
 * Applies tenant definitions inside the caller's owner-role transaction, idempotently: creates
 * missing forces, updates changed ones, reports what changed. With `dryRun` it computes the same
 * report and changes nothing.
 */
export async function syncTenants(manager: EntityManager, definitions: TenantDefinition[], options: { dryRun: boolean }): Promise<TenantSyncReport> {
  const report: TenantSyncReport = { dryRun: options.dryRun, created: [], updated: [], unchanged: [], notInFiles: [] };
  {
    // A dry run against a database whose migrations have not run yet: every force would be created.
    const existing = (await registryMigrated(manager)) ? await allTenantsWithDomains(manager) : [];
    const bySlug = new Map(existing.map((tenant) => [tenant.slug, tenant]));
    const taken = new Map(existing.flatMap((tenant) => (tenant.domains ?? []).map((domain) => [domain.hostname, tenant.slug] as const)));

    for (const definition of definitions) {
      for (const hostname of definition.domains) {
        const owner = taken.get(hostname);
        if (owner && owner !== definition.slug) throw new Error(`${definition.sourceFile}: domains: ${hostname} already belongs to ${owner} in the database`);
      }
      const wanted = fieldsOf(definition);
      const syncedHash = fileHash(JSON.parse(JSON.stringify(wanted)), definition.domains);
      const current = bySlug.get(definition.slug);
      if (!current) {
        report.created.push({ slug: definition.slug, changes: [`created with domains ${definition.domains.join(', ')}`] });
        if (options.dryRun) continue;
        const created = await createTenant(manager, { slug: definition.slug, ...columnsOf(wanted), syncedHash });
        await writeDomains(manager, created.id, definition.domains);
        await audit(manager, created.id, 'tenant.created', [`from ${definition.sourceFile}`]);
        continue;
      }
      // The file has not changed since it was last applied: whatever differs was changed in the product, and stands.
      if (current.syncedHash === syncedHash) {
        report.unchanged.push(definition.slug);
        continue;
      }
      const currentFields: SyncedFields = {
        name: current.name,
        languages: current.languages,
        website: current.website,
        branding: current.branding,
        contact: current.contact,
        promises: current.promises,
        identity: current.identity,
        services: current.services,
        notifications: current.notifications ?? undefined,
      };
      // Compare through JSON so key order and undefined-versus-absent do not count as changes.
      const changes = [
        ...differences(JSON.parse(JSON.stringify(currentFields)), JSON.parse(JSON.stringify(wanted))),
        ...domainDifferences(current.domains ?? [], definition.domains),
      ];
      if (changes.length === 0) {
        report.unchanged.push(definition.slug);
        if (!options.dryRun) await updateTenant(manager, current.id, { syncedHash });
        continue;
      }
      report.updated.push({ slug: definition.slug, changes });
      if (options.dryRun) continue;
      await updateTenant(manager, current.id, { ...columnsOf(wanted), syncedHash, updatedAt: new Date() });
      if (changes.some((change) => change.startsWith('domains:'))) await writeDomains(manager, current.id, definition.domains);
      await audit(manager, current.id, 'tenant.updated', changes);
    }
    const defined = new Set(definitions.map((definition) => definition.slug));
    report.notInFiles = existing.filter((tenant) => !defined.has(tenant.slug)).map((tenant) => tenant.slug);
  }
  return report;
}

export function formatSyncReport(report: TenantSyncReport, formChanges: string[] = []): string {
  const lines: string[] = [];
  const verb = report.dryRun ? 'would be' : 'were';
  for (const { slug, changes } of report.created) lines.push(`+ ${slug}: ${changes.join('; ')}`);
  for (const { slug, changes } of report.updated) for (const change of changes) lines.push(`~ ${slug}: ${change}`);
  for (const change of formChanges) lines.push(`~ ${change}`);
  const total = report.created.length + report.updated.length;
  if (formChanges.length > 0) lines.push(`${formChanges.length} change(s) to forms, routing rules or force areas ${verb} published.`);
  lines.push(
    total === 0
      ? `${formChanges.length === 0 ? 'No changes: ' : ''}${report.unchanged.length} force(s) already match tenants/.`
      : `${report.created.length} force(s) ${verb} created, ${report.updated.length} ${verb} updated, ${report.unchanged.length} unchanged.${report.dryRun ? ' Dry run: nothing was written.' : ''}`,
  );
  if (report.notInFiles.length > 0) lines.push(`In the database but not in tenants/ (left as they are): ${report.notInFiles.join(', ')}`);
  return lines.join('\n');
}
