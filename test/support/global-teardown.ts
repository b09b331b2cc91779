import { readFileSync } from 'node:fs';
import pg from 'pg';
import { withDatabase } from '@front-counter/database';
import { TEST_STATE_FILE_VARIABLE, type TestDatabaseState } from './test-database-state.js';

export default async function globalTeardown(): Promise<void> {
  const stateFile = process.env[TEST_STATE_FILE_VARIABLE];
  const embedded = (globalThis as Record<string, unknown>).__frontCounterEmbedded as { stop(): Promise<void> } | undefined;
  if (stateFile && !embedded) {
    // On a shared server, remove what this run made (test files drop their own clones).
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as TestDatabaseState;
    const client = new pg.Client({ connectionString: withDatabase(state.serverUrl, 'postgres') });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`fc_%${state.runId}%`]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  await embedded?.stop();
}
