import type { DataSource, EntityManager } from 'typeorm';
import type { ServiceDefinition } from './definition.schema.js';
import { NationalService } from './national-service.entity.js';

// The national service definitions (national_services), versioned and published by the national team.

type Database = Pick<DataSource | EntityManager, 'query'>;

/** A national definition of a service: the newest, or the given version; undefined when there is none. */
export async function nationalDefinition(db: Database, serviceId: string, version?: number): Promise<ServiceDefinition | undefined> {
  const [row] =
    version === undefined
      ? await db.query(`SELECT definition FROM national_services WHERE id = $1 ORDER BY version DESC LIMIT 1`, [serviceId])
      : await db.query(`SELECT definition FROM national_services WHERE id = $1 AND version = $2`, [serviceId, version]);
  return row?.definition;
}

/** The newest national version number of a service (null when it has none). */
export async function latestNationalVersion(db: Database, serviceId: string): Promise<number | null> {
  const [latest] = await db.query(`SELECT max(version)::int AS version FROM national_services WHERE id = $1`, [serviceId]);
  return latest?.version ?? null;
}

/** Publishes a national version (the publish_national_service function refuses a changed existing version). */
export async function publishNationalService(db: Database, definition: ServiceDefinition, hash: string): Promise<void> {
  await db.query(`SELECT publish_national_service($1, $2, $3::jsonb, $4)`, [definition.id, definition.version, JSON.stringify(definition), hash]);
}

/** The newest version of every national service (the registry is readable without a tenant). */
export async function latestNationalServices(db: Database): Promise<ServiceDefinition[]> {
  return (await db.query(`SELECT DISTINCT ON (id) definition FROM national_services ORDER BY id, version DESC`)).map((row: { definition: ServiceDefinition }) => row.definition);
}

/** The ids of every national service. */
export async function nationalServiceIds(db: Database): Promise<string[]> {
  return (await db.query(`SELECT DISTINCT id FROM national_services`)).map((row: { id: string }) => row.id);
}

/** Whether the forms tables exist yet (a dry run may come before the first migration). */
export async function formsMigrated(db: Database): Promise<boolean> {
  const [{ migrated }] = await db.query(`SELECT to_regclass('national_services') IS NOT NULL AS migrated`);
  return migrated;
}

/** A recorded national version with its hash; null when it was never recorded. */
export async function recordedNationalVersion(manager: EntityManager, serviceId: string, version: number): Promise<NationalService | null> {
  return manager.findOne(NationalService, { where: { id: serviceId, version } });
}

/** Records a national version as the tenants/ files give it (the sync's owner-role transaction). */
export async function recordNationalVersion(manager: EntityManager, definition: ServiceDefinition, hash: string): Promise<void> {
  await manager.insert(NationalService, { id: definition.id, version: definition.version, definition, hash });
}

/** A recorded version takes what its file now adds in place: a retention period, report document mappings (see forms-sync's amendmentOf). */
export async function amendNationalVersion(manager: EntityManager, definition: ServiceDefinition, hash: string): Promise<void> {
  await manager.update(NationalService, { id: definition.id, version: definition.version }, { definition, hash });
}
