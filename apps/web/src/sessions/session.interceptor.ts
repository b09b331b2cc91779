import { applyDecorators, type CallHandler, createParamDecorator, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata, type Type, UseInterceptors } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, map, type Observable, of } from 'rxjs';
import { siteOf } from '../tenant/current-site.decorator.js';
import { PageReply } from '../pages/web-reply.js';
import type { SessionArea, SessionRouteOptions } from './session-area.js';

const SESSION_ROUTE = Symbol('sessionRoute');
const HANDLE = Symbol('sessionHandle');

interface SessionRoute {
  area: Type<SessionArea>;
  options: SessionRouteOptions;
}

/**
 * The one session mechanism: before the handler, the route's area opens its session (or answers
 * for a missing one, or a form whose token does not match); the handler reads it with
 * `@CurrentSession()` and returns its reply; afterwards the area writes back what changed, and
 * answers the failures it knows (a session that ended) itself.
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly modules: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.getAllAndOverride<SessionRoute | undefined>(SESSION_ROUTE, [context.getHandler(), context.getClass()]);
    if (!route) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const site = siteOf(request);
    if (!site) throw new Error('No force was resolved for this request');
    const area = this.modules.get(route.area, { strict: false });
    const handle = area.open(request, reply, site, route.options);
    if (handle instanceof Response || handle instanceof PageReply) return of(handle);
    (request as unknown as Record<symbol, unknown>)[HANDLE] = handle;
    return next.handle().pipe(
      map((result) => {
        area.close?.(handle, route.options);
        return result;
      }),
      catchError((error: unknown) => {
        const answer = area.recover?.(error, handle);
        if (!answer) throw error;
        return from(Promise.resolve(answer));
      }),
    );
  }
}

/** The route's session comes from `area` (see SessionInterceptor). */
export function UseSession(area: Type<SessionArea>, options: SessionRouteOptions = {}) {
  return applyDecorators(SetMetadata(SESSION_ROUTE, { area, options } satisfies SessionRoute), UseInterceptors(SessionInterceptor));
}

/** The session handle the route's area opened for this request. */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): unknown => {
  const handle = (context.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<symbol, unknown>)[HANDLE];
  if (handle === undefined) throw new Error('No session was opened for this route (see @UseSession)');
  return handle;
});
