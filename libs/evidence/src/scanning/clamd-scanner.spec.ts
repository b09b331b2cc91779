import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ClamdScanner, clamdPing, type ClamdOptions } from './clamd-scanner.js';

/** What the fake clamd saw on one connection. */
interface Conversation {
  command: string;
  chunkLengths: number[];
  body: Buffer;
  terminated: boolean;
  closed: boolean;
}

interface FakeClamdBehaviour {
  /** The reply (without its NUL) once the whole body has arrived; undefined never answers. */
  answer?: (body: Buffer) => string | undefined;
  /** Like StreamMaxLength: past this, reply "size limit exceeded" at once and drop the connection, as clamd does. */
  streamMaxLength?: number;
  /** Listen on a unix socket instead of TCP. */
  unixSocket?: boolean;
  /** Stop reading for this long after accepting a connection, as a slow clamd would. */
  pauseMs?: number;
}

interface FakeClamd {
  address: ClamdOptions;
  conversations: Conversation[];
  /** Resolves when the connection at this index has closed. */
  closed(index: number): Promise<Conversation>;
  stop(): Promise<void>;
}

/** A few dozen lines of clamd: reads the command and INSTREAM framing exactly as clamd does, and records what arrived. */
async function startFakeClamd(behaviour: FakeClamdBehaviour = {}): Promise<FakeClamd> {
  const conversations: Conversation[] = [];
  const closeWaiters: Array<(conversation: Conversation) => void> = [];
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    const conversation: Conversation = { command: '', chunkLengths: [], body: Buffer.alloc(0), terminated: false, closed: false };
    const index = conversations.push(conversation) - 1;
    const bodyPieces: Buffer[] = [];
    let received = 0;
    let pending = Buffer.alloc(0);
    let chunkRemaining = 0;
    let commandDone = false;
    socket.on('error', () => {});
    socket.on('close', () => {
      connections.delete(socket);
      conversation.body = Buffer.concat(bodyPieces);
      conversation.closed = true;
      closeWaiters[index]?.(conversation);
    });
    if (behaviour.pauseMs) {
      socket.pause();
      setTimeout(() => socket.resume(), behaviour.pauseMs);
    }
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      if (!commandDone) {
        const end = pending.indexOf(0);
        if (end < 0) return;
        conversation.command = pending.subarray(0, end).toString();
        pending = pending.subarray(end + 1);
        commandDone = true;
        if (conversation.command === 'zPING') return void socket.end('PONG\0');
      }
      while (!conversation.terminated) {
        if (chunkRemaining > 0) {
          const piece = pending.subarray(0, chunkRemaining);
          if (piece.length === 0) return;
          bodyPieces.push(Buffer.from(piece));
          chunkRemaining -= piece.length;
          pending = pending.subarray(piece.length);
          continue;
        }
        if (pending.length < 4) return;
        const length = pending.readUInt32BE(0);
        pending = pending.subarray(4);
        if (length === 0) {
          conversation.terminated = true;
          const reply = behaviour.answer?.(Buffer.concat(bodyPieces));
          if (reply !== undefined) socket.end(`${reply}\0`);
          return;
        }
        received += length;
        if (behaviour.streamMaxLength !== undefined && received > behaviour.streamMaxLength) {
          socket.write('INSTREAM size limit exceeded. ERROR\0');
          socket.destroy();
          return;
        }
        conversation.chunkLengths.push(length);
        chunkRemaining = length;
      }
    });
  });
  let socketDirectory: string | undefined;
  if (behaviour.unixSocket) {
    socketDirectory = mkdtempSync(path.join(os.tmpdir(), 'fake-clamd-'));
    await new Promise<void>((resolve) => server.listen(path.join(socketDirectory!, 'clamd.sock'), resolve));
  } else {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const address: ClamdOptions = socketDirectory ? { socket: path.join(socketDirectory, 'clamd.sock') } : { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
  return {
    address,
    conversations,
    closed: (index) =>
      new Promise((resolve, reject) => {
        const conversation = conversations[index];
        if (conversation?.closed) return resolve(conversation);
        const timer = setTimeout(() => reject(new Error(`The fake clamd saw connection ${index} neither open nor close`)), 5000);
        closeWaiters[index] = (closedConversation) => {
          clearTimeout(timer);
          resolve(closedConversation);
        };
      }),
    stop: async () => {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      if (socketDirectory) rmSync(socketDirectory, { recursive: true, force: true });
    },
  };
}

const answerOk = () => 'stream: OK';

/** A clamd that, once told the client is about to write, replies "size limit exceeded" and closes, then says so. */
const REFUSING_CLAMD_WORKER = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const { socketPath, flags } = workerData;
const server = net.createServer((socket) => {
  socket.once('data', () => {
    const waiting = setInterval(() => {
      if (Atomics.load(flags, 0) !== 1) return;
      clearInterval(waiting);
      socket.write('INSTREAM size limit exceeded. ERROR\\0', () => {
        socket.destroy();
        setImmediate(() => {
          Atomics.store(flags, 1, 1);
          Atomics.notify(flags, 1);
        });
      });
    }, 5);
  });
});
server.listen(socketPath, () => parentPort.postMessage('listening'));
`;

describe('ClamdScanner', () => {
  const started: FakeClamd[] = [];
  async function fakeClamd(behaviour: FakeClamdBehaviour = {}): Promise<FakeClamd> {
    const fake = await startFakeClamd(behaviour);
    started.push(fake);
    return fake;
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((fake) => fake.stop()));
  });

  it('calls a file clean when clamd answers OK, having sent it whole', async () => {
    const fake = await fakeClamd({ answer: answerOk });
    const file = randomBytes(1000);
    await expect(new ClamdScanner(fake.address).scan(Readable.from([file]), file.length)).resolves.toEqual({ status: 'clean' });
    const conversation = await fake.closed(0);
    expect(conversation.command).toBe('zINSTREAM');
    expect(conversation.terminated).toBe(true);
    expect(conversation.body.equals(file)).toBe(true);
  });

  it('reports the signature clamd found', async () => {
    const fake = await fakeClamd({ answer: () => 'stream: Eicar-Test-Signature FOUND' });
    await expect(new ClamdScanner(fake.address).scan(Readable.from([Buffer.from('X5O!P%@AP')]), 9)).resolves.toEqual({
      status: 'infected',
      signature: 'Eicar-Test-Signature',
    });
  });

  it('frames a multi-chunk body exactly, skipping empty chunks that would end the stream early', async () => {
    const fake = await fakeClamd({ answer: answerOk });
    const pieces = [randomBytes(70_000), Buffer.alloc(0), randomBytes(1), randomBytes(300_000), Buffer.alloc(0), randomBytes(12_345)];
    const file = Buffer.concat(pieces);
    await expect(new ClamdScanner(fake.address).scan(Readable.from(pieces), file.length)).resolves.toEqual({ status: 'clean' });
    const conversation = await fake.closed(0);
    expect(conversation.chunkLengths).toEqual([70_000, 1, 300_000, 12_345]);
    expect(conversation.terminated).toBe(true);
    expect(conversation.body.equals(file)).toBe(true);
  });

  it('sends a text stream as its UTF-8 bytes', async () => {
    const fake = await fakeClamd({ answer: answerOk });
    await new ClamdScanner(fake.address).scan(Readable.from(['café ', 'crème']), 13);
    expect((await fake.closed(0)).body.toString('utf8')).toBe('café crème');
  });

  it('works over a unix socket', async () => {
    const fake = await fakeClamd({ answer: answerOk, unixSocket: true });
    const file = randomBytes(200_000);
    await expect(new ClamdScanner(fake.address).scan(Readable.from([file]), file.length)).resolves.toEqual({ status: 'clean' });
    expect((await fake.closed(0)).body.equals(file)).toBe(true);
  });

  it('does not send a file larger than maxBytes, and says why it was not scanned', async () => {
    const fake = await fakeClamd({ answer: answerOk });
    const body = Readable.from([randomBytes(10)]);
    const scanner = new ClamdScanner({ ...fake.address, maxBytes: 2 * 1024 * 1024 });
    await expect(scanner.scan(body, 2 * 1024 * 1024 + 1)).resolves.toEqual({ status: 'not-scanned', reason: "Larger than the scanner's limit of 2 MB" });
    expect(body.destroyed).toBe(true);
    expect(fake.conversations).toHaveLength(0);
  });

  it('uses clamd’s default StreamMaxLength of 25 MiB when no limit is given', async () => {
    const scanner = new ClamdScanner({ port: 1 });
    expect(scanner.maxBytes).toBe(25 * 1024 * 1024);
    await expect(scanner.scan(Readable.from([]), 25 * 1024 * 1024 + 1)).resolves.toEqual({ status: 'not-scanned', reason: "Larger than the scanner's limit of 25 MB" });
  });

  it('stops, without the terminator, when the body turns out longer than maxBytes', async () => {
    const fake = await fakeClamd({ answer: answerOk });
    const scanner = new ClamdScanner({ ...fake.address, maxBytes: 100_000 });
    const body = Readable.from([randomBytes(60_000), randomBytes(60_000)]);
    await expect(scanner.scan(body, 50_000)).resolves.toMatchObject({ status: 'not-scanned' });
    const conversation = await fake.closed(0);
    expect(conversation.terminated).toBe(false);
    expect(conversation.body.length).toBe(60_000);
  });

  it('gives not-scanned, never clean, when clamd refuses the stream as over its size limit', async () => {
    const fake = await fakeClamd({ answer: answerOk, streamMaxLength: 100_000 });
    const pieces = Array.from({ length: 40 }, () => randomBytes(64 * 1024));
    const result = await new ClamdScanner(fake.address).scan(Readable.from(pieces), 40 * 64 * 1024);
    expect(result).toEqual({ status: 'not-scanned', reason: "Larger than the scanner's limit (clamd refused it as too large)" });
  });

  it('still reads the size-limit reply when clamd has closed before our next write fails with a broken pipe', async () => {
    // The fake clamd runs in a worker so that it can reply and close while this thread is blocked, which
    // makes the race real clamd causes every so often (reply read, or write EPIPE first) happen every time.
    const directory = mkdtempSync(path.join(os.tmpdir(), 'fake-clamd-'));
    const socketPath = path.join(directory, 'clamd.sock');
    const flags = new Int32Array(new SharedArrayBuffer(8)); // [0] the client is about to write, [1] clamd has replied and closed
    const worker = new Worker(REFUSING_CLAMD_WORKER, { eval: true, workerData: { socketPath, flags } });
    try {
      await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
      async function* blockedUntilClamdHasClosed() {
        await new Promise((resolve) => setTimeout(resolve, 100)); // connected, command sent
        Atomics.store(flags, 0, 1);
        Atomics.wait(flags, 1, 0, 5000);
        yield randomBytes(64 * 1024);
      }
      const scanning = new ClamdScanner({ socket: socketPath }).scan(Readable.from(blockedUntilClamdHasClosed()), 64 * 1024);
      await expect(scanning).resolves.toEqual({ status: 'not-scanned', reason: "Larger than the scanner's limit (clamd refused it as too large)" });
      expect(Atomics.load(flags, 1)).toBe(1);
    } finally {
      await worker.terminate();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('treats a file clamd stopped scanning at a limit (AlertExceedsMax) as not scanned', async () => {
    const fake = await fakeClamd({ answer: () => 'stream: Heuristics.Limits.Exceeded.MaxFileSize FOUND' });
    await expect(new ClamdScanner(fake.address).scan(Readable.from([randomBytes(10)]), 10)).resolves.toMatchObject({ status: 'not-scanned' });
  });

  it('rejects when clamd cannot be reached, so the scan is retried later', async () => {
    const closed = await startFakeClamd();
    await closed.stop();
    const body = Readable.from([randomBytes(10)]);
    await expect(new ClamdScanner(closed.address).scan(body, 10)).rejects.toThrow(/^Could not reach clamd at 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    expect(body.destroyed).toBe(true);
    await expect(new ClamdScanner({ socket: path.join(os.tmpdir(), 'no-such-clamd.sock') }).scan(Readable.from([]), 0)).rejects.toThrow(/ENOENT/);
  });

  it('rejects when clamd does not answer in time', async () => {
    const fake = await fakeClamd({ answer: () => undefined });
    await expect(new ClamdScanner({ ...fake.address, timeoutMs: 200 }).scan(Readable.from([randomBytes(10)]), 10)).rejects.toThrow(
      /clamd at 127\.0\.0\.1:\d+ did not answer within 200 ms/,
    );
    expect((await fake.closed(0)).closed).toBe(true);
  });

  it('rejects on a reply it does not understand', async () => {
    const fake = await fakeClamd({ answer: () => 'stream: Can\'t allocate memory ERROR' });
    await expect(new ClamdScanner(fake.address).scan(Readable.from([randomBytes(10)]), 10)).rejects.toThrow(
      'clamd gave an unexpected reply: "stream: Can\'t allocate memory ERROR"',
    );
  });

  it('rejects and closes the connection when the body errors', async () => {
    const fake = await fakeClamd({ answer: answerOk });
    async function* failing() {
      yield randomBytes(1000);
      throw new Error('storage went away');
    }
    await expect(new ClamdScanner(fake.address).scan(Readable.from(failing()), 5000)).rejects.toThrow('Could not read the file to scan: storage went away');
    const conversation = await fake.closed(0);
    expect(conversation.terminated).toBe(false);
  });

  it('reads the body no faster than clamd takes it', async () => {
    const pauseMs = 500;
    const fake = await fakeClamd({ answer: answerOk, unixSocket: true, pauseMs });
    const chunkBytes = 64 * 1024;
    const totalBytes = 64 * 1024 * 1024;
    let producedBytes = 0;
    function* lazyFile() {
      for (let offset = 0; offset < totalBytes; offset += chunkBytes) {
        producedBytes += chunkBytes;
        yield Buffer.alloc(chunkBytes, offset % 251);
      }
    }
    const scanning = new ClamdScanner({ ...fake.address, maxBytes: totalBytes }).scan(Readable.from(lazyFile()), totalBytes);
    await new Promise((resolve) => setTimeout(resolve, pauseMs - 100));
    // Kernel and stream buffers hold a little; without waiting for drain, all 64 MiB would already have been read.
    expect(producedBytes).toBeLessThan(8 * 1024 * 1024);
    await expect(scanning).resolves.toEqual({ status: 'clean' });
    expect((await fake.closed(0)).body.length).toBe(totalBytes);
  });

  it('uses the socket when a port is given as well, as configuration always has one', async () => {
    const fake = await fakeClamd({ answer: answerOk, unixSocket: true });
    await expect(new ClamdScanner({ ...fake.address, host: '127.0.0.1', port: 1 }).scan(Readable.from([randomBytes(10)]), 10)).resolves.toEqual({ status: 'clean' });
  });
});

describe('clamdPing', () => {
  it('is true when clamd answers PONG and false when nothing listens', async () => {
    const fake = await startFakeClamd();
    try {
      await expect(clamdPing(fake.address)).resolves.toBe(true);
      expect(fake.conversations[0]?.command).toBe('zPING');
    } finally {
      await fake.stop();
    }
    await expect(clamdPing({ ...fake.address, timeoutMs: 1000 })).resolves.toBe(false);
  });
});
