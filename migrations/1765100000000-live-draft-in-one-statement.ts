import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A reporter's live draft read in one round trip: a function that sets the force for the statement's
 * own transaction and then selects, instead of opening a transaction, setting the force, selecting
 * and committing (four round trips, then three). SECURITY INVOKER, as every function the app role
 * calls: row-level security applies to the select inside as to any other, with the force it has just
 * set, and `set_config(..., true)` ends with the statement, so nothing is left on the pooled connection.
 */
export class LiveDraftInOneStatement1765100000000 implements MigrationInterface {
  name = 'LiveDraftInOneStatement1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
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
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION live_draft_of_force(uuid, text, text)`);
  }
}
