import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence the worker cannot process (issue 12): a damaged photo, or a JPEG header followed by
 * anything else, used to fail five times in a few milliseconds and then wait as `pending` for ever.
 *
 * - scan_status `unprocessable`: given up on, for good (staff see "could not be processed", the
 *   reporter is told). The original stays stored as received.
 * - next_attempt_at: a failed attempt is retried with exponential back-off, not on the next tick.
 * - last_processing_error: the last failure as the worker saw it, for operators (never shown to the public).
 *
 * Files left pending by the old limit get a fresh set of attempts under the new rules.
 */
export class UnprocessableEvidence1764600000000 implements MigrationInterface {
  name = 'UnprocessableEvidence1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE evidence_files DROP CONSTRAINT evidence_files_scan_status_check;
      ALTER TABLE evidence_files ADD CONSTRAINT evidence_files_scan_status_check CHECK (scan_status IN ('pending', 'clean', 'infected', 'not-scanned', 'unprocessable'));
      ALTER TABLE evidence_files
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN last_processing_error text CHECK (length(last_processing_error) <= 1000);
      UPDATE evidence_files SET processing_attempts = 0, processing_started_at = NULL WHERE scan_status = 'pending';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE evidence_files SET scan_status = 'pending', scan_detail = NULL, scanned_at = NULL WHERE scan_status = 'unprocessable';
      ALTER TABLE evidence_files DROP COLUMN last_processing_error, DROP COLUMN next_attempt_at;
      ALTER TABLE evidence_files DROP CONSTRAINT evidence_files_scan_status_check;
      ALTER TABLE evidence_files ADD CONSTRAINT evidence_files_scan_status_check CHECK (scan_status IN ('pending', 'clean', 'infected', 'not-scanned'));
    `);
  }
}
