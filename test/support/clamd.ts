import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clamdPing } from '@front-counter/evidence';
import { watchProcess } from './watched-process.js';

/** A private clamd for one test file, on both a loopback TCP port and a unix socket. */
export interface TestClamd {
  host: string;
  port: number;
  socket: string;
  /** The StreamMaxLength it was started with, in bytes. */
  maxBytes: number;
  /** Stops clamd and removes its folder. */
  close(): Promise<void>;
}

/**
 * The EICAR anti-virus test file. Built from two halves so that this source file is not itself
 * flagged by a scanner on a developer's machine or in CI.
 */
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');

/** The name the test database gives EICAR; clamd adds `.UNOFFICIAL` to names from databases that are not ClamAV's own. */
export const EICAR_SIGNATURE = 'Eicar-Test-Signature';

const CLAMD_BINARIES = ['/usr/sbin/clamd', '/usr/local/sbin/clamd'];
const STREAM_MAX_MEBIBYTES = 10;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts clamd with a one-signature database (EICAR only) in a temporary folder, so tests need neither
 * the system's clamav-daemon nor freshclam's downloads (which do not work here). It loads in tens of
 * milliseconds. Resolves `{ skipped }` rather than throwing when clamd is missing or will not start,
 * so machines without ClamAV skip these tests and say why.
 */
export async function startTestClamd(): Promise<TestClamd | { skipped: string }> {
  const binary = CLAMD_BINARIES.find((candidate) => existsSync(candidate));
  if (!binary) return { skipped: `clamd is not installed (looked for ${CLAMD_BINARIES.join(', ')}; apt-get install clamav-daemon)` };
  let lastFailure = '';
  // A free port can be taken between choosing it and clamd binding it; clamd then carries on with only its unix socket.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const outcome = await startOnce(binary);
    if ('port' in outcome) return outcome;
    lastFailure = outcome.failure;
    if (!outcome.portTaken) break;
  }
  return { skipped: `clamd did not start: ${lastFailure}` };
}

async function startOnce(binary: string): Promise<TestClamd | { failure: string; portTaken: boolean }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'front-counter-clamd-'));
  // The config has no User line, so clamd stays the user running the tests; 0755 keeps the folder readable should one be added.
  chmodSync(directory, 0o755);
  const databaseDirectory = path.join(directory, 'database');
  const temporaryDirectory = path.join(directory, 'tmp');
  mkdirSync(databaseDirectory);
  mkdirSync(temporaryDirectory);
  const eicarMd5 = createHash('md5').update(EICAR).digest('hex');
  // The line `sigtool --md5` would write: whole-file hash, size, name.
  writeFileSync(path.join(databaseDirectory, 'test.hdb'), `${eicarMd5}:${Buffer.byteLength(EICAR)}:${EICAR_SIGNATURE}\n`);
  // And the string anywhere in any file (a body signature: name, any target, any offset, hex), so that
  // EICAR inside an accepted format (a photo, a PDF) is found too: the product refuses bare text.
  writeFileSync(path.join(databaseDirectory, 'test.ndb'), `${EICAR_SIGNATURE}.Embedded:0:*:${Buffer.from(EICAR).toString('hex')}\n`);

  const host = '127.0.0.1';
  const port = await freePort();
  const socket = path.join(directory, 'clamd.sock');
  const logFile = path.join(directory, 'clamd.log');
  const configFile = path.join(directory, 'clamd.conf');
  writeFileSync(
    configFile,
    [
      '# A private clamd for tests (test/support/clamd.ts); deleted with its folder.',
      `DatabaseDirectory ${databaseDirectory}`,
      `TemporaryDirectory ${temporaryDirectory}`,
      `LocalSocket ${socket}`,
      `TCPSocket ${port}`,
      `TCPAddr ${host}`,
      'Foreground yes',
      `StreamMaxLength ${STREAM_MAX_MEBIBYTES}M`,
      `LogFile ${logFile}`,
      `PidFile ${path.join(directory, 'clamd.pid')}`,
      '',
    ].join('\n'),
  );

  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const watched = watchProcess(child, 4000);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await watched.stop();
    rmSync(directory, { recursive: true, force: true });
  };

  const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const [overTcp, overSocket] = await Promise.all([clamdPing({ host, port, timeoutMs: 500 }), clamdPing({ socket, timeoutMs: 500 })]);
    if (overTcp && overSocket) break;
    // clamd binds TCP before its unix socket, so a socket that answers alone means the TCP port was taken.
    const portTaken = overSocket && /Cannot bind/.test(readLog());
    if (watched.exit() !== undefined || portTaken || Date.now() > deadline) {
      const reason = watched.exit() ?? (portTaken ? `could not bind ${host}:${port}` : `did not answer PING within ${START_TIMEOUT_MS / 1000} s`);
      const details = errorLines(`${watched.output()}\n${readLog()}`);
      await close();
      return { failure: `${binary} ${reason}. ${details}`, portTaken };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { host, port, socket, maxBytes: STREAM_MAX_MEBIBYTES * 1024 * 1024, close };
}

/** clamd's ERROR lines, which say why it stopped; failing those, the last few lines of what it printed. */
function errorLines(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim());
  const errors = lines.filter((line) => /ERROR/.test(line));
  return [...new Set(errors.length ? errors : lines.slice(-5))].join(' | ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
