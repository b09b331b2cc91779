import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { multipartProblem, UploadInterrupted, WebBadRequest } from './bad-request.js';
import { discardBody } from './request-guards.js';
import { isAcceptableText } from './request-text.js';

/** Tighter bounds for one form than the site's (FORM_LIMITS); `throwFileSizeLimit: false` leaves a file over its size cut short and marked `truncated`, for the form to say so. */
type PartOptions = { limits?: { fileSize?: number; fields?: number; files?: number }; throwFileSizeLimit?: boolean };

/**
 * A multipart form's parts, one at a time as they arrive, each checked as text the site can accept
 * (field names, values and file names). Whatever the parser cannot take (no boundary or a wrong one,
 * a body cut off, noise, a limit broken) ends the loop with a WebBadRequest naming the problem;
 * what is left of the body is then dropped so the visitor still gets the page.
 */
export async function* formParts(request: FastifyRequest, options?: PartOptions): AsyncGenerator<Multipart> {
  if (!request.isMultipart()) throw new WebBadRequest('malformed-form');
  try {
    for await (const part of request.parts(options)) {
      const text = part.type === 'field' ? [part.fieldname, typeof part.value === 'string' ? part.value : ''] : [part.fieldname, part.filename ?? ''];
      if (!text.every(isAcceptableText)) throw new WebBadRequest('invalid-characters');
      if (part.type === 'field' && part.fieldnameTruncated) throw new WebBadRequest('malformed-form');
      if (part.type === 'field' && part.valueTruncated) throw new WebBadRequest('too-large');
      yield part;
    }
  } catch (error) {
    discardBody(request);
    throw multipartProblem(error);
  }
}

/** Reads a multipart form to its end and keeps nothing: a form that cannot be read is still refused. */
export async function discardParts(request: FastifyRequest): Promise<void> {
  for await (const part of formParts(request)) if (part.type === 'file') part.file.resume();
}

/**
 * An error from a loop over formParts as what to answer: a file stream that broke on its way to the
 * api is the form's problem (cut off, too large), not the site's; anything else stays as it was.
 */
export function partsFailure(error: unknown, request: FastifyRequest): unknown {
  if (!(error instanceof UploadInterrupted)) return error;
  discardBody(request);
  return multipartProblem(error);
}
