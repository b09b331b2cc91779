import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Triage: routing rules as versioned data, force areas, each report's queue, priority and SLA clock,
 * its timeline (events, with the messages the reporter sees), possible duplicates, and the reporter's
 * tracking codes and sessions.
 *
 * Two deliberate openings in tenant isolation, both narrow:
 * - Published form versions become readable by every force: they are public forms already, and a
 *   report transferred to another force must still show the questions it was made with.
 * - Moving a report between forces goes through one SECURITY DEFINER function, transfer_report(),
 *   which moves only a report of the caller's current force, with its timeline and pending
 *   messages; the owner-only policies below exist for it (the app role is no member of the owner).
 */
export class Triage1764100000000 implements MigrationInterface {
  name = 'Triage1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- Registry: each force's area. Public-read, since routing must find which force's area holds a place.
      CREATE TABLE tenant_areas (
        tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
        boundary jsonb NOT NULL,
        -- [west, south, east, north]: a cheap first test before the polygon test.
        bbox double precision[] NOT NULL CHECK (array_length(bbox, 1) = 4),
        hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE tenant_areas ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tenant_areas FORCE ROW LEVEL SECURITY;
      CREATE POLICY registry_read ON tenant_areas FOR SELECT USING (true);
      CREATE POLICY registry_maintain ON tenant_areas FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      GRANT SELECT ON tenant_areas TO front_counter_app;

      -- A force's routing rules, versioned like forms: a published set is never changed.
      CREATE TABLE routing_rule_sets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        version integer NOT NULL CHECK (version > 0),
        rules jsonb NOT NULL,
        hash text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by text NOT NULL,
        UNIQUE (tenant_id, version)
      );
      CREATE TRIGGER routing_rule_sets_no_update BEFORE UPDATE ON routing_rule_sets FOR EACH ROW EXECUTE FUNCTION form_versions_immutable();
      ALTER TABLE routing_rule_sets ENABLE ROW LEVEL SECURITY;
      ALTER TABLE routing_rule_sets FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON routing_rule_sets USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      GRANT SELECT, INSERT ON routing_rule_sets TO front_counter_app;

      ALTER TABLE reports
        ADD COLUMN status text NOT NULL DEFAULT 'awaiting-triage'
          CHECK (status IN ('awaiting-triage', 'awaiting-reporter', 'allocated', 'dispatched', 'referred', 'closed')),
        ADD COLUMN queue text NOT NULL DEFAULT 'general',
        ADD COLUMN priority smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
        ADD COLUMN routing_rule text,
        ADD COLUMN routing_rule_set_id uuid REFERENCES routing_rule_sets (id),
        ADD COLUMN triage_by timestamptz,
        ADD COLUMN reply_by timestamptz,
        ADD COLUMN triaged_at timestamptz,
        ADD COLUMN first_reply_at timestamptz,
        ADD COLUMN triage_breached_at timestamptz,
        ADD COLUMN reply_breached_at timestamptz,
        ADD COLUMN claimed_by text,
        ADD COLUMN claimed_by_name text,
        ADD COLUMN claimed_at timestamptz,
        ADD COLUMN location jsonb,
        ADD COLUMN vehicle_registrations text[] NOT NULL DEFAULT '{}',
        ADD COLUMN thrive jsonb,
        ADD COLUMN outcome jsonb,
        ADD COLUMN transferred_from uuid REFERENCES tenants (id),
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      UPDATE reports SET triage_by = submitted_at + interval '45 minutes', reply_by = submitted_at + interval '48 hours';
      ALTER TABLE reports ALTER COLUMN triage_by SET NOT NULL, ALTER COLUMN reply_by SET NOT NULL;
      GRANT UPDATE ON reports TO front_counter_app;
      -- The queue: open reports of a force by priority, then deadline.
      CREATE INDEX reports_queue ON reports (tenant_id, priority, triage_by) WHERE status = 'awaiting-triage';
      CREATE INDEX reports_open_deadlines ON reports (tenant_id, triage_by) WHERE triaged_at IS NULL;
      CREATE INDEX reports_reply_deadlines ON reports (tenant_id, reply_by) WHERE first_reply_at IS NULL;
      CREATE INDEX reports_vehicle_registrations ON reports USING gin (vehicle_registrations);
      CREATE INDEX reports_service_time ON reports (tenant_id, service_id, submitted_at);
      -- A reference names one report nationally: it survives a transfer and tracking finds it on any force's site.
      CREATE UNIQUE INDEX reports_reference ON reports (reference);

      -- The drafts of a submitted report keep its reference for the confirmation page, wherever the report went.
      ALTER TABLE drafts ADD COLUMN report_reference text, ADD COLUMN transferred_to uuid REFERENCES tenants (id);

      -- A report's timeline: every step, in order; the ones marked for the reporter are what tracking shows.
      CREATE TABLE report_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        kind text NOT NULL,
        actor_type text NOT NULL CHECK (actor_type IN ('public', 'staff', 'system')),
        actor_id text,
        actor_name text,
        -- Written for the reporter (shown in tracking and e-mailed); null for internal steps.
        message text CHECK (length(message) <= 5000),
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE INDEX report_events_report ON report_events (report_id, id);
      -- Append-only, except that a transfer moves the whole timeline to the receiving force.
      CREATE FUNCTION report_events_append_only() RETURNS trigger
        LANGUAGE plpgsql
        AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'tenant_id') = (to_jsonb(OLD) - 'tenant_id') THEN RETURN NEW; END IF;
          RAISE EXCEPTION 'report events are append-only' USING ERRCODE = 'insufficient_privilege';
        END $$;
      CREATE TRIGGER report_events_append_only BEFORE UPDATE ON report_events FOR EACH ROW EXECUTE FUNCTION report_events_append_only();
      ALTER TABLE report_events ENABLE ROW LEVEL SECURITY;
      ALTER TABLE report_events FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON report_events USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      GRANT SELECT, INSERT ON report_events TO front_counter_app;

      -- Possible duplicates, found at submission, confirmed or dismissed by a handler.
      CREATE TABLE report_duplicates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        other_report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'possible' CHECK (status IN ('possible', 'confirmed', 'dismissed')),
        decided_by text,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (report_id, other_report_id),
        CHECK (report_id <> other_report_id)
      );
      CREATE INDEX report_duplicates_other ON report_duplicates (other_report_id);
      ALTER TABLE report_duplicates ENABLE ROW LEVEL SECURITY;
      ALTER TABLE report_duplicates FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON report_duplicates USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      GRANT SELECT, INSERT, UPDATE ON report_duplicates TO front_counter_app;

      -- Tracking: a one-time code e-mailed to the address the report was made with (only its hash kept),
      -- then a short session for the reporter's browser.
      CREATE TABLE tracking_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tracking_codes_report ON tracking_codes (report_id, created_at);
      CREATE TABLE tracking_sessions (
        token_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE tracking_codes ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tracking_codes FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON tracking_codes USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      ALTER TABLE tracking_sessions ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tracking_sessions FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON tracking_sessions USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      GRANT SELECT, INSERT, UPDATE, DELETE ON tracking_codes, tracking_sessions TO front_counter_app;

      -- Published forms are public: any force may read any version (a transferred report shows its questions).
      DROP POLICY tenant_isolation ON form_versions;
      CREATE POLICY published_forms_read ON form_versions FOR SELECT USING (true);
      CREATE POLICY tenant_publish ON form_versions FOR INSERT WITH CHECK (tenant_id = current_tenant_id());

      -- transfer_report() runs as the owner; these policies let it, and only it in practice, cross forces.
      CREATE POLICY transfer_between_forces ON reports FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      CREATE POLICY transfer_between_forces ON report_events FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      CREATE POLICY transfer_between_forces ON report_duplicates FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      CREATE POLICY transfer_between_forces ON tracking_codes FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      CREATE POLICY transfer_between_forces ON tracking_sessions FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      CREATE POLICY transfer_between_forces ON outbox_events FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);
      CREATE POLICY transfer_between_forces ON drafts FOR ALL TO front_counter_owner USING (true) WITH CHECK (true);

      -- Moves a report of the current force to another active force: the report (back in the queue,
      -- unclaimed), its timeline and its unsent messages; possible-duplicate links and tracking codes stay
      -- behind (they are the old force's). Refuses anything not of the current force.
      CREATE FUNCTION transfer_report(p_report_id uuid, p_to_tenant uuid) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$
        DECLARE
          v_from uuid := current_tenant_id();
        BEGIN
          IF v_from IS NULL THEN RAISE EXCEPTION 'transfer_report needs a current force' USING ERRCODE = 'insufficient_privilege'; END IF;
          IF p_to_tenant = v_from THEN RAISE EXCEPTION 'a report cannot be transferred to its own force' USING ERRCODE = 'check_violation'; END IF;
          IF NOT EXISTS (SELECT 1 FROM tenants WHERE id = p_to_tenant AND status = 'active') THEN
            RAISE EXCEPTION 'no active force %', p_to_tenant USING ERRCODE = 'foreign_key_violation';
          END IF;
          PERFORM 1 FROM reports WHERE id = p_report_id AND tenant_id = v_from FOR UPDATE;
          IF NOT FOUND THEN RAISE EXCEPTION 'no report % in the current force', p_report_id USING ERRCODE = 'no_data_found'; END IF;
          DELETE FROM report_duplicates WHERE report_id = p_report_id OR other_report_id = p_report_id;
          DELETE FROM tracking_codes WHERE report_id = p_report_id;
          DELETE FROM tracking_sessions WHERE report_id = p_report_id;
          UPDATE reports SET tenant_id = p_to_tenant, transferred_from = v_from, status = 'awaiting-triage',
              claimed_by = NULL, claimed_by_name = NULL, claimed_at = NULL, updated_at = now()
            WHERE id = p_report_id;
          UPDATE report_events SET tenant_id = p_to_tenant WHERE report_id = p_report_id;
          UPDATE outbox_events SET tenant_id = p_to_tenant WHERE tenant_id = v_from AND payload->>'reportId' = p_report_id::text AND delivered_at IS NULL;
          UPDATE drafts SET transferred_to = p_to_tenant WHERE tenant_id = v_from AND report_id = p_report_id;
        END $$;
      REVOKE ALL ON FUNCTION transfer_report(uuid, uuid) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION transfer_report(uuid, uuid) TO front_counter_app;

      -- A report's audit trail, for its supervisors.
      CREATE INDEX audit_events_subject ON audit_events (tenant_id, subject_type, subject_id, id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX audit_events_subject;
      DROP FUNCTION transfer_report(uuid, uuid);
      DROP POLICY transfer_between_forces ON drafts;
      DROP POLICY transfer_between_forces ON outbox_events;
      DROP POLICY published_forms_read ON form_versions;
      DROP POLICY tenant_publish ON form_versions;
      CREATE POLICY tenant_isolation ON form_versions USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      DROP TABLE tracking_sessions, tracking_codes, report_duplicates, report_events;
      DROP FUNCTION report_events_append_only();
      ALTER TABLE drafts DROP COLUMN report_reference, DROP COLUMN transferred_to;
      DROP POLICY transfer_between_forces ON reports;
      REVOKE UPDATE ON reports FROM front_counter_app;
      DROP INDEX reports_reference, reports_queue, reports_open_deadlines, reports_reply_deadlines, reports_vehicle_registrations, reports_service_time;
      ALTER TABLE reports
        DROP COLUMN status, DROP COLUMN queue, DROP COLUMN priority, DROP COLUMN tags, DROP COLUMN routing_rule,
        DROP COLUMN routing_rule_set_id, DROP COLUMN triage_by, DROP COLUMN reply_by, DROP COLUMN triaged_at,
        DROP COLUMN first_reply_at, DROP COLUMN triage_breached_at, DROP COLUMN reply_breached_at, DROP COLUMN claimed_by,
        DROP COLUMN claimed_by_name, DROP COLUMN claimed_at, DROP COLUMN location, DROP COLUMN vehicle_registrations,
        DROP COLUMN thrive, DROP COLUMN outcome, DROP COLUMN transferred_from, DROP COLUMN updated_at;
      DROP TABLE routing_rule_sets, tenant_areas;
    `);
  }
}
