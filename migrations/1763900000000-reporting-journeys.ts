import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public reporting journeys: national service definitions (public registry), each force's
 * immutable effective form versions, drafts, submitted reports and the transactional outbox.
 * Tenant tables are confined by row-level security to the tenant set on the transaction.
 */
export class ReportingJourneys1763900000000 implements MigrationInterface {
  name = 'ReportingJourneys1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE tenants ADD COLUMN services text[] NOT NULL DEFAULT '{}';

      CREATE TABLE national_services (
        id text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        definition jsonb NOT NULL,
        hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, version)
      );

      CREATE TABLE form_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        service_id text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        national_version integer NOT NULL,
        form jsonb NOT NULL,
        overlay jsonb,
        hash text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text NOT NULL,
        UNIQUE (tenant_id, service_id, version),
        FOREIGN KEY (service_id, national_version) REFERENCES national_services (id, version)
      );

      CREATE FUNCTION form_versions_immutable() RETURNS trigger
        LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'a published form version is immutable; publish a new version instead' USING ERRCODE = 'insufficient_privilege'; END $$;
      CREATE TRIGGER form_versions_no_update BEFORE UPDATE ON form_versions FOR EACH ROW EXECUTE FUNCTION form_versions_immutable();

      CREATE TABLE drafts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        service_id text NOT NULL,
        form_version_id uuid NOT NULL REFERENCES form_versions (id),
        session_hash text NOT NULL,
        resume_hash text UNIQUE,
        answers jsonb NOT NULL DEFAULT '{}'::jsonb,
        language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'cy')),
        report_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX drafts_session ON drafts (tenant_id, session_hash, service_id);
      CREATE INDEX drafts_expiry ON drafts (expires_at);

      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        reference text NOT NULL,
        service_id text NOT NULL,
        form_version_id uuid NOT NULL REFERENCES form_versions (id),
        draft_id uuid NOT NULL UNIQUE,
        answers jsonb NOT NULL,
        flags text[] NOT NULL DEFAULT '{}',
        reporter_name text,
        reporter_email text,
        reporter_phone text,
        language text NOT NULL CHECK (language IN ('en', 'cy')),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, reference)
      );
      CREATE INDEX reports_tenant_time ON reports (tenant_id, submitted_at);

      CREATE TABLE outbox_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        available_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        delivered_at timestamptz,
        last_error text
      );
      CREATE INDEX outbox_pending ON outbox_events (tenant_id, available_at) WHERE delivered_at IS NULL;

      ALTER TABLE national_services ENABLE ROW LEVEL SECURITY;
      ALTER TABLE national_services FORCE ROW LEVEL SECURITY;
      CREATE POLICY registry_read ON national_services FOR SELECT USING (true);
      CREATE POLICY registry_maintain ON national_services FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);

      ALTER TABLE form_versions ENABLE ROW LEVEL SECURITY;
      ALTER TABLE form_versions FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON form_versions USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

      ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
      ALTER TABLE drafts FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON drafts USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

      ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
      ALTER TABLE reports FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON reports USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

      ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
      ALTER TABLE outbox_events FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON outbox_events USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());

      REVOKE ALL ON national_services, form_versions, drafts, reports, outbox_events FROM PUBLIC;
      GRANT SELECT ON national_services, form_versions TO front_counter_app;
      GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO front_counter_app;
      GRANT SELECT, INSERT ON reports TO front_counter_app;
      GRANT SELECT, INSERT, UPDATE ON outbox_events TO front_counter_app;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE outbox_events;
      DROP TABLE reports;
      DROP TABLE drafts;
      DROP TABLE form_versions;
      DROP FUNCTION form_versions_immutable();
      DROP TABLE national_services;
      ALTER TABLE tenants DROP COLUMN services;
    `);
  }
}
