import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Back-office delivery: each force's destinations (its records system by signed webhook, or a
 * mailbox), every delivery of an event to one of them with the document as it was sent, and every
 * attempt. Deliveries of one report to one destination go in order (`sequence`); one that failed
 * every attempt for 72 hours is a dead letter until an administrator replays it. A receiving system's
 * own reference (a crime or incident number) is kept on the report.
 */
export class Deliveries1764900000000 implements MigrationInterface {
  name = 'Deliveries1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE destinations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('webhook', 'email')),
        url text,
        url_env text,
        secret_env text,
        address text,
        events text[] NOT NULL,
        -- Suspended: deliveries are made and kept, and wait; resumed, they go in order.
        suspended_at timestamptz,
        suspended_by text,
        -- No longer in the force's file: kept for its deliveries' history, given no new ones.
        retired_at timestamptz,
        file_hash text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name),
        CHECK (type <> 'webhook' OR (secret_env IS NOT NULL AND (url IS NULL) <> (url_env IS NULL))),
        CHECK (type <> 'email' OR address IS NOT NULL)
      );

      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sequence bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        destination_id uuid NOT NULL REFERENCES destinations (id),
        report_id uuid REFERENCES reports (id) ON DELETE CASCADE,
        -- The Standard Webhooks webhook-id: the same on every attempt, so a receiver can drop repeats.
        message_id text NOT NULL UNIQUE,
        event_type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        last_error text,
        -- What the receiver answered with, e.g. its crime number.
        external_reference text,
        replayed_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX deliveries_chain ON deliveries (destination_id, report_id, sequence) WHERE status <> 'delivered';
      CREATE INDEX deliveries_recent ON deliveries (tenant_id, sequence DESC);

      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id),
        delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        status_code integer,
        ok boolean NOT NULL,
        error text,
        duration_ms integer NOT NULL
      );
      CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

      ALTER TABLE reports ADD COLUMN external_reference text;

      ALTER TABLE destinations ENABLE ROW LEVEL SECURITY;
      ALTER TABLE destinations FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON destinations USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
      ALTER TABLE deliveries FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON deliveries USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      ALTER TABLE delivery_attempts ENABLE ROW LEVEL SECURITY;
      ALTER TABLE delivery_attempts FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON delivery_attempts USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
      REVOKE ALL ON destinations, deliveries, delivery_attempts FROM PUBLIC;
      GRANT SELECT, UPDATE ON destinations TO front_counter_app;
      GRANT SELECT, INSERT, UPDATE ON deliveries TO front_counter_app;
      GRANT SELECT, INSERT ON delivery_attempts TO front_counter_app;

      SELECT pgboss.create_queue('delivery', '{"policy": "standard", "retryLimit": 5, "retryDelay": 30, "retryBackoff": true, "expireInSeconds": 120}');
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO front_counter_app;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      SELECT pgboss.delete_queue('delivery');
      ALTER TABLE reports DROP COLUMN external_reference;
      DROP TABLE delivery_attempts, deliveries, destinations;
    `);
  }
}
