import type { MigrationInterface, QueryRunner } from 'typeorm';

/** At most one unsent draft per session and service, so the page a reporter sees is always the draft they are filling in. */
export class OneLiveDraft1764000000000 implements MigrationInterface {
  name = 'OneLiveDraft1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM drafts d USING drafts newer
        WHERE d.report_id IS NULL AND newer.report_id IS NULL AND d.tenant_id = newer.tenant_id AND d.service_id = newer.service_id
          AND d.session_hash = newer.session_hash AND d.created_at < newer.created_at;
      CREATE UNIQUE INDEX drafts_one_unsent_per_session ON drafts (tenant_id, service_id, session_hash) WHERE report_id IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX drafts_one_unsent_per_session`);
  }
}
