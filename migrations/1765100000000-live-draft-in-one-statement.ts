import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A reporter's draft read and saved in one round trip each, outside any transaction, instead of
 * opening one, setting the force, locking the draft, saving and committing (five round trips):
 *
 * - `live_draft_of_force` sets the force for the statement's own transaction, then selects.
 * - `save_draft_answers_of_force` sets the force, then saves answers only if the draft is still at the
 *   revision the caller read (and unsent, and live): a change made meanwhile makes it answer false,
 *   and the caller does the change again under a lock.
 * - `revision` counts every update of a draft, whoever makes it (a trigger), so that comparison holds
 *   against every writer, the locked ones included.
 *
 * Both functions are SECURITY INVOKER, as every function the app role calls: row-level security
 * applies inside them as to any other statement, with the force they have just set, and
 * `set_config(..., true)` ends with the statement, so nothing is left on the pooled connection.
 */
export class LiveDraftInOneStatement1765100000000 implements MigrationInterface {
  name = 'LiveDraftInOneStatement1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE drafts ADD COLUMN revision integer NOT NULL DEFAULT 0;
      CREATE FUNCTION drafts_next_revision() RETURNS trigger
        LANGUAGE plpgsql SET search_path = public, pg_temp
        AS $$ BEGIN
          NEW.revision := OLD.revision + 1;
          RETURN NEW;
        END $$;
      CREATE TRIGGER drafts_next_revision BEFORE UPDATE ON drafts FOR EACH ROW EXECUTE FUNCTION drafts_next_revision();

      CREATE FUNCTION live_draft_of_force(force uuid, service text, session text) RETURNS SETOF drafts
        LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
        AS $$ BEGIN
          PERFORM set_config('app.tenant_id', force::text, true);
          RETURN QUERY SELECT * FROM drafts
            WHERE service_id = service AND session_hash = session AND expires_at > now()
            ORDER BY created_at DESC LIMIT 1;
        END $$;
      REVOKE ALL ON FUNCTION live_draft_of_force(uuid, text, text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION live_draft_of_force(uuid, text, text) TO front_counter_app;

      CREATE FUNCTION save_draft_answers_of_force(force uuid, draft uuid, seen_revision integer, new_answers jsonb, new_updated_at timestamptz, new_expires_at timestamptz) RETURNS boolean
        LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
        AS $$ BEGIN
          PERFORM set_config('app.tenant_id', force::text, true);
          UPDATE drafts SET answers = new_answers, updated_at = new_updated_at, expires_at = new_expires_at
            WHERE id = draft AND revision = seen_revision AND report_id IS NULL AND expires_at > now();
          RETURN FOUND;
        END $$;
      REVOKE ALL ON FUNCTION save_draft_answers_of_force(uuid, uuid, integer, jsonb, timestamptz, timestamptz) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION save_draft_answers_of_force(uuid, uuid, integer, jsonb, timestamptz, timestamptz) TO front_counter_app;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION save_draft_answers_of_force(uuid, uuid, integer, jsonb, timestamptz, timestamptz);
      DROP FUNCTION live_draft_of_force(uuid, text, text);
      DROP TRIGGER drafts_next_revision ON drafts;
      DROP FUNCTION drafts_next_revision();
      ALTER TABLE drafts DROP COLUMN revision;
    `);
  }
}
