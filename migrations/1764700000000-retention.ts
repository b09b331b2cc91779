import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (issue 12): the worker deletes reports past their service's retention period, force by
 * force as the application role (row-level security confines each deletion to the force set on the
 * transaction), and prunes delivered outbox events.
 *
 * - The application role may now DELETE reports and outbox events of its force. A report's timeline,
 *   duplicate links and tracking codes and sessions go with it (ON DELETE CASCADE); its evidence rows
 *   and drafts the worker deletes first.
 * - Two guards hold whatever the caller: only a settled report (closed, allocated, dispatched or
 *   referred) can be deleted, never one still waiting for triage or for its reporter; and an outbox
 *   event that has not been delivered is never deleted while the report or draft it is about exists
 *   (an event about nothing, like a pending deletion of stored objects, is never deleted undelivered).
 * - Indexes for pruning delivered events and for finding a report's or a draft's events.
 */
export class Retention1764700000000 implements MigrationInterface {
  name = 'Retention1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      GRANT DELETE ON reports, outbox_events TO front_counter_app;

      CREATE FUNCTION reports_delete_only_settled() RETURNS trigger
        LANGUAGE plpgsql SET search_path = public, pg_temp
        AS $$ BEGIN
          IF OLD.status NOT IN ('allocated', 'dispatched', 'referred', 'closed') THEN
            RAISE EXCEPTION 'report % is % and cannot be deleted: only a settled report is', OLD.reference, OLD.status USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN OLD;
        END $$;
      CREATE TRIGGER reports_delete_only_settled BEFORE DELETE ON reports FOR EACH ROW EXECUTE FUNCTION reports_delete_only_settled();

      CREATE FUNCTION outbox_events_keep_undelivered() RETURNS trigger
        LANGUAGE plpgsql SET search_path = public, pg_temp
        AS $$ BEGIN
          IF OLD.delivered_at IS NULL AND (
               NOT (OLD.payload ? 'reportId' OR OLD.payload ? 'draftId')
               OR (OLD.payload ? 'reportId' AND EXISTS (SELECT 1 FROM reports WHERE id = (OLD.payload->>'reportId')::uuid))
               OR (OLD.payload ? 'draftId' AND EXISTS (SELECT 1 FROM drafts WHERE id = (OLD.payload->>'draftId')::uuid))) THEN
            RAISE EXCEPTION 'outbox event % (%) has not been delivered and is kept', OLD.id, OLD.type USING ERRCODE = 'insufficient_privilege';
          END IF;
          RETURN OLD;
        END $$;
      CREATE TRIGGER outbox_events_keep_undelivered BEFORE DELETE ON outbox_events FOR EACH ROW EXECUTE FUNCTION outbox_events_keep_undelivered();

      CREATE INDEX outbox_events_delivered ON outbox_events (tenant_id, delivered_at) WHERE delivered_at IS NOT NULL;
      CREATE INDEX outbox_events_report ON outbox_events (tenant_id, (payload->>'reportId')) WHERE payload ? 'reportId';
      CREATE INDEX outbox_events_draft ON outbox_events (tenant_id, (payload->>'draftId')) WHERE payload ? 'draftId';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX outbox_events_draft, outbox_events_report, outbox_events_delivered;
      DROP TRIGGER outbox_events_keep_undelivered ON outbox_events;
      DROP FUNCTION outbox_events_keep_undelivered();
      DROP TRIGGER reports_delete_only_settled ON reports;
      DROP FUNCTION reports_delete_only_settled();
      REVOKE DELETE ON reports, outbox_events FROM front_counter_app;
    `);
  }
}
