import pg from 'pg';
import { definitionHash, type ServiceDefinition } from '@front-counter/forms';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * An installation that recorded its national services before they declared a retention period
 * upgrades without republishing them: the next sync takes each version's period from its file, once,
 * and likewise the report document mappings its questions declare; it still refuses any other change to a
 * recorded version.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false });
});
afterAll(() => database?.drop());

async function query<T extends pg.QueryResultRow = any>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.urls.admin });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Puts a national version back as an installation from before retention recorded it: no period, and the hash of that. */
async function recordedBeforeRetention(serviceId: string) {
  const [row] = await query<{ definition: ServiceDefinition }>(`SELECT definition FROM national_services WHERE id = $1 AND version = 1`, [serviceId]);
  const { retention: _retention, ...legacy } = (await import('@front-counter/forms')).serviceDefinitionSchema.parse(row.definition);
  await query(`UPDATE national_services SET definition = $2, hash = $3 WHERE id = $1 AND version = 1`, [serviceId, JSON.stringify(legacy), definitionHash(legacy as ServiceDefinition)]);
}

describe('national services recorded before retention', () => {
  it('take their retention period from their files at the next sync, once', async () => {
    await recordedBeforeRetention('contact-us');
    await recordedBeforeRetention('report-a-crime');
    expect(await query(`SELECT id FROM national_services WHERE definition ? 'retention' = false ORDER BY id`)).toEqual([{ id: 'contact-us' }, { id: 'report-a-crime' }]);

    const dry = await migrateAndSync(database.urls.admin, 'tenants', { dryRun: true });
    expect(dry.formChanges).toEqual([
      'national contact-us: version 1 now declares its retention (365 days, at most 730)',
      'national report-a-crime: version 1 now declares its retention (730 days, at most 2557)',
    ]);
    expect(await query(`SELECT id FROM national_services WHERE definition ? 'retention' = false`)).toHaveLength(2);

    const synced = await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false });
    expect(synced.formChanges).toEqual(dry.formChanges);
    expect(await query(`SELECT id, definition->'retention' AS retention FROM national_services WHERE id IN ('contact-us', 'report-a-crime') ORDER BY id`)).toEqual([
      { id: 'contact-us', retention: { defaultDays: 365, maximumDays: 730 } },
      { id: 'report-a-crime', retention: { defaultDays: 730, maximumDays: 2557 } },
    ]);
    // No force's form changed, so no new form versions; and the next sync finds nothing to do.
    expect(synced.formChanges.filter((change) => !change.startsWith('national '))).toEqual([]);
    expect((await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false })).formChanges).toEqual([]);
  });

  it('take their report document mappings from their files in place too, once', async () => {
    const [row] = await query<{ definition: ServiceDefinition }>(`SELECT definition FROM national_services WHERE id = 'report-a-crime' AND version = 1`);
    const unmapped = {
      ...row.definition,
      pages: row.definition.pages.map((page) => ('questions' in page ? { ...page, questions: page.questions.map(({ document: _document, ...question }) => question) } : page)),
    };
    await query(`UPDATE national_services SET definition = $1, hash = $2 WHERE id = 'report-a-crime' AND version = 1`, [JSON.stringify(unmapped), definitionHash(unmapped as ServiceDefinition)]);

    const synced = await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false });
    expect(synced.formChanges.filter((change) => change.startsWith('national '))).toEqual(['national report-a-crime: version 1 now maps its answers into the report document as the file says']);
    const [stored] = await query(`SELECT definition->'pages' @> '[{"questions": [{"id": "crimeType", "document": {"event": "category"}}]}]' AS mapped FROM national_services WHERE id = 'report-a-crime' AND version = 1`);
    expect(stored).toEqual({ mapped: true });
    expect((await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false })).formChanges).toEqual([]);
  });

  it('still refuses any other change to a recorded version', async () => {
    const [row] = await query<{ definition: ServiceDefinition }>(`SELECT definition FROM national_services WHERE id = 'contact-us' AND version = 1`);
    const { retention: _retention, ...legacy } = row.definition;
    const altered = { ...legacy, summary: { en: 'Something else', cy: 'Rhywbeth arall' } };
    await query(`UPDATE national_services SET definition = $1, hash = $2 WHERE id = 'contact-us' AND version = 1`, [JSON.stringify(altered), definitionHash(altered as ServiceDefinition)]);
    await expect(migrateAndSync(database.urls.admin, 'tenants', { dryRun: false })).rejects.toThrow(/contact-us\.yaml: version: the definition changed but its version is still 1/);
  });
});
