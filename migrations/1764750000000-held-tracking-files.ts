import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files a reporter adds to a sent report through tracking arrive one by one, but belong to one form:
 * until the whole form has been read they are held, not yet on the report (`report_id` empty,
 * `held_for_report_id` naming it, `held_batch` the form's upload). Confirming the batch puts them on
 * the report in one transaction; a form that broke part-way discards its batch, and a batch nobody
 * confirmed (the web stopped mid-form) is swept with abandoned files.
 */
export class HeldTrackingFiles1764750000000 implements MigrationInterface {
  name = 'HeldTrackingFiles1764750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE evidence_files
        ADD COLUMN held_batch uuid,
        ADD COLUMN held_for_report_id uuid REFERENCES reports (id),
        ADD CONSTRAINT evidence_files_held CHECK ((held_batch IS NULL) = (held_for_report_id IS NULL) AND (held_batch IS NULL OR (report_id IS NULL AND source = 'tracking')));
      CREATE INDEX evidence_files_held ON evidence_files (held_for_report_id, held_batch) WHERE held_batch IS NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM evidence_files WHERE held_batch IS NOT NULL;
      ALTER TABLE evidence_files DROP COLUMN held_batch, DROP COLUMN held_for_report_id;
    `);
  }
}
