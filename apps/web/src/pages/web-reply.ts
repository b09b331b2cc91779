import type { FastifyReply } from 'fastify';

/**
 * Replies as values: a handler returns one of these and Nest sends it (a web `Response` is the whole
 * answer: its status and headers win). The length is given, so pages go out as they always have,
 * not chunked. Redirects are made only by pages/redirects.ts.
 */
export function htmlReply(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)), ...headers } });
}

export function jsonReply(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(value);
  return new Response(text, { status, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers } });
}

/** Bytes (an image, a stylesheet) with their content type. */
export function bytesReply(body: string | Buffer, headers: Record<string, string>, status = 200): Response {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new Response(new Uint8Array(bytes), { status, headers: { 'content-length': String(bytes.length), ...headers } });
}

/** A status and nothing else (e.g. 401 to a background request, 404 to a missing preview). */
export function emptyReply(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

/** For the one handler that keeps the reply (a stream that outlives it): sends a reply value there. */
export async function sendWebReply(reply: FastifyReply, answer: Response): Promise<void> {
  reply.code(answer.status);
  answer.headers.forEach((value, name) => void reply.header(name, value));
  await reply.send(answer.body ? Buffer.from(await answer.arrayBuffer()) : undefined);
}
