import { Module } from '@nestjs/common';
import { TenancyResolver } from './tenancy.resolver.js';
import { TenantsService } from './tenants.service.js';
import { PublicTenantGuard } from './current-tenant.js';
import { RegistryChanges } from './registry-changes.js';

@Module({ providers: [TenantsService, TenancyResolver, PublicTenantGuard, RegistryChanges], exports: [TenantsService, PublicTenantGuard, RegistryChanges] })
export class TenancyModule {}
