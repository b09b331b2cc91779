import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { IdentityModule } from '@front-counter/identity';
import { ForceAdminResolver } from './force-admin.resolver.js';
import { ForceAdminService } from './force-admin.service.js';

@Module({ imports: [AuditModule, IdentityModule], providers: [ForceAdminService, ForceAdminResolver], exports: [ForceAdminService] })
export class AdminModule {}
