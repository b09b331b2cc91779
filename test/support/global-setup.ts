import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provisionDatabase, runMigrations, startEmbeddedPostgres, withDatabase } from '@front-counter/database';
import { MIGRATIONS } from '../../migrations/index.js';
import { TEST_APP_PASSWORD, TEST_STATE_FILE_VARIABLE, type TestDatabaseState } from './test-database-state.js';

/**
 * Once per `npm test`: a real PostgreSQL (DATABASE_URL if set, else an embedded server in a
 * temporary folder) and a migrated template database that every integration test file clones.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const stateDirectory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-test-'));
  chmodSync(stateDirectory, 0o755); // the embedded server runs as the postgres OS user
  let serverUrl: string;
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    const server = await startEmbeddedPostgres({ dataDir: path.join(stateDirectory, 'postgres'), port: await freePort(), persistent: false });
    serverUrl = server.url;
    (globalThis as Record<string, unknown>).__frontCounterEmbedded = server;
  }
  const templateDatabase = `fc_template_${runId}`;
  const adminUrl = withDatabase(serverUrl, templateDatabase);
  await provisionDatabase({ adminUrl, appPassword: TEST_APP_PASSWORD, createDatabase: true });
  await runMigrations(adminUrl, MIGRATIONS);

  const state: TestDatabaseState = { serverUrl, templateDatabase, runId };
  const stateFile = path.join(stateDirectory, 'state.json');
  writeFileSync(stateFile, JSON.stringify(state));
  process.env[TEST_STATE_FILE_VARIABLE] = stateFile;
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
