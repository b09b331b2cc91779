import pg from 'pg';
import { revertLastMigration, runMigrations } from '@front-counter/database';
import { MIGRATIONS } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

async function tables(): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.urls.admin });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    return rows.map((row) => row.tablename);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('go back down and up again, leaving the same schema, and are idempotent', async () => {
    const migrated = await tables();
    expect(migrated).toEqual([
      'admin_drafts', 'audit_events', 'deliveries', 'delivery_attempts', 'destinations', 'drafts', 'evidence_files', 'form_versions', 'migrations', 'national_services', 'outbox_events', 'report_duplicates', 'report_events', 'reports',
      'routing_rule_sets', 'tenant_areas', 'tenant_domains', 'tenants', 'tracking_codes', 'tracking_sessions',
    ]);
    for (let step = 0; step < MIGRATIONS.length; step++) await revertLastMigration(database.urls.admin, MIGRATIONS);
    expect(await tables()).toEqual(['migrations']);
    expect(await runMigrations(database.urls.admin, MIGRATIONS)).toEqual(MIGRATIONS.map((migration) => new migration().name));
    expect(await tables()).toEqual(migrated);
    expect(await runMigrations(database.urls.admin, MIGRATIONS)).toEqual([]);
  });

  it('leave every table owned by the owner role', async () => {
    const client = new pg.Client({ connectionString: database.urls.admin });
    await client.connect();
    try {
      const { rows } = await client.query<{ tableowner: string }>(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
      expect(rows).toEqual([{ tableowner: 'front_counter_owner' }]);
    } finally {
      await client.end();
    }
  });
});
