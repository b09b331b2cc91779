import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracking codes count wrong tries per client as well as in all: a stranger who knows a reference
 * spends only their own five tries on the reporter's code, never the reporter's. `client_attempts`
 * maps a hash of the client (never its address) to its tries; `attempts` stays the total, which
 * has a higher ceiling of its own against guessing from many addresses.
 */
export class TrackingAttemptsPerClient1764650000000 implements MigrationInterface {
  name = 'TrackingAttemptsPerClient1764650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tracking_codes ADD COLUMN client_attempts jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(client_attempts) = 'object')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tracking_codes DROP COLUMN client_attempts`);
  }
}
