/**
 * What may reach a log line from text we do not control: error messages and stacks (a PostgreSQL or
 * GraphQL message may quote the value it refused, an SMTP refusal names the address), Nest's own
 * messages and the raw path of a request that matched no route. Tokens, e-mail addresses, codes and
 * quoted free text are masked; identifiers (UUIDs, slugs, type names, file paths) are kept.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A run of the characters tokens are made of (base64, base64url, hex). */
const TOKEN_RUN = /[A-Za-z0-9_+=-]{16,}/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Six digits or more on their own: a tracking code, a phone number. */
const LONG_NUMBER = /(?<![\w.])\d{6,}(?!\w)/g;
/** A double-quoted value (pairs taken left to right); masked when it has a space: free text, a name, an address. */
const QUOTED = /"[^"\\\n]*"/g;
/** graphql-js quotes a refused variable's whole value. */
const REFUSED_VALUE = /got invalid value .*?(?=; |$)/g;

/** A run's words, as a camel-case or kebab-case name splits: lower-case, capitalised, acronyms, numbers. */
const WORDS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g;
const MIXED_HEX = /^(?=.*\d)(?:(?=.*[a-f])[0-9a-f]+|(?=.*[A-F])[0-9A-F]+)$/;

/**
 * Whether a run of token characters (16 or more) is random rather than a name. Hex with digits and
 * letters is. Otherwise it needs both cases, as base64 has and as slugs, constants and UUIDs do not,
 * and then any one of: it splits into short words (a name like `QueryFailedError` splits into long
 * ones), several capitals in a row, or (40 or more long) few repeated characters. A random 43-character
 * base64url token passes all but about one in a million times; a type or function name seldom does.
 */
export function looksLikeToken(run: string): boolean {
  if (run.length < 16 || UUID.test(run)) return false;
  if (MIXED_HEX.test(run)) return true;
  if (!/[A-Z]/.test(run) || !/[a-z]/.test(run)) return false;
  const words = run.match(WORDS) ?? [];
  const characters = words.reduce((total, word) => total + word.length, 0);
  if (characters < 16) return false;
  const capitalsInARow = (run.match(/[A-Z](?=[A-Z])/g) ?? []).length;
  return characters / words.length < 3.5 || capitalsInARow >= 4 || (run.length >= 40 && new Set(run).size / run.length >= 0.6);
}

/** The text with tokens, e-mail addresses, long numbers and quoted free text masked. */
export function scrubText(text: string): string {
  return text
    .replace(REFUSED_VALUE, 'got invalid value [redacted]')
    .replace(EMAIL, '[email]')
    .replace(QUOTED, (quoted) => (/\s/.test(quoted) ? '"[redacted]"' : quoted))
    .replace(TOKEN_RUN, (run) => (looksLikeToken(run) ? '[token]' : run))
    .replace(LONG_NUMBER, '[number]');
}

export interface LoggedError {
  type?: string;
  message: string;
  code?: string | number;
  status?: number;
  stack?: string;
  cause?: LoggedError;
}

const SAFE_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * An error as a log line may hold it: its type, masked message and stack, its code and status, and
 * its cause the same way; never its other properties, which is where a database error keeps the
 * query's parameters and the row's values, an HTTP client the request and response, and an OAuth
 * library the parameters it received (pino's standard serializer copies every one of them).
 */
export function serializeError(value: unknown, depth = 0): LoggedError | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || typeof (value as { message?: unknown }).message !== 'string') return { message: `[${typeof value}]` };
  const error = value as { message: string; stack?: unknown; code?: unknown; status?: unknown; statusCode?: unknown; cause?: unknown; constructor?: { name?: string } };
  const logged: LoggedError = { message: scrubText(error.message) };
  if (value instanceof Error) logged.type = error.constructor?.name ?? value.name;
  if ((typeof error.code === 'string' && SAFE_CODE.test(error.code)) || typeof error.code === 'number') logged.code = error.code;
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  if (typeof status === 'number') logged.status = status;
  if (typeof error.stack === 'string') logged.stack = scrubText(error.stack);
  if (error.cause !== undefined && depth < 3) {
    const cause = serializeError(error.cause, depth + 1);
    if (cause !== undefined) logged.cause = typeof cause === 'string' ? { message: cause } : cause;
  }
  return logged;
}
