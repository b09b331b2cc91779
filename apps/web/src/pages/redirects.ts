import type { FastifyReply } from 'fastify';

/**
 * A path on this site: one leading "/" and then only letters, digits and `_-/?=&.%+`. That leaves out
 * a second slash or a backslash that browsers read as another host (`//evil.example`, `/\evil`), a
 * scheme (no ":"), spaces and control characters (no header splitting), and a "#" or "@".
 */
const LOCAL_PATH = /^\/[\w\-/?=&.%+]*$/;

/** The one open-redirect rule: whether `target` is a path on this site that no browser can read as somewhere else. */
export function isLocalPath(target: unknown): target is string {
  return typeof target === 'string' && LOCAL_PATH.test(target) && !target.includes('//');
}

/** `target` when it is a path on this site, else `fallback`. */
export function localPathOr(target: unknown, fallback: string): string {
  if (!isLocalPath(fallback)) throw new Error(`A redirect's fallback must be a path on this site, not ${JSON.stringify(fallback)}`);
  return isLocalPath(target) ? target : fallback;
}

/**
 * 303 See Other to a path on this site (anything else goes to `fallback`), never cached: every
 * redirect the force sites answer with goes through here, as a reply a handler returns
 * (`redirectTo`) or, in a hook that answers before any handler, sent at once (`seeOther`).
 */
export function redirectTo(target: string, fallback = '/'): Response {
  return new Response(null, { status: 303, headers: { location: localPathOr(target, fallback), 'cache-control': 'no-store' } });
}

export function seeOther(reply: FastifyReply, target: string, fallback = '/'): FastifyReply {
  return reply.code(303).header('location', localPathOr(target, fallback)).header('cache-control', 'no-store').send();
}

/**
 * 303 See Other to the force's sign-in provider: the one redirect off the site, to an address built
 * from the issuer in the force's own settings, never from the request.
 */
function providerLocation(providerUrl: string): string {
  const url = new URL(providerUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`A sign-in provider's address must be http(s), not ${url.protocol}`);
  return url.href;
}

export function redirectToProvider(providerUrl: string): Response {
  return new Response(null, { status: 303, headers: { location: providerLocation(providerUrl), 'cache-control': 'no-store' } });
}

export function seeOtherToProvider(reply: FastifyReply, providerUrl: string): FastifyReply {
  return reply.code(303).header('location', providerLocation(providerUrl)).header('cache-control', 'no-store').send();
}
