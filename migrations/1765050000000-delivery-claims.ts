import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery being sent is claimed until `sending_until`, rather than held under a row lock for the
 * whole HTTP request: a worker claims it in one short transaction, sends with no database connection
 * held, and records the outcome in another. A worker killed mid-send leaves a claim that lapses after
 * the request's timeout, and the delivery goes again (with the same webhook-id).
 */
export class DeliveryClaims1765050000000 implements MigrationInterface {
  name = 'DeliveryClaims1765050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deliveries ADD COLUMN sending_until timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deliveries DROP COLUMN sending_until`);
  }
}
