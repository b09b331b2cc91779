import type { FastifyReply, FastifyRequest } from 'fastify';

/** The header the pages' upload script sends: the answer must then be a navigation, never a page to paste in. */
export const UPLOAD_REQUEST_HEADER = 'x-fc-upload';

const COOKIE = 'fc_upload_errors';
/** Well under a browser's 4 KB cookie limit, signature included. */
const MAX_BYTES = 3000;

export interface FlashedError {
  field: string;
  questionId?: string;
  message: { en: string; cy: string | null };
}

/**
 * When files are sent by the page's upload script (to show progress), a refusal cannot be shown by
 * pasting the answered page into the document: the page's scripts would not run again. So the site
 * answers with a redirect to the same page and carries the errors in a short-lived signed cookie for
 * that page only, which the next GET reads once. Without JavaScript none of this is used.
 */
export const uploadFlash = {
  fromScript(request: FastifyRequest): boolean {
    return request.headers[UPLOAD_REQUEST_HEADER] === '1';
  },

  write(reply: FastifyReply, path: string, errors: FlashedError[], secure: boolean): void {
    let kept = errors.slice(0, 20);
    while (kept.length > 1 && Buffer.byteLength(JSON.stringify(kept)) > MAX_BYTES) kept = kept.slice(0, -1);
    const value = Buffer.from(JSON.stringify(kept)).toString('base64url');
    reply.setCookie(COOKIE, value.length > MAX_BYTES * 1.4 ? '' : value, { path, httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: 60 });
  },

  /** The errors flashed for this page, cleared as they are read; [] when none (or the cookie was tampered with). */
  take(request: FastifyRequest, reply: FastifyReply, path: string, secure: boolean): FlashedError[] {
    const raw = request.cookies?.[COOKIE];
    if (!raw) return [];
    reply.clearCookie(COOKIE, { path, httpOnly: true, sameSite: 'lax', secure });
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return [];
    try {
      const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (item): item is FlashedError => typeof item?.field === 'string' && typeof item?.message?.en === 'string' && (typeof item.message.cy === 'string' || item.message.cy === null),
      );
    } catch {
      return [];
    }
  },
};
