import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines and redacts personal fields wherever they appear', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', name: 'test', destination });
    logger.info({ reporter: { email: 'someone@example.com', phone: '07700900000' }, requestId: 'abc' }, 'saved');
    const line = JSON.parse(lines[0]);
    expect(line.requestId).toBe('abc');
    expect(line.reporter.email).toBe('[redacted]');
    expect(lines[0]).not.toContain('someone@example.com');
    expect(lines[0]).not.toContain('07700900000');
  });
});
