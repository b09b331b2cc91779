import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How the reporter asked to hear from the force (the answer to the question marked `reporter: contactBy`):
 * `text` sends their confirmation, tracking codes and updates by text message where the force's channel
 * can. Null for reports made before, and for services that do not ask: those go by e-mail as before.
 */
export class ReporterContactBy1765000000000 implements MigrationInterface {
  name = 'ReporterContactBy1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reports ADD COLUMN reporter_contact_by text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reports DROP COLUMN reporter_contact_by`);
  }
}
