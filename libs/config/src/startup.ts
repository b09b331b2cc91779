import net from 'node:net';
import { ConfigError } from './config.js';

/** A port another program already listens on: says which port, and what of ours wanted it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly purpose: string,
  ) {
    super(`Port ${port} (${purpose}) is already in use by another program.`);
    this.name = 'PortInUseError';
  }
}

/** A start-up step that failed, with what it was trying to do; its cause says why. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * Runs a listen step, turning "address in use" (from Node or Fastify) into a PortInUseError that
 * names the port and its purpose, e.g. "the force sites (PORT)".
 */
export async function listening<T>(port: number, purpose: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') throw new PortInUseError(Number((error as { port?: number }).port ?? port), purpose);
    throw error;
  }
}

/** Whether nothing listens on `port` of `host` yet (by trying to listen there for a moment). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** A free port on loopback, chosen by the system. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * What to tell a person whose process could not start: always what failed and, where it is known,
 * why and what to do; never `undefined` or a bare stack.
 */
export function startupFailureMessage(error: unknown): string {
  if (error instanceof PortInUseError) {
    return `${error.message} Perhaps another \`npm start\` is running: stop it, or start this one with another PORT (e.g. PORT=3100 npm start) and its own DATA_DIR.`;
  }
  if (error instanceof ConfigError) return error.message;
  if (error instanceof StartupError) {
    const cause = error.cause === undefined ? '' : ` ${startupFailureMessage(error.cause)}`;
    return `${error.message}${cause}`;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' && (error as { syscall?: string }).syscall === 'listen') return `Not allowed to listen on port ${(error as { port?: number }).port}: ports below 1024 need privileges. Use a port above 1024.`;
  if (code === 'ECONNREFUSED') return `Could not connect to ${(error as { address?: string }).address ?? 'a server'}:${(error as { port?: number }).port ?? '?'} (connection refused): is it running?`;
  if (error instanceof Error) return error.message || error.name;
  if (error === undefined || error === null) return 'Start-up failed without saying why (no error was given).';
  return String(error);
}
