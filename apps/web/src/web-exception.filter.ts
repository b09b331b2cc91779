import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@front-counter/logging';
import { PageRenderer } from './pages/page-renderer.js';
import { siteOf } from './tenant/current-site.decorator.js';

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
    if (status >= 500) this.logger.error({ requestId: request.id, err: exception }, 'request failed');
    if (status < 500 && status !== 404 && exception instanceof HttpException) {
      void reply.code(status).send(exception.getResponse());
      return;
    }
    const html = status === 404 && site ? this.pages.render(site, request, 'not-found', { pageTitle: undefined }) : this.pages.renderPlain(status === 404 ? 'unknownHost' : 'unavailable');
    void reply.code(status === 404 ? 404 : 500).header('content-type', 'text/html; charset=utf-8').send(html);
  }
}
