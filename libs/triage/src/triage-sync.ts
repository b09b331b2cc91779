import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { boundingBox, type ForceArea } from './force-area.js';
import { forceAreaHash, saveForceArea } from '@front-counter/tenancy';
import { currentRuleSet, insertRuleSet, latestRuleSetPublishedBy, routingMigrated } from './routing-rules.repository.js';
import type { RoutingRules } from './routing-rules.schema.js';

export const FILE_PUBLISHER = 'tenant-sync';

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The content hash a version of routing rules is kept with (the same rules, the same hash, wherever published). */
export const routingRulesHash = (rules: RoutingRules) => hashOf(rules);

export interface ForceTriageData {
  slug: string;
  tenantId: string;
  rules?: RoutingRules;
  area?: ForceArea;
}

/**
 * Publishes a force's routing rules from its files as a new version when the file changed since the
 * last version published from files (so rules edited in the product are not undone by an unchanged
 * file), and keeps its area in the registry. Runs inside the caller's owner-role transaction.
 */
export async function syncTriage(manager: EntityManager, forces: ForceTriageData[], options: { dryRun: boolean }): Promise<string[]> {
  const migrated = await routingMigrated(manager);
  const changes: string[] = [];
  for (const force of forces) {
    if (migrated && force.tenantId) await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [force.tenantId]);
    if (force.rules) {
      const hash = routingRulesHash(force.rules);
      const fromFiles = migrated && force.tenantId ? await latestRuleSetPublishedBy(manager, force.tenantId, FILE_PUBLISHER) : null;
      if (fromFiles?.hash !== hash) {
        const latest = migrated && force.tenantId ? await currentRuleSet(manager, force.tenantId) : null;
        const version = (latest?.version ?? 0) + 1;
        changes.push(`${force.slug}: routing rules published as version ${version} (${force.rules.rules.length} rule(s))`);
        if (!options.dryRun) await insertRuleSet(manager, { tenantId: force.tenantId, version, rules: force.rules, hash, publishedBy: FILE_PUBLISHER });
      }
    }
    if (force.area) {
      const hash = hashOf(force.area);
      const current = migrated && force.tenantId ? await forceAreaHash(manager, force.tenantId) : null;
      if (current !== hash) {
        changes.push(`${force.slug}: force area ${current ? 'updated' : 'added'}`);
        if (!options.dryRun) await saveForceArea(manager, { tenantId: force.tenantId, boundary: force.area, bbox: boundingBox(force.area), hash });
      }
    }
  }
  return changes;
}
