import PgBoss from 'pg-boss';
import { JOB_SCHEMA } from './queues.js';

type Query = (sql: string, parameters?: unknown[]) => Promise<unknown>;

/**
 * pg-boss's tables, in the transaction of the migration that calls this (its construction plan
 * opens and commits a transaction of its own: that wrapper is taken off so the migration stays one
 * unit). The plan is the pinned pg-boss version's; upgrading pg-boss means a migration that runs
 * `PgBoss.getMigrationPlans`.
 */
export async function installJobQueues(query: Query, options: { appRole: string; queues: Record<string, PgBoss.Queue | Omit<PgBoss.Queue, 'name'>> }): Promise<void> {
  const plan = PgBoss.getConstructionPlans(JOB_SCHEMA).trim();
  const wrapped = /^BEGIN;([\s\S]*)COMMIT;?$/.exec(plan);
  if (!wrapped) throw new Error('pg-boss construction plan is not the BEGIN ... COMMIT block this migration expects: check the pinned pg-boss version');
  const body = wrapped[1].replace(/SET LOCAL (lock_timeout|idle_in_transaction_session_timeout) = '30s';/g, '');
  await query(body);
  for (const [name, queue] of Object.entries(options.queues)) {
    const { retryLimit, retryDelay, retryBackoff, expireInSeconds, deadLetter, policy } = queue as PgBoss.Queue;
    await query(`SELECT ${JOB_SCHEMA}.create_queue($1, $2)`, [name, JSON.stringify({ policy: policy ?? 'standard', retryLimit, retryDelay, retryBackoff, expireInSeconds, deadLetter })]);
  }
  await grantJobQueues(query, options.appRole);
}

/** The application may use the queues (read, write, call pg-boss's functions) but not change their tables. */
export async function grantJobQueues(query: Query, appRole: string): Promise<void> {
  await query(`
    REVOKE ALL ON SCHEMA ${JOB_SCHEMA} FROM PUBLIC;
    GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${appRole};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${appRole};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOB_SCHEMA} TO ${appRole};
  `);
}

export async function uninstallJobQueues(query: Query): Promise<void> {
  await query(`DROP SCHEMA ${JOB_SCHEMA} CASCADE`);
}
