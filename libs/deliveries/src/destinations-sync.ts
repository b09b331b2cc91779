import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { DestinationDefinition } from '@front-counter/tenancy';
import { deliveriesMigrated, forceDestinations, insertDestination, retireDestination, updateDestination } from './deliveries.repository.js';

export interface ForceDestinations {
  slug: string;
  tenantId: string;
  destinations: DestinationDefinition[];
}

const hashOf = (definition: DestinationDefinition) => createHash('sha256').update(JSON.stringify(definition)).digest('hex');

const columnsOf = (definition: DestinationDefinition) =>
  definition.type === 'webhook'
    ? { type: definition.type, url: definition.url ?? null, urlEnv: definition.urlEnv ?? null, secretEnv: definition.secretEnv, address: null, events: definition.events }
    : { type: definition.type, url: null, urlEnv: null, secretEnv: null, address: definition.address, events: definition.events };

/**
 * Applies each force's `destinations` from its tenant.yaml, inside the caller's owner-role
 * transaction: a new one is added, one whose file entry changed since it was last applied is updated
 * (a suspension made in the product stays), and one no longer in the file is retired (kept with its
 * deliveries' history, given no new deliveries). Returns what changed, for the sync report.
 */
export async function syncDestinations(manager: EntityManager, forces: ForceDestinations[], options: { dryRun: boolean }): Promise<string[]> {
  const migrated = await deliveriesMigrated(manager);
  const changes: string[] = [];
  for (const force of forces) {
    if (!force.tenantId) {
      changes.push(...force.destinations.map((destination) => `${force.slug}: destination ${destination.name} added`));
      continue;
    }
    await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [force.tenantId]);
    const existing = migrated ? await forceDestinations(manager, force.tenantId) : [];
    for (const definition of force.destinations) {
      const hash = hashOf(definition);
      const current = existing.find((destination) => destination.name === definition.name);
      if (!current) {
        changes.push(`${force.slug}: destination ${definition.name} added (${definition.type}, ${definition.events.join(', ')})`);
        if (!options.dryRun) await insertDestination(manager, { tenantId: force.tenantId, name: definition.name, ...columnsOf(definition), fileHash: hash });
      } else if (current.fileHash !== hash || current.retiredAt) {
        changes.push(`${force.slug}: destination ${definition.name} updated`);
        if (!options.dryRun) await updateDestination(manager, current.id, { ...columnsOf(definition), fileHash: hash, retiredAt: null, updatedAt: new Date() });
      }
    }
    for (const gone of existing.filter((destination) => !destination.retiredAt && !force.destinations.some((definition) => definition.name === destination.name))) {
      changes.push(`${force.slug}: destination ${gone.name} retired (no longer in its file; its deliveries are kept)`);
      if (!options.dryRun) await retireDestination(manager, gone.id);
    }
  }
  return changes;
}
