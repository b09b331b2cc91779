import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each force's e-mail and text messages go out, from the `notifications` block of its tenant
 * file: GOV.UK Notify (template ids and the name of the environment variable holding its API key,
 * never the key) or SMTP. Null, as for every force until its file says otherwise: the platform's SMTP.
 */
export class ForceNotifications1764850000000 implements MigrationInterface {
  name = 'ForceNotifications1764850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants ADD COLUMN notifications jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants DROP COLUMN notifications`);
  }
}
