import type { MigrationInterface, QueryRunner } from 'typeorm';
import { transferReport } from './1764800000000-job-queues.js';

/**
 * Events about a report for its force's back office (updated, transferred, triage decided): when the
 * report moves to another force, those its force wrote and has not yet delivered stay with that force,
 * whose back office still hears them (`report.submitted`, not yet sent anywhere, still goes with the report).
 */
export class BackOfficeEvents1764950000000 implements MigrationInterface {
  name = 'BackOfficeEvents1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(transferReport(true, ['report.updated', 'report.transferred', 'triage.decided']));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(transferReport(true));
  }
}
