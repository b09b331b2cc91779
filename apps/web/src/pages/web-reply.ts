import type { FastifyReply } from 'fastify';

/**
 * A page, JSON or bytes to send whole: its status, headers and body. Nest would stream a web
 * `Response` through WHATWG streams chunk by chunk (about a tenth of a question page's time), so a
 * reply with its body in hand is this, and the web's adapter (WebFastifyAdapter) sends it in one write.
 */
export class PageReply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string | Buffer,
  ) {}
}

/** What a web handler answers: a page, or a web `Response` (a redirect, a status alone, a proxied stream). */
export type WebAnswer = PageReply | Response;

/**
 * Replies as values: a handler returns one of these and Nest sends it (its status and headers win).
 * The length is given, so pages go out as they always have, not chunked. Redirects are made only by
 * pages/redirects.ts.
 */
export function htmlReply(html: string, status = 200, headers: Record<string, string> = {}): PageReply {
  return new PageReply(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)), ...headers }, html);
}

export function jsonReply(value: unknown, status = 200, headers: Record<string, string> = {}): PageReply {
  const text = JSON.stringify(value);
  return new PageReply(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }, text);
}

/** Bytes (an image, a stylesheet) with their content type. */
export function bytesReply(body: string | Buffer, headers: Record<string, string>, status = 200): PageReply {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new PageReply(status, { 'content-length': String(bytes.length), ...headers }, bytes);
}

/** Sends a PageReply on Fastify's reply: its status, its headers, its body in one write. */
export function sendPageReply(reply: FastifyReply, page: PageReply): FastifyReply {
  return reply.code(page.status).headers(page.headers).send(page.body);
}

/** A status and nothing else (e.g. 401 to a background request, 404 to a missing preview). */
export function emptyReply(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

/** For the one handler that keeps the reply (a stream that outlives it): sends a reply value there. */
export async function sendWebReply(reply: FastifyReply, answer: WebAnswer): Promise<void> {
  if (answer instanceof PageReply) {
    await sendPageReply(reply, answer);
    return;
  }
  reply.code(answer.status);
  answer.headers.forEach((value, name) => void reply.header(name, value));
  await reply.send(answer.body ? Buffer.from(await answer.arrayBuffer()) : undefined);
}
