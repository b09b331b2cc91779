import { Module } from '@nestjs/common';
import { TenancyResolver } from './tenancy.resolver.js';
import { TenantsService } from './tenants.service.js';

@Module({ providers: [TenantsService, TenancyResolver], exports: [TenantsService] })
export class TenancyModule {}
