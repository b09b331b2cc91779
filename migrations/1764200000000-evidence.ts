import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence files sent with a report (photos, video, documents): where each is stored, what its bytes
 * are, the SHA-256 of the original as received (evidential integrity), the derived copies staff see
 * (images without EXIF or GPS), and its malware scan state. The objects themselves live in the
 * evidence store under `evidence/<force>/<submission>/<file>.<variant>`; the submission is the
 * draft's id, which its report keeps as draft_id.
 *
 * A file follows its report when the report is transferred to another force (a trigger on
 * reports.tenant_id, so transfer_report() needs no change); its stored key keeps the old prefix.
 */
export class Evidence1764200000000 implements MigrationInterface {
  name = 'Evidence1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE evidence_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        submission_id uuid NOT NULL,
        report_id uuid REFERENCES reports (id),
        question_id text NOT NULL,
        source text NOT NULL CHECK (source IN ('journey', 'tracking')),
        original_name text NOT NULL CHECK (length(original_name) BETWEEN 1 AND 255),
        kind text NOT NULL CHECK (kind IN ('image', 'video', 'document')),
        media_type text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL UNIQUE,
        display_key text,
        thumbnail_key text,
        scan_status text NOT NULL DEFAULT 'pending' CHECK (scan_status IN ('pending', 'clean', 'infected', 'not-scanned')),
        scan_detail text,
        scanned_at timestamptz,
        -- A worker took it to scan and derive copies (another takes it over after a while if that worker died).
        processing_started_at timestamptz,
        processing_attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX evidence_files_submission ON evidence_files (tenant_id, submission_id, question_id, created_at);
      CREATE INDEX evidence_files_report ON evidence_files (report_id) WHERE report_id IS NOT NULL;
      CREATE INDEX evidence_files_pending ON evidence_files (created_at) WHERE scan_status = 'pending';
      ALTER TABLE evidence_files ENABLE ROW LEVEL SECURITY;
      ALTER TABLE evidence_files FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON evidence_files USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      CREATE POLICY transfer_between_forces ON evidence_files FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      GRANT SELECT, INSERT, UPDATE, DELETE ON evidence_files TO front_counter_app;

      -- Not SECURITY DEFINER: only transfer_report() moves a report, and it already runs as the owner.
      CREATE FUNCTION evidence_follows_report() RETURNS trigger
        LANGUAGE plpgsql SET search_path = public, pg_temp
        AS $$ BEGIN
          UPDATE evidence_files SET tenant_id = NEW.tenant_id WHERE report_id = NEW.id;
          RETURN NULL;
        END $$;
      REVOKE ALL ON FUNCTION evidence_follows_report() FROM PUBLIC;
      CREATE TRIGGER evidence_follows_report AFTER UPDATE OF tenant_id ON reports
        FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION evidence_follows_report();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER evidence_follows_report ON reports;
      DROP FUNCTION evidence_follows_report();
      DROP TABLE evidence_files;
    `);
  }
}
