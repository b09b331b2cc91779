import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { appUrlFor, OWNER_ROLE, withDatabase, type DatabaseUrls } from '@front-counter/database';
import { TEST_APP_PASSWORD, TEST_STATE_FILE_VARIABLE, type TestDatabaseState } from './test-database-state.js';

export interface TestDatabase {
  name: string;
  urls: DatabaseUrls;
  drop(): Promise<void>;
}

function state(): TestDatabaseState {
  const file = process.env[TEST_STATE_FILE_VARIABLE];
  if (!file) throw new Error('The test database was not set up: run tests through `npm test` (Jest globalSetup).');
  return JSON.parse(readFileSync(file, 'utf8')) as TestDatabaseState;
}

/** A database of its own for one test file, cloned from the migrated template, so files run in parallel. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { serverUrl, templateDatabase, runId } = state();
  const name = `fc_${runId}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    // CREATE DATABASE ... TEMPLATE needs the template to be idle; parallel clones can collide briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase}" OWNER ${OWNER_ROLE}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
  const admin = withDatabase(serverUrl, name);
  return {
    name,
    urls: { admin, app: appUrlFor(admin, TEST_APP_PASSWORD) },
    drop: async () => {
      const dropper = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
