import pg from 'pg';
import { DataSource } from 'typeorm';
import { AUDIT_ENTITIES, AuditEvent } from '@front-counter/audit';
import { APP_ROLE, createAppDataSource, OWNER_ROLE, TenantTransactions } from '@front-counter/database';
import { TENANCY_ENTITIES } from '@front-counter/tenancy';
import { migrateAndSync } from '../../apps/launcher/src/prepare-database.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { statementsDuring } from '../support/statements.js';

// Row-level security is the backstop that makes a forgotten tenant filter return nothing, not
// everything. These tests hold it to that, each able to fail if the protection were removed.

/** Tables whose rows are public reference data (the tenant registry), readable before a tenant is known. */
const REGISTRY_TABLES = ['national_services', 'tenant_areas', 'tenant_domains', 'tenants'];

let database: TestDatabase;
let owner: pg.Client;
let app: pg.Client;
let tenantIds: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateAndSync(database.urls.admin, 'tenants', { dryRun: false });
  // As the owner role, the way migrations and tenant sync run (the admin login itself is a superuser).
  owner = new pg.Client({ connectionString: database.urls.admin, options: `-c role=${OWNER_ROLE}` });
  app = new pg.Client({ connectionString: database.urls.app });
  await Promise.all([owner.connect(), app.connect()]);
  const { rows } = await app.query<{ slug: string; id: string }>('SELECT slug, id FROM tenants');
  tenantIds = Object.fromEntries(rows.map((row) => [row.slug, row.id]));
});

afterAll(async () => {
  await Promise.all([owner?.end(), app?.end()]);
  await database?.drop();
});

describe('the database catalogue', () => {
  it('has row-level security enabled and forced on every table the application can reach', async () => {
    const { rows } = await owner.query<{ table: string; enabled: boolean; forced: boolean }>(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'migrations'
      ORDER BY 1`);
    expect(rows.map((row) => row.table)).toEqual(expect.arrayContaining(['audit_events', 'tenant_domains', 'tenants']));
    for (const row of rows) expect({ table: row.table, enabled: row.enabled, forced: row.forced }).toEqual({ table: row.table, enabled: true, forced: true });
  });

  it('confines every tenant-owned table (one with tenant_id) by a policy on the current tenant', async () => {
    // Every policy's USING and WITH CHECK (a permissive policy with either missing or open would leak).
    // Policies for the owner role alone serve transfer_report() (checked below); the app role is no member of it.
    const { rows } = await owner.query<{ table: string; policies: { using: string | null; check: string | null; command: string }[] }>(`
      SELECT c.table_name AS table,
        coalesce(json_agg(json_build_object('using', p.qual, 'check', p.with_check, 'command', p.cmd))
          FILTER (WHERE p.policyname IS NOT NULL AND p.roles <> ARRAY['${OWNER_ROLE}']::name[]), '[]') AS policies
      FROM information_schema.columns c LEFT JOIN pg_policies p ON p.tablename = c.table_name AND p.schemaname = 'public'
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
      GROUP BY c.table_name ORDER BY 1`);
    const tenantOwned = rows.filter((row) => !REGISTRY_TABLES.includes(row.table) && row.table !== 'form_versions');
    expect(tenantOwned.map((row) => row.table)).toEqual(
      expect.arrayContaining(['audit_events', 'drafts', 'evidence_files', 'outbox_events', 'report_duplicates', 'report_events', 'reports', 'routing_rule_sets', 'tracking_codes', 'tracking_sessions']),
    );
    for (const row of tenantOwned) {
      const confined =
        row.policies.length > 0 &&
        row.policies.every((policy) => policy.command === 'ALL' && policy.using?.includes('current_tenant_id()') && (policy.check ?? policy.using)?.includes('current_tenant_id()'));
      expect({ table: row.table, confined }).toEqual({ table: row.table, confined: true });
    }
  });

  it('lets every force read published form versions (public forms) but publish only its own', async () => {
    const { rows } = await owner.query(`SELECT cmd, qual, with_check FROM pg_policies WHERE tablename = 'form_versions' ORDER BY cmd`);
    expect(rows).toEqual([
      { cmd: 'INSERT', qual: null, with_check: '(tenant_id = current_tenant_id())' },
      { cmd: 'SELECT', qual: 'true', with_check: null },
    ]);
  });

  it('has five narrow functions that bypass row-level security, and transfer_report() moves only a report of the current force', async () => {
    const { rows } = await owner.query(`SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosecdef ORDER BY 1`);
    // set_force_status(), create_force() and publish_national_service(): the national team's suspend, reinstate, onboarding and national versions;
    // update_force_settings(): a force administrator's, of the current force only (both checked below and in the admin tests).
    expect(rows.map((row) => row.proname)).toEqual(['create_force', 'publish_national_service', 'set_force_status', 'transfer_report', 'update_force_settings']);
    const ownerOnly = await owner.query(`SELECT DISTINCT tablename FROM pg_policies WHERE roles = ARRAY['${OWNER_ROLE}']::name[] AND policyname = 'transfer_between_forces' ORDER BY 1`);
    expect(ownerOnly.rows.map((row) => row.tablename)).toEqual(['drafts', 'evidence_files', 'outbox_events', 'report_duplicates', 'report_events', 'reports', 'tracking_codes', 'tracking_sessions']);
    // Without a current force, or for a report the current force does not have, it refuses.
    await expect(app.query(`SELECT transfer_report(gen_random_uuid(), $1)`, [tenantIds.eastmarch])).rejects.toThrow(/needs a current force/);
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.northshire]);
      await expect(app.query(`SELECT transfer_report(gen_random_uuid(), $1)`, [tenantIds.eastmarch])).rejects.toThrow(/no report .* in the current force/);
    } finally {
      await app.query('ROLLBACK');
    }
  });

  it('lets update_force_settings() change only the current force, and only with one set', async () => {
    await expect(app.query(`SELECT update_force_settings('{"contact": {"nonEmergency": "999"}}')`)).rejects.toThrow(/no force set/);
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.northshire]);
      await app.query(`SELECT update_force_settings('{"promises": {"triageWithinMinutes": 7, "replyWithinHours": 9}}')`);
      const { rows } = await app.query(`SELECT slug, promises->>'triageWithinMinutes' AS minutes FROM tenants WHERE slug IN ('northshire', 'eastmarch') ORDER BY slug`);
      expect(rows).toEqual([
        { slug: 'eastmarch', minutes: '60' },
        { slug: 'northshire', minutes: '7' },
      ]);
    } finally {
      await app.query('ROLLBACK');
    }
    // Still no direct writes to the registry.
    await expect(app.query(`UPDATE tenants SET website = NULL`)).rejects.toThrow(/permission denied/);
  });

  it('connects the application as a role that is no superuser, cannot bypass RLS and owns nothing', async () => {
    const { rows } = await app.query<{ user: string; rolsuper: boolean; rolbypassrls: boolean; owned: number; owner_member: boolean }>(`
      SELECT current_user AS user, r.rolsuper, r.rolbypassrls,
        (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) + (SELECT count(*)::int FROM pg_proc WHERE proowner = r.oid)
          + (SELECT count(*)::int FROM pg_namespace WHERE nspowner = r.oid) AS owned,
        pg_has_role(r.oid, '${OWNER_ROLE}', 'MEMBER') AS owner_member
      FROM pg_roles r WHERE r.rolname = current_user`);
    expect(rows[0]).toEqual({ user: APP_ROLE, rolsuper: false, rolbypassrls: false, owned: 0, owner_member: false });
  });
});

describe('with no tenant set', () => {
  it('returns no rows from tenant-owned tables even though they hold rows', async () => {
    // Tenant sync wrote audit events for every force; the owner (inside each tenant) can see them.
    await owner.query('BEGIN');
    await owner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.northshire]);
    const asOwnerInTenant = await owner.query('SELECT count(*)::int AS count FROM audit_events');
    await owner.query('COMMIT');
    expect(asOwnerInTenant.rows[0].count).toBeGreaterThan(0);

    expect((await app.query('SELECT * FROM audit_events')).rowCount).toBe(0);
    expect((await owner.query('SELECT * FROM audit_events')).rowCount).toBe(0); // FORCE: the owner too
    // Tenant sync published routing rules for every force: none are visible without a tenant either.
    expect((await owner.query(`SELECT count(*)::int AS count FROM routing_rule_sets`)).rows[0].count).toBe(0);
    expect((await app.query(`SELECT count(*)::int AS count FROM routing_rule_sets`)).rows[0].count).toBe(0);
    // A transaction-local setting does not outlive its transaction.
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.northshire]);
    await app.query('COMMIT');
    expect((await app.query('SELECT * FROM audit_events')).rowCount).toBe(0);
  });

  it('refuses to write a tenant-owned row', async () => {
    await expect(app.query(`INSERT INTO audit_events (tenant_id, actor_type, action) VALUES ($1, 'system', 'test')`, [tenantIds.northshire])).rejects.toThrow(/row-level security/);
  });
});

describe('audit events', () => {
  it('are append-only: the application cannot update or delete them, and nobody can through the trigger', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.eastmarch]);
    await expect(app.query(`UPDATE audit_events SET action = 'tampered'`)).rejects.toThrow(/permission denied/);
    await app.query('ROLLBACK');
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.eastmarch]);
    await expect(app.query('DELETE FROM audit_events')).rejects.toThrow(/permission denied/);
    await app.query('ROLLBACK');
    await owner.query('BEGIN');
    await owner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantIds.eastmarch]);
    await expect(owner.query(`UPDATE audit_events SET action = 'tampered'`)).rejects.toThrow(/append-only/);
    await owner.query('ROLLBACK');
  });
});

describe('TenantTransactions on a pool of one connection', () => {
  let dataSource: DataSource;
  let transactions: TenantTransactions;

  beforeAll(async () => {
    dataSource = await createAppDataSource({ url: database.urls.app, entities: [...TENANCY_ENTITIES, ...AUDIT_ENTITIES], poolSize: 1, applicationName: 'isolation-test' }).initialize();
    transactions = new TenantTransactions(dataSource);
  });
  afterAll(() => dataSource?.destroy());

  it('refuses a missing tenant id before any statement', async () => {
    await expect(transactions.run(undefined as unknown as string, async () => 1)).rejects.toThrow(/needs a tenant id \(got undefined\)/);
    await expect(transactions.run('northshire', async () => 1)).rejects.toThrow(/needs a tenant id/);
  });

  it('never lets a row cross tenants when requests of two tenants interleave and some fail mid-transaction', async () => {
    const tenants = [tenantIds.northshire, tenantIds.eastmarch];
    const failures: unknown[] = [];
    const work = Array.from({ length: 60 }, (_, index) => {
      const tenantId = tenants[index % 2];
      const failMidway = index % 3 === 0;
      return transactions
        .run(tenantId, async (manager) => {
          await manager.insert(AuditEvent, { tenantId, actorType: 'system', action: failMidway ? 'doomed' : 'kept', subjectId: String(index) });
          await new Promise((resolve) => setTimeout(resolve, index % 4)); // let other requests queue behind this one
          if (failMidway) throw new Error(`request ${index} failed mid-transaction`);
          const seen = await manager.find(AuditEvent, { where: {} });
          return seen.map((event) => event.tenantId);
        })
        .then(
          (seenTenants) => ({ tenantId, seenTenants }),
          (error: unknown) => (failures.push(error), { tenantId, seenTenants: [] as string[] }),
        );
    });
    const results = await Promise.all(work);
    expect(failures).toHaveLength(20);
    for (const { tenantId, seenTenants } of results) expect(seenTenants.filter((seen) => seen !== tenantId)).toEqual([]);

    // After failed transactions the one pooled connection carries no tenant and no doomed rows.
    expect(await dataSource.query('SELECT count(*)::int AS count FROM audit_events')).toEqual([{ count: 0 }]);
    for (const tenantId of tenants) {
      const rows = await transactions.run(tenantId, (manager) => manager.find(AuditEvent, { where: { action: 'kept' } }));
      expect(rows).toHaveLength(20);
      expect(rows.every((row) => row.tenantId === tenantId)).toBe(true);
      const doomed = await transactions.run(tenantId, (manager) => manager.count(AuditEvent, { where: { action: 'doomed' } }));
      expect(doomed).toBe(0);
    }
  });

  it('opens the transaction and sets the force in one round trip, and keeps TypeORM’s own saves inside it', async () => {
    const statements = await statementsDuring(/./, async () => {
      await expect(
        transactions.run(tenantIds.northshire, async (manager) => {
          await manager.save(manager.create(AuditEvent, { tenantId: tenantIds.northshire, actorType: 'system', action: 'saved-inside' }));
          throw new Error('undone with the unit of work');
        }),
      ).rejects.toThrow('undone with the unit of work');
    });
    expect(statements[0]).toBe(`START TRANSACTION; SELECT set_config('app.tenant_id', '${tenantIds.northshire}', true)`);
    // save() saw the transaction open and did not start (or commit) one of its own.
    expect(statements.filter((text) => /^(START TRANSACTION|COMMIT)/.test(text))).toHaveLength(1);
    expect(statements.at(-1)).toBe('ROLLBACK');
    const saved = await transactions.run(tenantIds.northshire, (manager) => manager.count(AuditEvent, { where: { action: 'saved-inside' } }));
    expect(saved).toBe(0);
  });

  it('reads a live draft in one statement that sets the force itself (live_draft_of_force), confined to that force, leaving nothing on the connection', async () => {
    const sessionHash = 'f'.repeat(64);
    for (const slug of ['northshire', 'eastmarch']) {
      await transactions.run(tenantIds[slug], (manager) =>
        manager.query(
          `INSERT INTO drafts (tenant_id, service_id, form_version_id, session_hash, answers, language, updated_at, expires_at)
           SELECT $1, 'contact-us', id, $2, $3::jsonb, 'en', now(), now() + interval '1 day' FROM form_versions WHERE tenant_id = $1 AND service_id = 'contact-us' LIMIT 1`,
          [tenantIds[slug], sessionHash, JSON.stringify({ emergency: { emergency: slug } })],
        ),
      );
    }
    let northshire: Record<string, any>[] = [];
    const statements = await statementsDuring(/./, async () => {
      northshire = await transactions.rowsOf('live_draft_of_force', tenantIds.northshire, ['contact-us', sessionHash]);
    });
    expect(statements).toEqual(['SELECT * FROM live_draft_of_force($1, $2, $3)']);
    expect(northshire.map((row) => [row.tenant_id, row.answers.emergency.emergency])).toEqual([[tenantIds.northshire, 'northshire']]);
    const eastmarch = await transactions.rowsOf<Record<string, any>>('live_draft_of_force', tenantIds.eastmarch, ['contact-us', sessionHash]);
    expect(eastmarch.map((row) => row.tenant_id)).toEqual([tenantIds.eastmarch]);
    expect(await transactions.rowsOf('live_draft_of_force', '00000000-0000-4000-8000-000000000000', ['contact-us', sessionHash])).toEqual([]);
    // The force was set for that statement only: the one pooled connection carries none now, and sees no draft.
    expect(await dataSource.query(`SELECT coalesce(current_setting('app.tenant_id', true), '') AS force, (SELECT count(*)::int FROM drafts) AS drafts`)).toEqual([{ force: '', drafts: 0 }]);
    // A save names the revision it read: a stale one, or another force's, saves nothing.
    const [draft] = northshire;
    const save = (force: string, revision: number, message: string) =>
      transactions.rowsOf<{ save_draft_answers_of_force: boolean }>('save_draft_answers_of_force', force, [draft.id, revision, JSON.stringify({ message: { message } }), new Date(), new Date(Date.now() + 86_400_000)]);
    expect(await save(tenantIds.eastmarch, draft.revision, 'from another force')).toEqual([{ save_draft_answers_of_force: false }]);
    expect(await save(tenantIds.northshire, draft.revision, 'first')).toEqual([{ save_draft_answers_of_force: true }]);
    expect(await save(tenantIds.northshire, draft.revision, 'stale')).toEqual([{ save_draft_answers_of_force: false }]);
    const [saved] = await transactions.rowsOf<Record<string, any>>('live_draft_of_force', tenantIds.northshire, ['contact-us', sessionHash]);
    expect([saved.revision, saved.answers]).toEqual([draft.revision + 1, { message: { message: 'first' } }]);
    // Any update counts, not only these saves (a trigger): a save that read before it is stale.
    await transactions.run(tenantIds.northshire, (manager) => manager.query(`UPDATE drafts SET language = 'cy' WHERE id = $1`, [draft.id]));
    expect(await save(tenantIds.northshire, saved.revision, 'read before the change')).toEqual([{ save_draft_answers_of_force: false }]);
    await expect(transactions.rowsOf('live_draft_of_force', 'northshire', ['contact-us', sessionHash])).rejects.toThrow(/needs a tenant id/);
    await expect(transactions.rowsOf('drafts; DROP TABLE drafts', tenantIds.northshire, [])).rejects.toThrow(/Not a function name/);
    for (const slug of ['northshire', 'eastmarch']) await transactions.run(tenantIds[slug], (manager) => manager.query(`DELETE FROM drafts WHERE session_hash = $1`, [sessionHash]));
  });

  it('refuses to write a row for another tenant than the one set', async () => {
    await expect(
      transactions.run(tenantIds.northshire, (manager) => manager.insert(AuditEvent, { tenantId: tenantIds.eastmarch, actorType: 'system', action: 'smuggled' })),
    ).rejects.toThrow(/row-level security/);
  });
});

describe('the application role at start-up', () => {
  it('is refused when it could bypass row-level security', async () => {
    const { assertApplicationRole } = await import('@front-counter/database');
    const superuser = await createAppDataSource({ url: database.urls.admin, entities: [], poolSize: 1, applicationName: 'role-check-test' }).initialize();
    try {
      await expect(assertApplicationRole(superuser, 'APP_DATABASE_URL')).rejects.toThrow(/\(from APP_DATABASE_URL\) is a superuser.*row-level security would not protect tenants/);
    } finally {
      await superuser.destroy();
    }
    const appRole = await createAppDataSource({ url: database.urls.app, entities: [], poolSize: 1, applicationName: 'role-check-test' }).initialize();
    try {
      await expect(assertApplicationRole(appRole, 'APP_DATABASE_URL')).resolves.toBeUndefined();
    } finally {
      await appRole.destroy();
    }
  });
});
