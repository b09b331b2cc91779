import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestSite } from '../pages/page-renderer.js';

const SITE = Symbol('frontCounterSite');

export function attachSite(request: FastifyRequest, site: RequestSite): void {
  (request as unknown as Record<symbol, RequestSite>)[SITE] = site;
}

export function siteOf(request: FastifyRequest): RequestSite | undefined {
  return (request as unknown as Record<symbol, RequestSite | undefined>)[SITE];
}

/** The force (and language) this request is for, found once at the edge by the tenant hook. */
export const CurrentSite = createParamDecorator((_data: unknown, context: ExecutionContext): RequestSite => {
  const site = siteOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!site) throw new Error('No force was resolved for this request');
  return site;
});
