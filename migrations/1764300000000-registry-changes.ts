import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Changes to the registry (forces, their domains, published forms and routing rules) announce
 * themselves on the `front_counter_registry` channel as they commit, whoever makes them (tenant sync,
 * the national programme team, a force administrator), so every api instance drops what it cached
 * within moments instead of waiting for its cache to expire.
 *
 * The national programme team suspends and reinstates a force through one narrow SECURITY DEFINER
 * function (the application role may only read the registry); the api checks the caller's
 * national-admin role before calling it. Nothing is deleted.
 */
export class RegistryChanges1764300000000 implements MigrationInterface {
  name = 'RegistryChanges1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_registry_change() RETURNS trigger
        LANGUAGE plpgsql SET search_path = public, pg_temp
        AS $$
        DECLARE
          v_row jsonb := to_jsonb(coalesce(NEW, OLD));
          v_tenant text := CASE WHEN TG_TABLE_NAME = 'tenants' THEN v_row->>'id' ELSE v_row->>'tenant_id' END;
        BEGIN
          PERFORM pg_notify('front_counter_registry', json_build_object('table', TG_TABLE_NAME, 'tenantId', v_tenant)::text);
          RETURN NULL;
        END $$;
      CREATE TRIGGER registry_changed AFTER INSERT OR UPDATE OR DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION notify_registry_change();
      CREATE TRIGGER registry_changed AFTER INSERT OR UPDATE OR DELETE ON tenant_domains FOR EACH ROW EXECUTE FUNCTION notify_registry_change();
      CREATE TRIGGER registry_changed AFTER INSERT OR UPDATE OR DELETE ON form_versions FOR EACH ROW EXECUTE FUNCTION notify_registry_change();
      CREATE TRIGGER registry_changed AFTER INSERT OR UPDATE OR DELETE ON routing_rule_sets FOR EACH ROW EXECUTE FUNCTION notify_registry_change();

      ALTER TABLE tenants ADD COLUMN status_reason text, ADD COLUMN status_changed_at timestamptz;

      -- Suspends ('suspended') or reinstates ('active') a force by slug; returns its id, or raises.
      CREATE FUNCTION set_force_status(p_slug text, p_status text, p_reason text) RETURNS uuid
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
          v_id uuid;
        BEGIN
          IF p_status NOT IN ('active', 'suspended') THEN RAISE EXCEPTION 'unknown status %', p_status USING ERRCODE = 'check_violation'; END IF;
          UPDATE tenants SET status = p_status, status_reason = CASE WHEN p_status = 'suspended' THEN left(p_reason, 500) END, status_changed_at = now()
            WHERE slug = p_slug RETURNING id INTO v_id;
          IF v_id IS NULL THEN RAISE EXCEPTION 'no force %', p_slug USING ERRCODE = 'no_data_found'; END IF;
          RETURN v_id;
        END $$;
      REVOKE ALL ON FUNCTION set_force_status(text, text, text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION set_force_status(text, text, text) TO front_counter_app;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION set_force_status(text, text, text);
      ALTER TABLE tenants DROP COLUMN status_reason, DROP COLUMN status_changed_at;
      DROP TRIGGER registry_changed ON routing_rule_sets;
      DROP TRIGGER registry_changed ON form_versions;
      DROP TRIGGER registry_changed ON tenant_domains;
      DROP TRIGGER registry_changed ON tenants;
      DROP FUNCTION notify_registry_change();
    `);
  }
}
