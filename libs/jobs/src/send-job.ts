import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { JOB_QUEUES, JOB_SCHEMA, type JobPayloads, type JobQueueName } from './queues.js';

/** A pg-boss that only ever writes through the transaction it is given: it opens no connection of its own. */
const sender = new PgBoss({
  schema: JOB_SCHEMA,
  db: {
    executeSql: () => Promise.reject(new Error('Jobs are sent through the transaction of the change that causes them (sendJob(manager, ...))')),
  },
});

/** pg-boss's database interface over the caller's transaction. */
export function transactionDb(manager: EntityManager): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      const runner = manager.queryRunner;
      if (!runner?.isTransactionActive) throw new Error('sendJob needs the EntityManager of a running transaction');
      const result = await runner.query(text, values, true);
      return { rows: result.records ?? [] };
    },
  };
}

/**
 * Enqueues a job in the caller's transaction: it exists if and only if the change that causes it
 * commits, and a worker may take it from then on. Returns the job's id.
 */
export async function sendJob<Name extends JobQueueName>(manager: EntityManager, name: Name, data: JobPayloads[Name], options: Omit<PgBoss.SendOptions, 'db'> = {}): Promise<string> {
  const { deadLetter, ...policy } = JOB_QUEUES[name] as PgBoss.Queue;
  const id = await sender.send(name, data, { ...policy, ...(deadLetter ? { deadLetter } : {}), ...options, db: transactionDb(manager) });
  if (!id) throw new Error(`The ${name} job was not enqueued`);
  return id;
}
