import net from 'node:net';
import type { Readable } from 'node:stream';
import type { ScanResult, Scanner } from './scanner.js';

const MEBIBYTE = 1024 * 1024;

/** clamd's registered TCP port, used when only a host is given. */
const CLAMD_DEFAULT_PORT = 3310;

/** A reply longer than this is not from clamd; stop reading rather than buffer whatever arrives. */
const LONGEST_REPLY = 4096;

/** Where clamd listens: a unix socket, or a TCP host and port. */
export interface ClamdAddress {
  /** Path of clamd's LocalSocket. When given, it is used and host and port are ignored (configuration always has a port). */
  socket?: string;
  /** TCP host; 127.0.0.1 when not given. */
  host?: string;
  /** TCP port (clamd's TCPSocket); 3310 when not given. */
  port?: number;
}

export interface ClamdOptions extends ClamdAddress {
  /**
   * The StreamMaxLength clamd is configured with (clamd's default is 25M, 25 MiB). A larger file is
   * not sent at all: clamd would refuse it after we had streamed the first 25 MiB for nothing.
   */
  maxBytes?: number;
  /** How long one scan may take, from connecting to clamd's answer, before it is given up and retried later. */
  timeoutMs?: number;
}

/**
 * Scans files with ClamAV's daemon over its INSTREAM command: the file is sent in length-prefixed
 * chunks as it is read, so a large file is never held in memory, and clamd needs no access to our
 * storage.
 *
 * clamd must be configured with MaxFileSize and MaxScanSize at least as large as StreamMaxLength:
 * otherwise it answers "OK" for a file it skipped for being too big, and that answer cannot be told
 * apart from a clean file.
 */
export class ClamdScanner implements Scanner {
  readonly name = 'clamd';
  readonly maxBytes: number;
  private readonly address: CheckedAddress;
  private readonly timeoutMs: number;

  constructor(options: ClamdOptions = {}) {
    this.address = checkedAddress(options);
    this.maxBytes = options.maxBytes ?? 25 * MEBIBYTE;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes <= 0) throw new Error(`clamd maxBytes must be a positive whole number of bytes (got ${options.maxBytes})`);
    if (!(this.timeoutMs > 0)) throw new Error(`clamd timeoutMs must be a positive number (got ${options.timeoutMs})`);
  }

  async scan(body: Readable, sizeBytes: number): Promise<ScanResult> {
    if (sizeBytes > this.maxBytes) {
      body.destroy();
      return this.tooLarge();
    }
    const connection = openConnection(this.address, this.timeoutMs);
    connection.socket.write('zINSTREAM\0');
    let sending: SendOutcome;
    try {
      sending = await sendChunks(connection, body, this.maxBytes);
    } catch (error) {
      connection.socket.destroy();
      throw new Error(`Could not read the file to scan: ${(error as Error).message}`, { cause: error });
    }
    if (sending === 'over-limit') {
      // The body was longer than its declared size. Closing without the terminator means clamd scans nothing.
      connection.socket.destroy();
      return this.tooLarge();
    }
    // Even when sending stopped because clamd stopped reading, its reply ("size limit exceeded") came first.
    return interpretScanReply(await connection.reply);
  }

  private tooLarge(): ScanResult {
    return { status: 'not-scanned', reason: `Larger than the scanner's limit of ${megabytes(this.maxBytes)} MB` };
  }
}

/** Whether clamd answers PING with PONG: for readiness checks, so it never rejects. */
export async function clamdPing(options: ClamdAddress & { timeoutMs?: number } = {}): Promise<boolean> {
  try {
    const connection = openConnection(checkedAddress(options), options.timeoutMs ?? 5_000);
    connection.socket.write('zPING\0');
    return (await connection.reply) === 'PONG';
  } catch {
    return false;
  }
}

type SendOutcome = 'sent' | 'over-limit' | 'clamd-stopped-reading';

interface Connection {
  socket: net.Socket;
  /** clamd's reply without its NUL terminator. Rejects on a connection error or timeout; the socket is closed once it settles. */
  reply: Promise<string>;
  /** Resolves when nothing more can be sent: a write failed, or the connection closed. */
  stoppedReading: Promise<void>;
}

function openConnection(address: CheckedAddress, timeoutMs: number): Connection {
  const socket = 'socket' in address ? net.connect({ path: address.socket }) : net.connect({ host: address.host, port: address.port });
  const where = describeAddress(address);
  let writeError: Error | undefined;
  let markStoppedReading!: () => void;
  const stoppedReading = new Promise<void>((resolve) => (markStoppedReading = resolve));
  reportWriteErrorsInsteadOfDestroying(socket, (error) => {
    writeError ??= error;
    markStoppedReading();
  });
  socket.once('close', markStoppedReading);

  const reply = new Promise<string>((resolve, reject) => {
    let received = '';
    const timeout = new Error(`clamd at ${where} did not answer within ${timeoutMs} ms`);
    const timer = setTimeout(() => socket.destroy(timeout), timeoutMs);
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const noReply = () => {
      const why = writeError ? ` (it stopped reading what was sent: ${writeError.message})` : '';
      return new Error(`clamd at ${where} closed the connection without replying${why}`);
    };
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      received += text;
      const end = received.indexOf('\0');
      if (end >= 0) finish(() => resolve(received.slice(0, end)));
      else if (received.length > LONGEST_REPLY) finish(() => reject(new Error(`clamd at ${where} sent an over-long reply: ${JSON.stringify(received.slice(0, 200))}…`)));
    });
    socket.on('end', () => finish(() => (received ? resolve(received) : reject(noReply()))));
    socket.on('error', (error) => finish(() => reject(error === timeout ? timeout : new Error(`Could not reach clamd at ${where}: ${error.message}`, { cause: error }))));
    socket.on('close', () => finish(() => reject(noReply())));
  });
  // Observed now so that a failure while the body is still being sent is not an unhandled rejection; callers still await `reply`.
  reply.catch(() => {});
  return { socket, reply, stoppedReading };
}

type WriteCallback = (error?: Error | null) => void;
type WriteMethod = (...arguments_: [...unknown[], WriteCallback]) => void;

/**
 * clamd replies "INSTREAM size limit exceeded" and closes the connection at once, so our next write
 * fails (EPIPE or ECONNRESET) while that reply is still waiting to be read. A net.Socket destroys itself
 * on a write error and the reply is lost: that is why other clamd clients report a broken pipe instead
 * of the size limit (python-clamd issue 24, clamscan issue 102). Here the socket's write methods (the
 * stream implementer's hooks) hand a failed write to `onWriteFailed` instead, and the socket goes on
 * reading until clamd's reply or the end of the connection; the caller stops sending.
 */
function reportWriteErrorsInsteadOfDestroying(socket: net.Socket, onWriteFailed: (error: Error) => void): void {
  const methods = socket as unknown as Record<'_write' | '_writev', WriteMethod | undefined>;
  for (const name of ['_write', '_writev'] as const) {
    const original = methods[name];
    if (!original) continue;
    methods[name] = (...arguments_) => {
      const callback = arguments_.pop() as WriteCallback;
      original.call(socket, ...arguments_, (error?: NodeJS.ErrnoException | null) => {
        if (error?.syscall !== 'write') return callback(error);
        onWriteFailed(error);
        callback();
      });
    };
  }
}

/**
 * Sends the body as INSTREAM chunks, waiting for the socket to drain so that reading never runs ahead of
 * the network. Stops early, without the terminator, when the body passes `maxBytes` or clamd stops
 * reading (it does so straight after replying "size limit exceeded"). Rejects only when the body errors.
 */
async function sendChunks(connection: Connection, body: Readable, maxBytes: number): Promise<SendOutcome> {
  const { socket } = connection;
  let stopped = false;
  void connection.stoppedReading.then(() => {
    stopped = true;
    body.destroy();
  });
  let sentBytes = 0;
  try {
    for await (const piece of body) {
      if (stopped) return 'clamd-stopped-reading';
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : (piece as Buffer);
      // A zero-length chunk is INSTREAM's terminator: sending one mid-file would scan only what came before.
      if (chunk.length === 0) continue;
      sentBytes += chunk.length;
      if (sentBytes > maxBytes) return 'over-limit';
      const header = Buffer.alloc(4);
      header.writeUInt32BE(chunk.length);
      socket.write(header);
      if (!socket.write(chunk)) await Promise.race([drained(socket), connection.stoppedReading]);
    }
    if (stopped) return 'clamd-stopped-reading';
    socket.write(Buffer.alloc(4));
    return 'sent';
  } catch (error) {
    // Destroying the body because clamd stopped reading ends the loop with a premature-close error; that is not the body's fault.
    if (stopped) return 'clamd-stopped-reading';
    throw error;
  }
}

/** Resolves on 'drain', or when the socket errors or closes (no drain will come then). */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('error', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('error', done);
    socket.on('close', done);
  });
}

function interpretScanReply(reply: string): ScanResult {
  const text = reply.trim();
  if (text === 'stream: OK') return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found) {
    const signature = found[1]!;
    // With AlertExceedsMax set, clamd reports a file it stopped scanning at a limit as a "virus": it was not scanned, not found infected.
    if (signature.startsWith('Heuristics.Limits.Exceeded')) return { status: 'not-scanned', reason: `The scanner stopped at one of its limits (${signature})` };
    return { status: 'infected', signature };
  }
  // Means clamd's StreamMaxLength is below our maxBytes: a configuration mistake, but never a reason to call the file clean.
  if (/size limit exceeded/i.test(text)) return { status: 'not-scanned', reason: "Larger than the scanner's limit (clamd refused it as too large)" };
  throw new Error(`clamd gave an unexpected reply: ${JSON.stringify(text)}`);
}

type CheckedAddress = { socket: string } | { host: string; port: number };

function checkedAddress(options: ClamdAddress): CheckedAddress {
  if (options.socket) return { socket: options.socket };
  const port = options.port ?? CLAMD_DEFAULT_PORT;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`clamd port must be a port number (got ${options.port})`);
  return { host: options.host ?? '127.0.0.1', port };
}

function describeAddress(address: CheckedAddress): string {
  return 'socket' in address ? address.socket : `${address.host}:${address.port}`;
}

function megabytes(bytes: number): number {
  return Number((bytes / MEBIBYTE).toFixed(1));
}
