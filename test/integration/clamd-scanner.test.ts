import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ClamdScanner, clamdPing, type ClamdOptions } from '@front-counter/evidence';
import { EICAR, EICAR_SIGNATURE, startTestClamd, type TestClamd } from '../support/clamd.js';

const clamd = await startTestClamd();
if ('skipped' in clamd) console.warn(`Skipping the clamd integration tests: ${clamd.skipped}`);
const describeWithClamd = 'skipped' in clamd ? describe.skip : describe;

/** A file of `totalBytes` made as it is read, so a large one is never in memory at once. */
function lazyFile(totalBytes: number, chunkBytes = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < totalBytes; sent += chunkBytes) yield randomBytes(Math.min(chunkBytes, totalBytes - sent));
    })(),
  );
}

describeWithClamd('ClamdScanner against a real clamd', () => {
  const running = clamd as TestClamd;
  afterAll(() => running.close());

  describe.each<[string, () => ClamdOptions]>([
    ['TCP', () => ({ host: running.host, port: running.port })],
    ['a unix socket', () => ({ socket: running.socket })],
  ])('over %s', (_transport, address) => {
    const scanner = () => new ClamdScanner({ ...address(), maxBytes: running.maxBytes });

    it('finds EICAR', async () => {
      const result = await scanner().scan(Readable.from([Buffer.from(EICAR)]), EICAR.length);
      expect(result).toEqual({ status: 'infected', signature: expect.stringContaining('Eicar') });
    });

    it('finds EICAR sent one byte per chunk, so the framing reassembles exactly', async () => {
      const result = await scanner().scan(Readable.from([...Buffer.from(EICAR)].map((byte) => Buffer.from([byte]))), EICAR.length);
      // clamd marks names from a database it did not get from ClamAV's mirrors: `Eicar-Test-Signature.UNOFFICIAL`
      // (or `.Embedded.UNOFFICIAL`: the test database also has a body signature, and either may answer first).
      expect(result).toEqual({ status: 'infected', signature: expect.stringMatching(new RegExp(`^${EICAR_SIGNATURE}(\\.Embedded)?\\.UNOFFICIAL$`)) });
    });

    it('calls 1 MB of random bytes clean', async () => {
      const file = randomBytes(1024 * 1024);
      await expect(scanner().scan(Readable.from([file]), file.length)).resolves.toEqual({ status: 'clean' });
    });

    it('scans a file of exactly its StreamMaxLength', async () => {
      await expect(scanner().scan(lazyFile(running.maxBytes), running.maxBytes)).resolves.toEqual({ status: 'clean' });
    });

    it('does not send a file declared larger than the limit: not scanned, never clean', async () => {
      const body = lazyFile(running.maxBytes + 1);
      await expect(scanner().scan(body, running.maxBytes + 1)).resolves.toEqual({ status: 'not-scanned', reason: "Larger than the scanner's limit of 10 MB" });
      expect(body.destroyed).toBe(true);
    });

    it.each([
      ['one byte', 1],
      ['20 MB', 20 * 1024 * 1024],
    ])('gives not-scanned, never clean, when clamd itself refuses a file %s over its StreamMaxLength', async (_over, extraBytes) => {
      // A scanner told a larger limit than clamd has, as a misconfigured deployment would be.
      const misconfigured = new ClamdScanner({ ...address(), maxBytes: 64 * 1024 * 1024 });
      const sizeBytes = running.maxBytes + extraBytes;
      await expect(misconfigured.scan(lazyFile(sizeBytes), sizeBytes)).resolves.toEqual({
        status: 'not-scanned',
        reason: "Larger than the scanner's limit (clamd refused it as too large)",
      });
    });

    it('answers PING', async () => {
      await expect(clamdPing(address())).resolves.toBe(true);
    });
  });
});
