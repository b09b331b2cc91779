import type { MigrationInterface, QueryRunner } from 'typeorm';
import { installJobQueues, uninstallJobQueues } from '@front-counter/jobs';

/**
 * Jobs move from the worker's home-made loop onto pg-boss, a queue in PostgreSQL: its tables in the
 * `pgboss` schema (owned by the owner role, used by the application role) and this release's
 * queues. An outbox event now carries whether a job was enqueued for it: events written before this
 * migration have none, and the worker enqueues theirs when it starts, once.
 */
export class JobQueues1764800000000 implements MigrationInterface {
  name = 'JobQueues1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await installJobQueues((sql, parameters) => queryRunner.query(sql, parameters), {
      appRole: 'front_counter_app',
      queues: {
        'outbox-dead': { retryLimit: 0 },
        outbox: { retryLimit: 9, retryDelay: 2, retryBackoff: true, expireInSeconds: 300, deadLetter: 'outbox-dead' },
        'evidence-scan': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 900 },
        deadline: { retryLimit: 3, retryDelay: 10, expireInSeconds: 300 },
        'worker-minutely': { retryLimit: 0, expireInSeconds: 300 },
        'retention-run': { retryLimit: 2, retryDelay: 60, expireInSeconds: 3600 },
        '__pgboss__send-it': {},
      },
    });
    await queryRunner.query(`
      ALTER TABLE outbox_events ADD COLUMN queued boolean NOT NULL DEFAULT false;
      CREATE INDEX outbox_unqueued ON outbox_events (tenant_id, id) WHERE NOT queued AND delivered_at IS NULL;
      -- When to try again is the job's (pg-boss's start_after), no longer the event's.
      DROP INDEX outbox_pending;
      ALTER TABLE outbox_events DROP COLUMN available_at;
    `);
    await queryRunner.query(transferReport(true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(transferReport(false));
    await queryRunner.query(`
      ALTER TABLE outbox_events ADD COLUMN available_at timestamptz NOT NULL DEFAULT now();
      CREATE INDEX outbox_pending ON outbox_events (tenant_id, available_at) WHERE delivered_at IS NULL;
      DROP INDEX outbox_unqueued;
      ALTER TABLE outbox_events DROP COLUMN queued;
    `);
    await uninstallJobQueues((sql) => queryRunner.query(sql));
  }
}

/**
 * transfer_report (1764100000000-triage) with, when `withJobs`, the moved events' jobs re-pointed to the
 * receiving force; undelivered events of the `staying` types stay with the force the report left.
 */
export function transferReport(withJobs: boolean, staying: string[] = []): string {
  const moves = `tenant_id = v_from AND payload->>'reportId' = p_report_id::text AND delivered_at IS NULL${staying.length ? ` AND type NOT IN (${staying.map((type) => `'${type}'`).join(', ')})` : ''}`;
  return `
      CREATE OR REPLACE FUNCTION transfer_report(p_report_id uuid, p_to_tenant uuid) RETURNS void
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
${withJobs ? `
          -- The report's undelivered events go with it, and so do their jobs (which name the force to deliver as).
          WITH moved AS (
            UPDATE outbox_events SET tenant_id = p_to_tenant WHERE ${moves} RETURNING id
          )
          UPDATE pgboss.job SET data = jsonb_set(data, '{tenantId}', to_jsonb(p_to_tenant::text))
            WHERE name = 'outbox' AND state IN ('created', 'retry', 'active') AND data->>'eventId' IN (SELECT id::text FROM moved);
` : `
          UPDATE outbox_events SET tenant_id = p_to_tenant WHERE ${moves};
`}
          UPDATE drafts SET transferred_to = p_to_tenant WHERE tenant_id = v_from AND report_id = p_report_id;
        END $$;
  `;
}
