import { BlockList, isIPv6 } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageRenderer } from '../pages/page-renderer.js';
import type { TenantLookup } from '../tenant/tenant-lookup.js';
import { WebBadRequest } from './bad-request.js';
import { hostProblem, isAcceptableValue, requestTargetProblem } from './request-text.js';

/** The routes that read a multipart form themselves (file questions, files added to a report, the force's logo). */
const MULTIPART_ROUTES = new Set(['POST /:serviceId/:pageId', 'POST /track/report/files', 'POST /admin/site']);

/** TRUST_PROXY's list of addresses and ranges, as a test of the address a request came from. */
export function trustedProxies(list: string): (address: string | undefined) => boolean {
  const blocks = new BlockList();
  for (const entry of list.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [address, bits] = entry.split('/');
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, Number(bits), type);
  }
  return (address) => Boolean(address) && blocks.check(address!, isIPv6(address!) ? 'ipv6' : 'ipv4');
}

/**
 * The Host, before anything else looks at it: exactly one, a plain name (or address) with a port,
 * and no different X-Forwarded-Host from a client that is not a trusted proxy. The force is chosen by
 * the Host, so an ambiguous one is refused rather than guessed at.
 */
export function registerHostGuard(fastify: FastifyInstance, trustProxy: string): void {
  const trusted = trustedProxies(trustProxy);
  fastify.addHook('onRequest', (request, _reply, done) => {
    const forwarded = request.headers['x-forwarded-host'];
    const problem = hostProblem(request.raw.rawHeaders, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trusted(request.raw.socket?.remoteAddress));
    done(problem ? new WebBadRequest(problem) : undefined);
  });
}

/** Drops what is left of a request body the site will not read, so the client can finish sending and read the answer. */
export function discardBody(request: FastifyRequest): void {
  if (!request.raw.readableEnded) request.raw.resume();
}

/**
 * Text no page could have sent (NUL, a lone surrogate, a broken escape) in the path, the query or
 * a parsed body is refused here, before any route calls the api; so is a multipart form sent to a
 * page that takes none. Register after the tenant hook, so the refusal is shown in the force's theme.
 */
export function registerInputGuards(fastify: FastifyInstance): void {
  // Callback hooks: every request passes them, and an async hook costs a promise each time.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const problem = requestTargetProblem(request.url);
    done(problem ? new WebBadRequest(problem) : undefined);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (request.isMultipart?.() && !MULTIPART_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      discardBody(request);
      return done(new WebBadRequest('malformed-form'));
    }
    done(request.body !== undefined && !isAcceptableValue(request.body) ? new WebBadRequest('invalid-characters') : undefined);
  });
}

/**
 * A request whose URL Fastify could not route (it cannot be decoded): no hook has run, so the Host is
 * checked and the force looked up here, to answer in its theme where it is known.
 */
export async function sendUnroutableRefusal(request: FastifyRequest, reply: FastifyReply, deps: { pages: PageRenderer; lookup: TenantLookup; trustProxy: string }): Promise<void> {
  const forwarded = request.headers['x-forwarded-host'];
  const hostIsClear = !hostProblem(request.raw.rawHeaders, Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trustedProxies(deps.trustProxy)(request.raw.socket?.remoteAddress));
  const tenant = hostIsClear ? await deps.lookup.forHost(request.headers.host, request.id).catch(() => null) : null;
  const site = tenant && !tenant.suspended ? { tenant, language: 'en' as const } : undefined;
  const html = deps.pages.renderBadRequest(site, request, { problem: requestTargetProblem(request.url) ?? 'invalid-address', storedNothing: true });
  void reply.code(400).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}
