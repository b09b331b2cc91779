import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { setRequestTenant } from '@front-counter/logging';
import type { FastifyRequest } from 'fastify';
import { PublicTenantModel } from './public-tenant.model.js';
import { TenantsService } from './tenants.service.js';

@Resolver(() => PublicTenantModel)
export class TenancyResolver {
  constructor(private readonly tenants: TenantsService) {}

  /**
   * The host is Fastify's `hostname`, which honours X-Forwarded-Host only from the proxies listed
   * in TRUST_PROXY (the force site in front of the api), never from anyone else.
   */
  @Query(() => PublicTenantModel, {
    description: 'The force a public request is for: by slug when given, else by the Host the request came to. Unknown: TENANT_NOT_FOUND.',
  })
  async tenant(@Args('slug', { type: () => String, nullable: true }) slug: string | null, @Context('req') request: FastifyRequest): Promise<PublicTenantModel> {
    const tenant = await this.tenants.findPublic({ slug, host: request.hostname });
    setRequestTenant(request, tenant.slug);
    return tenant;
  }
}
