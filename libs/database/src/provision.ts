import pg from 'pg';
import { APP_ROLE, OWNER_ROLE } from './roles.js';

export interface DatabaseUrls {
  /** Owner or superuser connection: migrations, tenant sync, test set-up. */
  admin: string;
  /** The application's connection, as APP_ROLE. */
  app: string;
  /** Where the app URL came from, for messages (never the URL itself: it may hold a password). */
  appSource?: string;
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
export function appUrlFor(adminUrl: string, appPassword: string | undefined): string {
  const parsed = new URL(adminUrl);
  parsed.username = APP_ROLE;
  parsed.password = appPassword ? encodeURIComponent(appPassword) : '';
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
 * Makes the two roles and, when asked, the database; idempotent. Creating roles needs a superuser or
 * CREATEROLE (the embedded server's `postgres`, the machine's own PostgreSQL); where someone else made
 * them (a managed database, see infra/README.md) it only checks them. It never loosens a role: an app
 * role that is a superuser or bypasses row-level security is refused, not altered.
 */
export async function provisionDatabase(options: { adminUrl: string; appPassword?: string; createDatabase?: boolean }): Promise<void> {
  const database = databaseNameOf(options.adminUrl);
  await withClient(withDatabase(options.adminUrl, 'postgres'), async (client) => {
    const { rows } = await client.query<{ rolsuper: boolean; rolcreaterole: boolean }>('SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user');
    const canCreateRoles = Boolean(rows[0]?.rolsuper || rows[0]?.rolcreaterole);
    const password = options.appPassword ? ` PASSWORD ${quoteLiteral(options.appPassword)}` : '';
    const roles = [
      { name: OWNER_ROLE, create: 'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE' },
      { name: APP_ROLE, create: `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE${password}` },
    ];
    for (const role of roles) {
      const existing = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1', [role.name]);
      if (existing.rowCount === 0) {
        if (!canCreateRoles) throw new Error(`Database role ${role.name} does not exist and the DATABASE_URL user may not create roles: create it as infra/README.md shows, or connect as a role with CREATEROLE.`);
        // Parallel provisioning (test set-ups) can race on CREATE ROLE: the loser finds it made.
        await client.query(`CREATE ROLE ${quoteIdentifier(role.name)} ${role.create}`).catch((error: { code?: string }) => {
          if (error.code !== '23505' && error.code !== '42710') throw error;
        });
      } else if (existing.rows[0].rolsuper || existing.rows[0].rolbypassrls) {
        throw new Error(`Database role ${role.name} is a superuser or bypasses row-level security: refusing to run with it (ALTER ROLE ${role.name} NOSUPERUSER NOBYPASSRLS).`);
      } else if (role.name === APP_ROLE && password && canCreateRoles) {
        await client.query(`ALTER ROLE ${quoteIdentifier(role.name)}${password}`).catch((error: Error) => {
          throw new Error(`Could not set the password of ${role.name} (DATABASE_APP_PASSWORD): ${error.message}`);
        });
      }
    }
    if (canCreateRoles) await client.query(`GRANT ${quoteIdentifier(OWNER_ROLE)} TO current_user`).catch(() => undefined);
    if (options.createDatabase) {
      const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
      if (!exists) await client.query(`CREATE DATABASE ${quoteIdentifier(database)} OWNER ${quoteIdentifier(OWNER_ROLE)}`);
    }
  });
  await withClient(options.adminUrl, async (client) => {
    // Best effort: on a managed database these grants were made when the roles were (infra/README.md).
    await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${quoteIdentifier(OWNER_ROLE)}`).catch(() => undefined);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${quoteIdentifier(APP_ROLE)}`).catch(() => undefined);
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(database)} TO ${quoteIdentifier(APP_ROLE)}`).catch(() => undefined);
  });
}
