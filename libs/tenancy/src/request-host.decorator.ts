import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';

/**
 * The host a public request came to. Fastify's `hostname` honours X-Forwarded-Host only from the
 * trusted proxies in TRUST_PROXY (the force site in front of the api), never from anyone else.
 */
export const RequestHost = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const request = context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext<{ req: FastifyRequest }>().req : context.switchToHttp().getRequest<FastifyRequest>();
  return request.hostname;
});
