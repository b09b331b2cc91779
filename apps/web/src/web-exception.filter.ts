import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@front-counter/logging';
import { badRequestOf } from './bad-requests/bad-request.js';
import { PageRenderer } from './pages/page-renderer.js';
import { rateLimitedOutcome, sendTooManyRequests } from './rate-limiting.js';
import { siteOf } from './tenant/current-site.decorator.js';
import { SITE_INDEPENDENT } from './tenant/tenant-hook.js';

/** Errors become pages: a themed "page not found" for a force, a plain one otherwise; no internals. */
@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly pages: PageRenderer,
    private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const site = siteOf(request);
    // The api refused the work under a rate limit: the reader is told when to try again.
    const limited = site && !site.national ? rateLimitedOutcome(exception) : null;
    if (limited && site) {
      sendTooManyRequests(reply, request, this.pages, site, limited.retryAfterSeconds);
      return;
    }
    if (status >= 500) this.logger.error({ requestId: request.id, err: exception }, 'request failed');
    if (status === 404 && SITE_INDEPENDENT.test(request.url)) {
      void reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found');
      return;
    }
    // A request the site could not take (a form it cannot read, text it cannot keep, an address that is not valid): what was wrong, in both languages.
    const refused = badRequestOf(exception);
    if (refused) {
      const html = this.pages.renderBadRequest(site, request, { problem: refused.problem, storedNothing: refused.storedNothing });
      void reply.code(refused.status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
      return;
    }
    let html: string;
    if (status === 404) html = site ? this.pages.render(site, request, 'not-found') : this.pages.renderPlain('unknownHost');
    else html = this.pages.renderPlain(status < 500 ? 'badRequest' : 'unavailable');
    void reply.code(status).header('content-type', 'text/html; charset=utf-8').send(html);
  }
}
