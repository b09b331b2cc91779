import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Force administrators and the national programme team change the registry from the product.
 *
 * - admin_drafts: a force's unpublished changes (its site's branding and public texts, a service's
 *   overlay), one per thing, tenant data under row-level security. Publishing turns a draft into an
 *   immutable version (forms, routing rules) or the force's settings.
 * - Published versions name who published them and why (publisher's name, a note such as "Rolled back
 *   to version 2"), for the history pages.
 * - The application role still cannot write the registry's tables directly. Two narrow SECURITY
 *   DEFINER functions do what it may: update_force_settings() changes the settings of the force set
 *   for the transaction (app.tenant_id) only, and create_force() adds a new force with its domains
 *   (the api checks the caller is the national programme team first); publish_national_service() adds
 *   the next version of a national service.
 * - tenants.synced_hash: the hash of the tenant file last applied by tenant sync, so that an unchanged
 *   file does not undo what an administrator changed in the product.
 */
export class ForceAdministration1764400000000 implements MigrationInterface {
  name = 'ForceAdministration1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE admin_drafts (
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        kind text NOT NULL CHECK (kind IN ('site', 'service', 'routing')),
        key text NOT NULL DEFAULT '',
        content jsonb NOT NULL,
        updated_by text NOT NULL,
        updated_by_name text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, kind, key)
      );
      ALTER TABLE admin_drafts ENABLE ROW LEVEL SECURITY;
      ALTER TABLE admin_drafts FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON admin_drafts USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      REVOKE ALL ON admin_drafts FROM PUBLIC;
      GRANT SELECT, INSERT, UPDATE, DELETE ON admin_drafts TO front_counter_app;

      ALTER TABLE form_versions ADD COLUMN published_by_name text, ADD COLUMN note text;
      -- Publishing a version of the current force's form (the tenant_publish policy confines it; versions stay immutable).
      GRANT INSERT ON form_versions TO front_counter_app;
      ALTER TABLE routing_rule_sets ADD COLUMN published_by_name text, ADD COLUMN note text;
      ALTER TABLE tenants ADD COLUMN synced_hash text;

      -- The settings a force administrator may change, of the force set for this transaction only.
      CREATE FUNCTION update_force_settings(p_settings jsonb) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
          v_tenant uuid := current_tenant_id();
        BEGIN
          IF v_tenant IS NULL THEN RAISE EXCEPTION 'no force set for this transaction' USING ERRCODE = 'insufficient_privilege'; END IF;
          UPDATE tenants SET
              name = coalesce(p_settings->'name', name),
              branding = coalesce(p_settings->'branding', branding),
              contact = coalesce(p_settings->'contact', contact),
              promises = coalesce(p_settings->'promises', promises),
              identity = coalesce(p_settings->'identity', identity),
              services = CASE WHEN p_settings ? 'services' THEN ARRAY(SELECT jsonb_array_elements_text(p_settings->'services')) ELSE services END,
              updated_at = now()
            WHERE id = v_tenant;
          IF NOT FOUND THEN RAISE EXCEPTION 'no force %', v_tenant USING ERRCODE = 'no_data_found'; END IF;
        END $$;
      REVOKE ALL ON FUNCTION update_force_settings(jsonb) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION update_force_settings(jsonb) TO front_counter_app;

      -- A new force with its domains (the first is primary); returns its id. Raises on a slug or domain in use.
      CREATE FUNCTION create_force(p_slug text, p_fields jsonb, p_domains text[]) RETURNS uuid
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
          v_id uuid;
        BEGIN
          IF p_slug !~ '^[a-z][a-z0-9-]{1,39}$' THEN RAISE EXCEPTION 'invalid slug %', p_slug USING ERRCODE = 'check_violation'; END IF;
          IF coalesce(array_length(p_domains, 1), 0) = 0 THEN RAISE EXCEPTION 'a force needs a domain' USING ERRCODE = 'check_violation'; END IF;
          INSERT INTO tenants (slug, name, languages, website, branding, contact, promises, identity, services)
            VALUES (
              p_slug, p_fields->'name', ARRAY(SELECT jsonb_array_elements_text(p_fields->'languages')), p_fields->>'website',
              p_fields->'branding', p_fields->'contact', p_fields->'promises', p_fields->'identity',
              ARRAY(SELECT jsonb_array_elements_text(p_fields->'services'))
            )
            RETURNING id INTO v_id;
          INSERT INTO tenant_domains (hostname, tenant_id, is_primary)
            SELECT hostname, v_id, ordinality = 1 FROM unnest(p_domains) WITH ORDINALITY AS domain (hostname, ordinality);
          RETURN v_id;
        END $$;
      REVOKE ALL ON FUNCTION create_force(text, jsonb, text[]) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION create_force(text, jsonb, text[]) TO front_counter_app;

      -- A new version of a national service: only the next number after the newest (versions are immutable).
      CREATE FUNCTION publish_national_service(p_id text, p_version integer, p_definition jsonb, p_hash text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
          v_latest integer;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext('front-counter:national-service:' || p_id));
          SELECT max(version) INTO v_latest FROM national_services WHERE id = p_id;
          IF v_latest IS NULL THEN RAISE EXCEPTION 'no national service %', p_id USING ERRCODE = 'no_data_found'; END IF;
          IF p_version <> v_latest + 1 THEN RAISE EXCEPTION 'version must be %', v_latest + 1 USING ERRCODE = 'check_violation'; END IF;
          INSERT INTO national_services (id, version, definition, hash) VALUES (p_id, p_version, p_definition, p_hash);
        END $$;
      REVOKE ALL ON FUNCTION publish_national_service(text, integer, jsonb, text) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION publish_national_service(text, integer, jsonb, text) TO front_counter_app;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION publish_national_service(text, integer, jsonb, text);
      DROP FUNCTION create_force(text, jsonb, text[]);
      DROP FUNCTION update_force_settings(jsonb);
      ALTER TABLE tenants DROP COLUMN synced_hash;
      ALTER TABLE routing_rule_sets DROP COLUMN published_by_name, DROP COLUMN note;
      REVOKE INSERT ON form_versions FROM front_counter_app;
      ALTER TABLE form_versions DROP COLUMN published_by_name, DROP COLUMN note;
      DROP TABLE admin_drafts;
    `);
  }
}
