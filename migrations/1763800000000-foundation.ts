import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants, their domains and the audit trail, with row-level security.
 * The tenant registry (tenants, tenant_domains) is readable by everyone, since the public side must find
 * a force from its Host before any tenant is known; only the owner role writes it (tenant sync).
 * Audit events are tenant data: visible and insertable only within the tenant set on the transaction,
 * and append-only (the app role has no UPDATE or DELETE, and a trigger refuses them for everyone).
 */
export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION current_tenant_id() RETURNS uuid
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{1,39}$'),
        name jsonb NOT NULL,
        languages text[] NOT NULL CHECK (languages <@ ARRAY['en', 'cy'] AND 'en' = ANY (languages)),
        website text,
        branding jsonb NOT NULL,
        contact jsonb NOT NULL,
        promises jsonb NOT NULL,
        identity jsonb NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE tenant_domains (
        hostname text PRIMARY KEY CHECK (hostname = lower(hostname) AND hostname !~ '[:/ ]'),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        is_primary boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tenant_domains_tenant_id ON tenant_domains (tenant_id);
      CREATE UNIQUE INDEX tenant_domains_one_primary ON tenant_domains (tenant_id) WHERE is_primary;

      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_type text NOT NULL CHECK (actor_type IN ('public', 'staff', 'system')),
        actor_id text,
        action text NOT NULL,
        subject_type text,
        subject_id text,
        reason text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        request_id text
      );
      CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, occurred_at);

      CREATE FUNCTION audit_events_append_only() RETURNS trigger
        LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege'; END $$;
      CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

      ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
      CREATE POLICY registry_read ON tenants FOR SELECT USING (true);
      CREATE POLICY registry_maintain ON tenants FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);

      ALTER TABLE tenant_domains ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tenant_domains FORCE ROW LEVEL SECURITY;
      CREATE POLICY registry_read ON tenant_domains FOR SELECT USING (true);
      CREATE POLICY registry_maintain ON tenant_domains FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);

      ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
      ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON audit_events
        USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

      REVOKE ALL ON tenants, tenant_domains, audit_events FROM PUBLIC;
      GRANT SELECT ON tenants, tenant_domains TO front_counter_app;
      GRANT SELECT, INSERT ON audit_events TO front_counter_app;
      GRANT EXECUTE ON FUNCTION current_tenant_id() TO front_counter_app;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE audit_events;
      DROP FUNCTION audit_events_append_only();
      DROP TABLE tenant_domains;
      DROP TABLE tenants;
      DROP FUNCTION current_tenant_id();
    `);
  }
}
