import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';
import { looksLikeToken, scrubText, serializeError } from './scrubbing.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', name: 'test', destination }) };
}

/** The shape of TypeORM's QueryFailedError: the query, its parameters and the driver's error (whose `detail` quotes the row). */
class QueryFailedError extends Error {
  constructor(
    message: string,
    readonly query: string,
    readonly parameters: unknown[],
    readonly driverError: Error & { detail?: string },
  ) {
    super(message);
  }
}

describe('scrubbing text from elsewhere', () => {
  it('tells random tokens from words, type names, slugs and UUIDs', () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      expect(looksLikeToken(randomBytes(32).toString('base64url'))).toBe(true);
      expect(looksLikeToken(randomBytes(16).toString('hex'))).toBe(true);
    }
    for (const word of [
      'QueryFailedError',
      'ExternalExceptionFilter',
      'runAndTransformResultsToJestFormat',
      'report-a-road-traffic-collision',
      'do-you-want-to-be-kept-up-to-date',
      'INTERNAL_SERVER_ERROR',
      '1764100000000-triage',
      'sha256WithRSAEncryption',
      randomUUID(),
    ]) {
      expect([word, looksLikeToken(word)]).toEqual([word, false]);
    }
  });

  it('masks addresses, tokens, codes, quoted free text and refused GraphQL values; keeps what an operator needs', () => {
    const resume = randomBytes(32).toString('base64url');
    const id = randomUUID();
    expect(scrubText(`Can't send mail - all recipients were rejected: 550 5.1.1 <morwenna.q@example.com>: user unknown`)).toBe(
      `Can't send mail - all recipients were rejected: 550 5.1.1 <[email]>: user unknown`,
    );
    expect(scrubText(`GET /resume/${resume} failed for evidence file ${id}`)).toBe(`GET /resume/[token] failed for evidence file ${id}`);
    expect(scrubText('code 042917 was wrong; call 07700900461')).toBe('code [number] was wrong; call [number]');
    expect(scrubText('invalid input syntax for type uuid: "27 Tanner Yard, Northby"')).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(scrubText('Variable "$values" got invalid value { fullName: "Morwenna", town: "Northby" }; Expected type "JSON".')).toBe(
      'Variable "$values" got invalid value [redacted]; Expected type "JSON".',
    );
    expect(scrubText('permission denied for table report_events')).toBe('permission denied for table report_events');
    expect(scrubText('    at QueryFailedError (/work/main/node_modules/typeorm/error/QueryFailedError.js:13:9)')).toBe('    at QueryFailedError (/work/main/node_modules/typeorm/error/QueryFailedError.js:13:9)');
  });

  it('serialises an error as its type, masked message and stack, code and cause: never its parameters, query or driver detail', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "drafts_pkey"'), { detail: 'Key (email)=(morwenna.q@example.com) already exists.', code: '23505' });
    const error = Object.assign(new QueryFailedError(driverError.message, 'INSERT INTO drafts (email, answers) VALUES ($1, $2)', ['morwenna.q@example.com', { fullName: 'Morwenna Quillfeather' }], driverError), { code: '23505' });
    const serialised = serializeError(error);
    expect(serialised).toEqual({ type: 'QueryFailedError', message: 'duplicate key value violates unique constraint "drafts_pkey"', code: '23505', stack: expect.stringContaining('drafts_pkey') });
    expect(JSON.stringify(serialised)).not.toMatch(/morwenna|Quillfeather|INSERT INTO/i);

    // An OAuth library's error keeps what it received in its cause (the callback's parameters).
    const state = randomBytes(32).toString('base64url');
    const oauth = new Error('unexpected "state" response parameter value', { cause: { expected: state, parameters: `code=${randomBytes(32).toString('base64url')}&state=${state}`, message: `state ${state} did not match` } });
    const logged = serializeError(oauth);
    expect(logged).toMatchObject({ type: 'Error', message: 'unexpected "state" response parameter value', cause: { message: 'state [token] did not match' } });
    expect(JSON.stringify(logged)).not.toContain(state);

    expect(serializeError(undefined)).toBeUndefined();
    expect(serializeError('sent to morwenna.q@example.com')).toBe('sent to [email]');
    expect(serializeError({ message: 'a plain object' })).toEqual({ message: 'a plain object' });
    expect(serializeError(42)).toEqual({ message: '[number]' });
  });
});

describe('the logger', () => {
  it('writes errors through the safe serialiser, masks messages, and redacts personal fields at any of two levels', () => {
    const { lines, logger } = capture();
    const resume = randomBytes(32).toString('base64url');
    const failure = Object.assign(new Error(`could not deliver to morwenna.q@example.com`), { parameters: ['morwenna.q@example.com'], response: { body: `code=${resume}` } });
    logger.error({ err: failure }, 'outbox delivery failed');
    logger.warn({ error: failure }, 'also under "error"');
    logger.info(`resumed /resume/${resume} for morwenna.q@example.com`);
    logger.info({ fullName: 'Morwenna Quillfeather', answers: { a: 'b' }, reporter: { reporterName: 'Morwenna Quillfeather', phone: '07700 900461', address: '27 Tanner Yard' }, variables: { code: '042917' } }, 'fields');
    const written = lines.join('');
    expect(written).not.toMatch(/morwenna|Quillfeather|07700|Tanner|042917/i);
    expect(written).not.toContain(resume);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[0]).toMatchObject({ msg: 'outbox delivery failed', err: { type: 'Error', message: 'could not deliver to [email]' } });
    expect(parsed[1].error).toMatchObject({ type: 'Error', message: 'could not deliver to [email]' });
    expect(parsed[2].msg).toBe('resumed /resume/[token] for [email]');
    expect(parsed[3]).toMatchObject({ fullName: '[redacted]', answers: '[redacted]', reporter: { reporterName: '[redacted]', phone: '[redacted]', address: '[redacted]' }, variables: '[redacted]' });
  });
});
