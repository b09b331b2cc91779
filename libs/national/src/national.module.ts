import { Module } from '@nestjs/common';
import { AdminModule } from '@front-counter/admin';
import { AuditModule } from '@front-counter/audit';
import { IdentityModule } from '@front-counter/identity';
import { NationalForcesService } from './national-forces.service.js';
import { NationalResolver } from './national.resolver.js';
import { NationalServicesService } from './national-services.service.js';
import { OnboardingService } from './onboarding.service.js';

@Module({
  imports: [AuditModule, IdentityModule, AdminModule],
  providers: [NationalForcesService, OnboardingService, NationalServicesService, NationalResolver],
  exports: [NationalForcesService, OnboardingService],
})
export class NationalModule {}
