import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { forceNotificationSettings, type RegistryReader } from '@front-counter/tenancy';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_APP_PASSWORD } from '../support/test-database-state.js';
import { temporaryTenantsDirectory } from '../factories/tenant-file.js';

const run = promisify(execFile);

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

/** The real command line, `npm run tenants:sync`'s script, against this test's database. */
function tenantsSyncCli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/tenants-sync.ts', '--dir', tenants, ...args], {
    env: { ...process.env, DATABASE_URL: database.urls.admin, DATABASE_APP_PASSWORD: TEST_APP_PASSWORD, LOG_LEVEL: 'silent' },
  });
}

describe('tenant sync', () => {
  it('creates every force with its domains, then finds nothing to change', async () => {
    const first = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
    expect(first.report.created.map((change) => change.slug)).toEqual(['dyffryn', 'eastmarch', 'northshire']);
    const domains = await query<{ hostname: string; slug: string; is_primary: boolean }>(
      'SELECT d.hostname, t.slug, d.is_primary FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id ORDER BY 1',
    );
    expect(domains).toContainEqual({ hostname: 'report.dyffryn.police.example', slug: 'dyffryn', is_primary: true });
    expect(domains).toContainEqual({ hostname: 'adrodd.dyffryn.police.example', slug: 'dyffryn', is_primary: false });

    const second = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
    expect(second.report.created).toEqual([]);
    expect(second.report.updated).toEqual([]);
    expect(second.summary).toBe('No changes: 3 force(s) already match tenants/.');
  });

  it('prints exactly the one change after a colour is edited, with --dry-run writing nothing', async () => {
    const file = path.join(tenants, 'northshire', 'tenant.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('brandColour: "#003a70"', 'brandColour: "#123456"'));

    const { stdout } = await tenantsSyncCli('--dry-run');
    expect(stdout.trim().split('\n')).toEqual([
      '~ northshire: branding.brandColour: "#003a70" → "#123456"',
      '0 force(s) would be created, 1 would be updated, 2 unchanged. Dry run: nothing was written.',
    ]);
    expect(await query(`SELECT branding->>'brandColour' AS colour FROM tenants WHERE slug = 'northshire'`)).toEqual([{ colour: '#003a70' }]);

    const applied = await tenantsSyncCli();
    expect(applied.stdout).toContain('1 were updated');
    expect(await query(`SELECT branding->>'brandColour' AS colour FROM tenants WHERE slug = 'northshire'`)).toEqual([{ colour: '#123456' }]);
    const audit = await query<{ action: string; details: { changes: string[] } }>(
      `SELECT action, details FROM audit_events WHERE action = 'tenant.updated'`,
    );
    // Audit events are tenant data: the superuser login sees them, the app role only within its tenant.
    expect(audit).toEqual([{ action: 'tenant.updated', details: { changes: ['branding.brandColour: "#003a70" → "#123456"'] } }]);
  });

  it('refuses an invalid tenant file, naming file and field, and changes nothing', async () => {
    const file = path.join(tenants, 'eastmarch', 'tenant.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace('triageWithinMinutes: 60', 'triageWithinMinutes: soon').replace('nonEmergency: "101"', 'nonEmergency: "999"'));
    const failure = await tenantsSyncCli()
      .then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      )
      .finally(() => writeFileSync(file, before));
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/eastmarch\/tenant\.yaml:\d+: promises\.triageWithinMinutes: /);
    expect(await query(`SELECT promises->>'triageWithinMinutes' AS minutes FROM tenants WHERE slug = 'eastmarch'`)).toEqual([{ minutes: '60' }]);
  });

  it('moves a domain between its own forces list and reports additions and removals', async () => {
    const file = path.join(tenants, 'eastmarch', 'tenant.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - online.eastmarch.police.example\n', '  - reports.eastmarch.police.example\n'));
    const { report } = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
    expect(report.updated).toEqual([{ slug: 'eastmarch', changes: ['domains: + reports.eastmarch.police.example', 'domains: - online.eastmarch.police.example'] }]);
    expect(await query(`SELECT hostname FROM tenant_domains WHERE hostname LIKE '%eastmarch%' ORDER BY 1`)).toEqual([
      { hostname: 'report.eastmarch.police.example' },
      { hostname: 'reports.eastmarch.police.example' },
    ]);
  });
  it('applies a notifications block (names and ids, never a key), naming each change, and clears it when the block goes', async () => {
    const file = path.join(tenants, 'dyffryn', 'tenant.yaml');
    const before = readFileSync(file, 'utf8');
    const emailTemplateId = '5f0b2a4c-8d3e-4b1a-9c6f-2e7d1a0b3c4d';
    writeFileSync(file, `${before}notifications:\n  provider: notify\n  apiKeyEnv: DYFFRYN_NOTIFY_API_KEY\n  emailTemplateId: ${emailTemplateId}\n`);
    const added = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
    expect(added.report.updated).toEqual([
      { slug: 'dyffryn', changes: [`notifications: (none) → {"provider":"notify","apiKeyEnv":"DYFFRYN_NOTIFY_API_KEY","emailTemplateId":"${emailTemplateId}"}`] },
    ]);
    const [{ id }] = await query<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'dyffryn'`);
    const client = new pg.Client({ connectionString: database.urls.admin });
    await client.connect();
    // The registry read the worker will make, through a plain connection in place of a transaction.
    const registry = { query: (sql: string, values?: unknown[]) => client.query(sql, values).then((result) => result.rows) } as RegistryReader;
    try {
      await expect(forceNotificationSettings(registry, id)).resolves.toEqual({ slug: 'dyffryn', notifications: { provider: 'notify', apiKeyEnv: 'DYFFRYN_NOTIFY_API_KEY', emailTemplateId } });

      writeFileSync(file, before);
      const removed = await migrateAndSync(database.urls.admin, tenants, { dryRun: false });
      expect(removed.report.updated.map((change) => change.slug)).toEqual(['dyffryn']);
      await expect(forceNotificationSettings(registry, id)).resolves.toEqual({ slug: 'dyffryn', notifications: null });
      expect((await migrateAndSync(database.urls.admin, tenants, { dryRun: false })).report.updated).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
