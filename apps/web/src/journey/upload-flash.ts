import type { FastifyReply, FastifyRequest } from 'fastify';
import { base64Json, SessionCookie } from '../sessions/session-cookie.js';

/** The header the pages' upload script sends: the answer must then be a navigation, never a page to paste in. */
export const UPLOAD_REQUEST_HEADER = 'x-fc-upload';

/** Well under a browser's 4 KB cookie limit, signature included. */
const MAX_BYTES = 3000;

export interface FlashedError {
  field: string;
  questionId?: string;
  message: { en: string; cy: string | null };
}

function isFlashedError(item: FlashedError): item is FlashedError {
  return typeof item?.field === 'string' && typeof item?.message?.en === 'string' && (typeof item.message.cy === 'string' || item.message.cy === null);
}

/**
 * When files are sent by the page's upload script (to show progress), a refusal cannot be shown by
 * pasting the answered page into the document: the page's scripts would not run again. So the site
 * answers with a redirect to the same page and carries the errors in a short-lived signed cookie for
 * that page only, which the next GET reads once. Without JavaScript none of this is used.
 */
export class UploadFlash {
  private readonly cookie: SessionCookie<FlashedError[]>;

  constructor(secure: boolean) {
    this.cookie = new SessionCookie<FlashedError[]>({
      name: () => 'fc_upload_errors',
      path: '/',
      secure: () => secure,
      signed: true,
      maxAgeSeconds: () => 60,
      encode: (errors) => {
        const value = base64Json.encode(errors);
        return value.length > MAX_BYTES * 1.4 ? '' : value;
      },
      decode: (text) => {
        const parsed = base64Json.decode(text);
        return Array.isArray(parsed) ? (parsed as FlashedError[]).filter(isFlashedError) : undefined;
      },
    });
  }

  static fromScript(request: FastifyRequest): boolean {
    return request.headers[UPLOAD_REQUEST_HEADER] === '1';
  }

  write(request: FastifyRequest, reply: FastifyReply, path: string, errors: FlashedError[]): void {
    let kept = errors.slice(0, 20);
    while (kept.length > 1 && Buffer.byteLength(JSON.stringify(kept)) > MAX_BYTES) kept = kept.slice(0, -1);
    this.cookie.write(request, reply, kept, undefined, path);
  }

  /** The errors flashed for this page, cleared as they are read; [] when none (or the cookie was tampered with). */
  take(request: FastifyRequest, reply: FastifyReply, path: string): FlashedError[] {
    if (!request.cookies?.[this.cookie.name(request)]) return [];
    this.cookie.clear(request, reply, path);
    return this.cookie.read(request) ?? [];
  }
}
