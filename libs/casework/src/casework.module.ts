import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { IdentityModule } from '@front-counter/identity';
import { ReportsModule } from '@front-counter/reports';
import { TenancyModule } from '@front-counter/tenancy';
import { BackOfficeResolver } from './back-office.resolver.js';
import { CaseworkResolver } from './casework.resolver.js';
import { CaseworkService } from './casework.service.js';
import { ReportChangesService } from './report-changes.service.js';
import { SlaMonitor } from './sla-monitor.js';
import { TrackingResolver } from './tracking.resolver.js';
import { TrackingService } from './tracking.service.js';

@Module({
  imports: [AuditModule, IdentityModule, ReportsModule, TenancyModule],
  providers: [CaseworkService, CaseworkResolver, BackOfficeResolver, ReportChangesService, SlaMonitor, TrackingService, TrackingResolver],
  exports: [CaseworkService, SlaMonitor, TrackingService, ReportChangesService],
})
export class CaseworkModule {}
