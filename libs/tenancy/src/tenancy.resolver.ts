import { Args, Query, Resolver } from '@nestjs/graphql';
import { PublicTenantModel } from './public-tenant.model.js';
import { RequestHost } from './request-host.decorator.js';
import { TenantsService } from './tenants.service.js';

@Resolver(() => PublicTenantModel)
export class TenancyResolver {
  constructor(private readonly tenants: TenantsService) {}

  @Query(() => PublicTenantModel, {
    description: 'The force a public request is for: by slug when given, else by the Host the request came to. Unknown: TENANT_NOT_FOUND.',
  })
  tenant(@Args('slug', { type: () => String, nullable: true }) slug: string | null, @RequestHost() host: string | undefined): Promise<PublicTenantModel> {
    return this.tenants.findPublic({ slug, host });
  }
}
