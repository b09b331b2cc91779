import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import pg from 'pg';
import { startEmbeddedPostgres, withDatabase } from '@front-counter/database';

/**
 * What a cluster's workloads use outside the cluster, for the deployment test: a PostgreSQL server
 * prepared by infra/README.md's runbook, an S3-compatible store, an OIDC issuer. Each listens on the
 * given address (the pod network's gateway), as a managed service would be reachable from the pods.
 */

/** Forwards TCP connections from `host`:<free port> to `target`. */
export async function startTcpForwarder(host: string, target: { host: string; port: number }): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((incoming) => {
    const outgoing = net.connect(target);
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => (incoming.destroy(), outgoing.destroy()));
    }
    incoming.pipe(outgoing);
    outgoing.pipe(incoming);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface TestPostgres {
  /** Where the pods reach it. */
  host: string;
  port: number;
  /** Superuser URL (loopback) of a database on it, for the test's own checks. */
  superuserUrl(database: string): string;
  close(): Promise<void>;
}

/**
 * A PostgreSQL server of this test's own (not the machine's shared one: roles are global to a
 * server, and the runbook creates fixed role names), reachable from the pods through a forwarder on
 * `host`. The embedded server listens on loopback only and asks every login for its password.
 */
export async function startPostgresFor(host: string): Promise<TestPostgres> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'front-counter-deployment-pg-'));
  chmodSync(folder, 0o755); // the server runs as the postgres OS user
  const server = await startEmbeddedPostgres({ dataDir: path.join(folder, 'data'), port: 0, persistent: false });
  let forwarder: Awaited<ReturnType<typeof startTcpForwarder>>;
  try {
    forwarder = await startTcpForwarder(host, { host: '127.0.0.1', port: server.port });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    host,
    port: forwarder.port,
    superuserUrl: (database) => withDatabase(server.url, database),
    async close() {
      await forwarder.close();
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * The SQL of infra/README.md's "Roles in PostgreSQL", as an operator runs it: the first ```sql block
 * of that section, its password placeholders filled in, split at psql's `\connect <database>`.
 */
export function runbookRolesSql(readmePath: string, passwords: { app: string; migrator: string }): { database: string; statements: string[] }[] {
  const readme = readFileSync(readmePath, 'utf8');
  const section = /^## Roles in PostgreSQL\s*$([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error(`${readmePath} has no "## Roles in PostgreSQL" section: the deployment test runs its SQL`);
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`The "Roles in PostgreSQL" section of ${readmePath} has no \`\`\`sql block`);
  for (const placeholder of ['<app password>', '<migrator password>']) {
    if (!block.includes(placeholder)) throw new Error(`The roles SQL in ${readmePath} no longer says '${placeholder}': the deployment test fills it in`);
  }
  const filled = block.replaceAll('<app password>', passwords.app).replaceAll('<migrator password>', passwords.migrator);
  const parts: { database: string; statements: string[] }[] = [{ database: 'postgres', statements: [] }];
  for (const line of filled.split('\n')) {
    const connect = /^\\(?:connect|c)\s+(\S+)/.exec(line.trim());
    if (connect) {
      parts.push({ database: connect[1], statements: [] });
      continue;
    }
    const current = parts[parts.length - 1];
    const code = line.replace(/--.*$/, '').trim(); // the passwords are hex: no `--` inside a literal
    if (code) current.statements.push(code);
  }
  return parts.map((part) => ({
    database: part.database,
    // One statement at a time: CREATE DATABASE cannot run inside the implicit transaction of a multi-statement query.
    statements: part.statements
      .join('\n')
      .split(/;\s*(?:\n|$)/)
      .map((statement) => statement.trim())
      .filter(Boolean),
  }));
}

/**
 * Runs the runbook's roles SQL as a managed database's admin login would: not a superuser, but with
 * CREATEROLE and CREATEDB (as RDS's or Cloud SQL's admin has), made first by the server's superuser
 * standing in for the provider. Returns the statements run.
 */
export async function prepareDatabaseByRunbook(postgres: TestPostgres, readmePath: string, passwords: { app: string; migrator: string }): Promise<string[]> {
  const admin = { user: 'managed_admin', password: randomBytes(24).toString('hex') };
  const superuser = new pg.Client({ connectionString: postgres.superuserUrl('postgres') });
  await superuser.connect();
  try {
    await superuser.query(`CREATE ROLE ${admin.user} LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE CREATEDB PASSWORD '${admin.password}'`);
  } finally {
    await superuser.end();
  }
  const ran: string[] = [];
  for (const part of runbookRolesSql(readmePath, passwords)) {
    const url = new URL(postgres.superuserUrl(part.database));
    url.username = admin.user;
    url.password = admin.password;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const statement of part.statements) {
        try {
          await client.query(statement);
        } catch (error) {
          throw new Error(`The runbook's SQL failed on database ${part.database} as a CREATEROLE CREATEDB admin: ${statement.replace(/PASSWORD '[^']*'/, "PASSWORD '...'")}: ${(error as Error).message}`);
        }
        ran.push(statement);
      }
    } finally {
      await client.end();
    }
  }
  return ran;
}

/** The part of s3rver used here (CommonJS, no types). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: { address: string; port: number; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => S3rverServer;

/** s3rver's one account: the only credentials it accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** An S3-compatible store on `host`, with `bucket` made. */
export async function startS3On(host: string, bucket: string): Promise<{ endpoint: string; bucket: string; close(): Promise<void> }> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'front-counter-deployment-s3-'));
  const server = new S3rver({ address: host, port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://${host}:${port}`,
    bucket,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface ClusterIssuer {
  /** The identity provider's base URL (IDP_URL): realms are `${url}/realms/<realm>`, as on Keycloak. */
  url: string;
  token(options: { realm: string; roles: string[]; subject: string; name: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * test/support/test-issuer.ts on a chosen address: an OIDC issuer publishing one RSA key at every
 * realm's Keycloak-style JWKS address, whose access tokens carry realm_access.roles and the
 * `front-counter` audience as the runbook's realm set-up asks.
 */
export async function startIssuerOn(host: string): Promise<ClusterIssuer> {
  const keys = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'deployment-test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((request, response) => {
    if (/^\/realms\/[a-z0-9-]+\/protocol\/openid-connect\/certs$/.test(request.url ?? '')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token: ({ realm, roles, subject, name }) =>
      new SignJWT({ typ: 'Bearer', azp: 'front-counter-staff', name, preferred_username: subject, realm_access: { roles } })
        .setProtectedHeader({ alg: 'RS256', kid: 'deployment-test-key' })
        .setIssuer(`${url}/realms/${realm}`)
        .setSubject(subject)
        .setAudience('front-counter')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
        .sign(keys.privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
