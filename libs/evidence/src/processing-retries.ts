import { UndecodableImage } from './derive.js';

/**
 * How the worker treats a file whose scan or copies failed. A file whose bytes cannot be decoded is
 * unprocessable at once: the same bytes fail the same way every time. Anything else (the store or the
 * scanner unreachable, a worker out of memory) is retried after 1, 2, 4, ... minutes, at most an hour
 * apart, and after the last attempt (about two hours after the first) the file is marked unprocessable
 * too, so that no file waits for ever and its reporter and the staff are told.
 */
export const MAX_PROCESSING_ATTEMPTS = 8;
const FIRST_RETRY_SECONDS = 60;
const LONGEST_WAIT_SECONDS = 60 * 60;

/** Why a file could not be processed: its bytes, or every attempt failed. */
export type UnprocessableReason = 'undecodable' | 'attempts-exhausted';

export type FailureOutcome = { kind: 'unprocessable'; reason: UnprocessableReason } | { kind: 'retry'; afterSeconds: number };

/** The wait after the `attempt`th attempt failed (the first is 1). */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(LONGEST_WAIT_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempt - 1));
}

/** What becomes of a file after its `attempt`th attempt failed with `error`. */
export function afterFailure(error: unknown, attempt: number): FailureOutcome {
  if (error instanceof UndecodableImage) return { kind: 'unprocessable', reason: 'undecodable' };
  if (attempt >= MAX_PROCESSING_ATTEMPTS) return { kind: 'unprocessable', reason: 'attempts-exhausted' };
  return { kind: 'retry', afterSeconds: retryDelaySeconds(attempt) };
}

/** What staff read under "Could not be processed" (staff pages are in English). */
export const UNPROCESSABLE_DETAIL: Record<UnprocessableReason, string> = {
  undecodable: 'The file is damaged or is not an image that can be opened, so no copy could be made to view. The original is kept as received.',
  'attempts-exhausted': `Processing failed ${MAX_PROCESSING_ATTEMPTS} times over about two hours, so it was given up. The original is kept as received.`,
};
