import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { temporaryTenantsDirectory } from '../factories/tenant-file.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// A force's destinations are data: tenant sync adds, updates and retires them from tenant.yaml, and
// keeps what administrators did in the product (a suspension).

let database: TestDatabase;
let tenants: string;

beforeAll(async () => {
  database = await createTestDatabase();
  tenants = temporaryTenantsDirectory();
});
afterAll(() => database?.drop());

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.urls.admin });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const destinations = () =>
  query(`SELECT t.slug, d.name, d.type, d.url, d.url_env, d.secret_env, d.address, d.events, d.suspended_by, d.retired_at IS NOT NULL AS retired FROM destinations d JOIN tenants t ON t.id = d.tenant_id ORDER BY 1, 2`);

function editNorthshire(change: (text: string) => string) {
  const file = path.join(tenants, 'northshire', 'tenant.yaml');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

it('adds each force\'s destinations, then finds nothing to change', async () => {
  const first = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
  expect(first.formChanges).toContain('northshire: destination records-system added (webhook, report.submitted, report.updated, report.transferred, triage.decided)');
  expect(await destinations()).toEqual([
    { slug: 'dyffryn', name: 'crime-desk', type: 'email', url: null, url_env: null, secret_env: null, address: 'crime-desk@dyffryn.police.example', events: ['report.submitted'], suspended_by: null, retired: false },
    { slug: 'eastmarch', name: 'records-system', type: 'webhook', url: null, url_env: 'EASTMARCH_RECORDS_URL', secret_env: 'EASTMARCH_RECORDS_SECRET', address: null, events: ['report.submitted', 'report.updated', 'report.transferred', 'triage.decided'], suspended_by: null, retired: false },
    { slug: 'northshire', name: 'records-system', type: 'webhook', url: null, url_env: 'NORTHSHIRE_RECORDS_URL', secret_env: 'NORTHSHIRE_RECORDS_SECRET', address: null, events: ['report.submitted', 'report.updated', 'report.transferred', 'triage.decided'], suspended_by: null, retired: false },
  ]);
  const second = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
  expect(second.formChanges.filter((change) => change.includes('destination'))).toEqual([]);
});

it('updates a changed destination but keeps its suspension, and retires one taken out of the file', async () => {
  await query(`UPDATE destinations SET suspended_at = now(), suspended_by = 'Declan Pennington' WHERE name = 'records-system' AND tenant_id = (SELECT id FROM tenants WHERE slug = 'northshire')`);
  editNorthshire((text) => text.replace('urlEnv: NORTHSHIRE_RECORDS_URL', 'url: https://rms.northshire.police.example/front-counter'));
  const changed = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
  expect(changed.formChanges).toContain('northshire: destination records-system updated');
  const [north] = (await destinations()).filter((row) => row.slug === 'northshire');
  expect(north).toMatchObject({ url: 'https://rms.northshire.police.example/front-counter', url_env: null, suspended_by: 'Declan Pennington', retired: false });

  editNorthshire((text) => text.slice(0, text.indexOf('destinations:')));
  const removed = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
  expect(removed.formChanges).toContain('northshire: destination records-system retired (no longer in its file; its deliveries are kept)');
  expect((await destinations()).filter((row) => row.slug === 'northshire')).toEqual([expect.objectContaining({ name: 'records-system', retired: true })]);
});

it('refuses a webhook destination with neither an address nor the variable holding it, naming the field', async () => {
  editNorthshire((text) => `${text}destinations:\n  - name: rms\n    type: webhook\n    secretEnv: NORTHSHIRE_RECORDS_SECRET\n    events: [report.submitted]\n`);
  await expect(migrateAndSync(database.urls.admin, tenants, { dryRun: true })).rejects.toThrow(/destinations\.0\.url: needs either url or urlEnv/);
});
