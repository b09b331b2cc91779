import pg from 'pg';
import { APP_ROLE, OWNER_ROLE } from './roles.js';

export interface DatabaseUrls {
  /** Owner or superuser connection: migrations, tenant sync, test set-up. */
  admin: string;
  /** The application's connection, as APP_ROLE. */
  app: string;
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The application's URL on the same server and database as `adminUrl`. */
export function appUrlFor(adminUrl: string, appPassword: string): string {
  const parsed = new URL(adminUrl);
  parsed.username = APP_ROLE;
  parsed.password = encodeURIComponent(appPassword);
  return parsed.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'front-counter-provision' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;
const quoteIdentifier = (value: string) => `"${value.replace(/"/g, '""')}"`;

/**
 * Makes the two roles and, when asked, the database; idempotent. Runs as a superuser or a role with
 * CREATEROLE (the embedded server's `postgres`, or the machine's own PostgreSQL). Where the roles
 * were made by someone else (a managed database), it only checks them.
 */
export async function provisionDatabase(options: { adminUrl: string; appPassword: string; createDatabase?: boolean }): Promise<void> {
  const database = databaseNameOf(options.adminUrl);
  await withClient(withDatabase(options.adminUrl, 'postgres'), async (client) => {
    const { rows } = await client.query<{ rolsuper: boolean; rolcreaterole: boolean }>(
      'SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    const canCreateRoles = rows[0]?.rolsuper || rows[0]?.rolcreaterole;
    for (const [role, attributes] of [
      [OWNER_ROLE, 'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'],
      [APP_ROLE, `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${quoteLiteral(options.appPassword)}`],
    ] as const) {
      const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
      if (!exists && !canCreateRoles) {
        throw new Error(`Database role ${role} does not exist and the DATABASE_URL user may not create roles: create it (see README) or connect as a superuser.`);
      }
      if (!canCreateRoles) continue;
      // Concurrent provisioning (parallel test set-ups) can race on CREATE ROLE: tolerate the loser.
      await client
        .query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${quoteIdentifier(role)} ${attributes}`)
        .catch((error: { code?: string }) => {
          if (error.code !== '23505' && error.code !== '42710') throw error;
        });
    }
    if (canCreateRoles) await client.query(`GRANT ${quoteIdentifier(OWNER_ROLE)} TO current_user`).catch(() => undefined);
    if (options.createDatabase) {
      const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
      if (!exists) await client.query(`CREATE DATABASE ${quoteIdentifier(database)} OWNER ${quoteIdentifier(OWNER_ROLE)}`);
    }
  });
  await withClient(options.adminUrl, async (client) => {
    await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${quoteIdentifier(OWNER_ROLE)}`).catch(() => undefined);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${quoteIdentifier(APP_ROLE)}`).catch(() => undefined);
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(database)} TO ${quoteIdentifier(APP_ROLE)}`).catch(() => undefined);
  });
}
