import { createParamDecorator, type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { setRequestTenant } from '@front-counter/logging';
import type { Tenant } from './tenant.entity.js';
import { TenancyException } from './tenancy.exception.js';
import { TenantsService } from './tenants.service.js';

const TENANT = Symbol('frontCounterTenant');

function requestOf(context: ExecutionContext): FastifyRequest {
  return context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context).getContext<{ req: FastifyRequest }>().req : context.switchToHttp().getRequest<FastifyRequest>();
}

/**
 * Public operations: the force is found once, from the Host the request came to (Fastify honours
 * X-Forwarded-Host only from TRUST_PROXY), before the resolver runs. An unknown host is refused with
 * TENANT_NOT_FOUND; a suspended force offers no public operations (FORCE_SUSPENDED).
 */
@Injectable()
export class PublicTenantGuard implements CanActivate {
  constructor(private readonly tenants: TenantsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context);
    const known = (request as unknown as Record<symbol, Tenant | undefined>)[TENANT];
    if (known) return true;
    (request as unknown as Record<symbol, Tenant>)[TENANT] = await publicTenantOf(this.tenants, request);
    return true;
  }
}

/**
 * The active force whose site the request came through (its Host), named in the request's log line;
 * TENANT_NOT_FOUND for an unknown host, FORCE_SUSPENDED for a suspended force. PublicTenantGuard's
 * rule, for routes outside Nest's pipeline (the journey wire).
 */
export async function publicTenantOf(tenants: TenantsService, request: FastifyRequest): Promise<Tenant> {
  const tenant = await tenants.findByHost(request.hostname);
  if (!tenant) throw TenancyException.notFound();
  if (tenant.status !== 'active') throw TenancyException.suspended();
  setRequestTenant(request, tenant.slug);
  return tenant;
}

/** The force of this request, as found by PublicTenantGuard. */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): Tenant => {
  const tenant = (requestOf(context) as unknown as Record<symbol, Tenant | undefined>)[TENANT];
  if (!tenant) throw new Error('CurrentTenant used without PublicTenantGuard');
  return tenant;
});
