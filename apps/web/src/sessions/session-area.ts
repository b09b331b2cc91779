import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestSite } from '../pages/page-renderer.js';
import type { WebAnswer } from '../pages/web-reply.js';

/** What a route asks of its area's session (each area reads the options it has). */
export interface SessionRouteOptions {
  /** A form post: its `_csrf` field must match the session's token before the handler runs. */
  csrf?: boolean;
  /** No session is needed: the handler gets the area's cookies to read and write itself. */
  optional?: boolean;
  /** A request that does not count as the person using the pages (e.g. a live-update refetch). */
  background?: (request: FastifyRequest) => boolean;
  /** The area's host the pages live on, if only one (elsewhere they do not exist). */
  host?: 'national';
}

/**
 * An area of the site with a session of its own (staff and administration, the public journey,
 * tracking). It declares how the session is read and checked, what happens when it is missing or a
 * form's token does not match (a reply in its place), and what is written back once the page is done.
 */
export interface SessionArea<Handle = unknown> {
  /** The request's session handle, or the reply that answers instead (a redirect, a page). */
  open(request: FastifyRequest, reply: FastifyReply, site: RequestSite, options: SessionRouteOptions): Handle | WebAnswer;
  /** The page is done: write back what changed. */
  close?(handle: Handle, options: SessionRouteOptions): void;
  /** A failure the area answers itself (e.g. the session ended at the provider); undefined to let it through. */
  recover?(error: unknown, handle: Handle): WebAnswer | Promise<WebAnswer> | undefined;
}
