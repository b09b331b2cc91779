import type { AppConfig } from '@front-counter/config';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { appUrlFor, provisionDatabase, withDatabase, type DatabaseUrls } from './provision.js';
import { EMBEDDED_DATABASE_NAME } from './roles.js';

/**
 * Finds the database to use: DATABASE_URL when set, else the embedded server under DATA_DIR (started
 * here, or reused if `npm start` already runs it). Provisions roles and the database when it may.
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void = () => undefined,
  options: { provision: boolean } = { provision: true },
): Promise<{ urls: DatabaseUrls; embedded: boolean; reused?: boolean; stop: () => Promise<void> }> {
  const { database } = config;
  const appSource = database.appUrl ? 'APP_DATABASE_URL' : 'DATABASE_URL with the app role';
  if (!database.adminUrl && database.appUrl) {
    // A process that only serves (no migrations, no sync) may be given just its own connection.
    return { urls: { admin: database.appUrl, app: database.appUrl, appSource }, embedded: false, stop: async () => undefined };
  }
  if (database.adminUrl) {
    // Never reset an existing role's password to a default: only an explicit DATABASE_APP_PASSWORD sets it.
    if (options.provision) await provisionDatabase({ adminUrl: database.adminUrl, appPassword: database.appPasswordExplicit ? database.appPassword : undefined, createDatabase: true });
    return {
      urls: { admin: database.adminUrl, app: database.appUrl ?? appUrlFor(database.adminUrl, database.appPassword), appSource },
      embedded: false,
      stop: async () => undefined,
    };
  }
  const server = await startEmbeddedPostgres({ dataDir: database.embedded.dataDir, port: database.embedded.port, persistent: true, log });
  const admin = withDatabase(server.url, EMBEDDED_DATABASE_NAME);
  if (options.provision) await provisionDatabase({ adminUrl: admin, appPassword: database.appPassword, createDatabase: true });
  return { urls: { admin, app: database.appUrl ?? appUrlFor(admin, database.appPassword), appSource: 'the embedded server' }, embedded: true, reused: !server.ownedByThisProcess, stop: () => server.stop() };
}
