import { DataSource, type MigrationInterface } from 'typeorm';
import { OWNER_ROLE } from './roles.js';

type MigrationClass = new () => MigrationInterface;

/** A data source whose session runs as the owner role, so that everything it creates is owned by it. */
export function createOwnerDataSource(adminUrl: string, migrations: MigrationClass[] = [], entities: Function[] = []): DataSource {
  return new DataSource({
    type: 'postgres',
    url: adminUrl,
    migrations,
    entities,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { options: `-c role=${OWNER_ROLE}`, max: 2, application_name: 'front-counter-owner' },
  });
}

/** Applies pending migrations as the owner role; returns the names applied. */
export async function runMigrations(adminUrl: string, migrations: MigrationClass[]): Promise<string[]> {
  const dataSource = await createOwnerDataSource(adminUrl, migrations).initialize();
  try {
    const applied = await dataSource.runMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

export async function revertLastMigration(adminUrl: string, migrations: MigrationClass[]): Promise<void> {
  const dataSource = await createOwnerDataSource(adminUrl, migrations).initialize();
  try {
    await dataSource.undoLastMigration();
  } finally {
    await dataSource.destroy();
  }
}
