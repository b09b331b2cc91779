import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { FormCatalogue } from '@front-counter/forms';
import { TenancyModule } from '@front-counter/tenancy';
import { JourneysResolver } from './journeys.resolver.js';
import { JourneysService } from './journeys.service.js';
import { ReportIntake } from './report-intake.js';
import { ReportLife } from './report-life.js';

@Module({ imports: [AuditModule, TenancyModule], providers: [FormCatalogue, JourneysService, JourneysResolver, ReportIntake, ReportLife], exports: [JourneysService, FormCatalogue, ReportIntake, ReportLife] })
export class ReportsModule {}
