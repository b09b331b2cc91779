import { Module } from '@nestjs/common';
import { TenancyResolver } from './tenancy.resolver.js';
import { TenantsService } from './tenants.service.js';
import { PublicTenantGuard } from './current-tenant.js';

@Module({ providers: [TenantsService, TenancyResolver, PublicTenantGuard], exports: [TenantsService, PublicTenantGuard] })
export class TenancyModule {}
