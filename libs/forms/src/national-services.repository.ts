import type { DataSource, EntityManager } from 'typeorm';
import type { ServiceDefinition } from './definition.schema.js';

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
