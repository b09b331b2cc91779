import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Going live: what operators need to see a force's health and follow a report across processes.
 *
 * - outbox_events.trace_parent and evidence_files.trace_parent: the W3C traceparent of the request
 *   that caused the event or uploaded the file, so the worker's delivery and scan log lines carry
 *   the same trace id as the web's and the api's.
 * - Partial indexes for the per-force figures the worker exports as metrics on every scrape
 *   (deadlines missed today): without them each scrape would read every report of every force.
 */
export class GoingLive1764500000000 implements MigrationInterface {
  name = 'GoingLive1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE outbox_events ADD COLUMN trace_parent text CHECK (length(trace_parent) <= 100);
      ALTER TABLE evidence_files ADD COLUMN trace_parent text CHECK (length(trace_parent) <= 100);
      CREATE INDEX reports_triage_breaches ON reports (tenant_id, triage_breached_at) WHERE triage_breached_at IS NOT NULL;
      CREATE INDEX reports_reply_breaches ON reports (tenant_id, reply_breached_at) WHERE reply_breached_at IS NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX reports_reply_breaches;
      DROP INDEX reports_triage_breaches;
      ALTER TABLE evidence_files DROP COLUMN trace_parent;
      ALTER TABLE outbox_events DROP COLUMN trace_parent;
    `);
  }
}
