import { HttpException } from '@nestjs/common';

/**
 * Why the site refused a request it could not take, each with its own message on the page (in
 * English and Welsh, see `badRequest.problems` in the message catalogues).
 */
export type BadRequestProblem = 'malformed-form' | 'too-many-files' | 'too-many-fields' | 'too-large' | 'invalid-characters' | 'invalid-address';

/** The most a form may carry: above any page of the site, far below what would cost the site or the api. */
export const FORM_LIMITS = { fields: 200, files: 20, fieldSize: 100_000, parts: 220, headerPairs: 200 } as const;

/**
 * A request the site refused: answered with the bad-request page naming the problem. `storedNothing`
 * unless the refusal came after part of it had gone to the api for good (the page then does not say
 * that nothing was kept).
 */
export class WebBadRequest extends HttpException {
  readonly storedNothing: boolean;

  constructor(
    readonly problem: BadRequestProblem,
    options: { storedNothing?: boolean } = {},
  ) {
    super(problem, problem === 'too-large' ? 413 : 400);
    this.storedNothing = options.storedNothing ?? true;
  }
}

/** A file's stream failed while it was being sent on to the api (the form was cut off or broke a limit). */
export class UploadInterrupted extends Error {
  constructor(readonly streamError: unknown) {
    super('the file stream failed while it was being sent on', { cause: streamError });
  }
}

const codeOf = (error: unknown) => (error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined);

/**
 * What a failure of the multipart parser (or of a file stream it gave out) means for the visitor:
 * a limit the form broke, or a form that cannot be read (no boundary, a wrong one, cut off, noise).
 */
export function multipartProblem(error: unknown): WebBadRequest {
  if (error instanceof WebBadRequest) return error;
  if (error instanceof UploadInterrupted) return multipartProblem(error.streamError);
  switch (codeOf(error)) {
    case 'FST_FILES_LIMIT':
      return new WebBadRequest('too-many-files');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new WebBadRequest('too-many-fields');
    case 'FST_REQ_FILE_TOO_LARGE':
      return new WebBadRequest('too-large');
    default:
      return new WebBadRequest('malformed-form');
  }
}

/**
 * The problem behind an error on its way to a page, and the status to answer with; null for a
 * failure of the site itself (5xx) or a refusal that is no bad request (404, 401...).
 * Fastify's own refusals of a body arrive as HttpExceptions made from its errors (413, 415, 400).
 */
export function badRequestOf(exception: unknown): { status: number; problem: BadRequestProblem | null; storedNothing: boolean } | null {
  if (exception instanceof WebBadRequest) return { status: exception.getStatus(), problem: exception.problem, storedNothing: exception.storedNothing };
  if (!(exception instanceof HttpException)) return null;
  const status = exception.getStatus();
  // Refused by Fastify before any route ran: nothing reached the api.
  if (status === 413) return { status, problem: 'too-large', storedNothing: true };
  if (status === 400 || status === 415) return { status, problem: 'malformed-form', storedNothing: true };
  if (status >= 400 && status < 500 && status !== 404) return { status, problem: null, storedNothing: false };
  return null;
}
