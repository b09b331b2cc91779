import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { IdentityModule } from '@front-counter/identity';
import { ReportsModule } from '@front-counter/reports';
import { FiguresService } from './figures.service.js';
import { ForceAdminResolver } from './force-admin.resolver.js';
import { ForceAdminService } from './force-admin.service.js';
import { RoutingAdminResolver } from './routing-admin.resolver.js';
import { RoutingAdminService } from './routing-admin.service.js';

@Module({
  imports: [AuditModule, IdentityModule, ReportsModule],
  providers: [ForceAdminService, RoutingAdminService, FiguresService, ForceAdminResolver, RoutingAdminResolver],
  exports: [ForceAdminService, FiguresService],
})
export class AdminModule {}
