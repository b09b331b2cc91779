import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { IdentityModule } from '@front-counter/identity';
import { NationalForcesService } from './national-forces.service.js';
import { NationalResolver } from './national.resolver.js';
import { OnboardingService } from './onboarding.service.js';

@Module({ imports: [AuditModule, IdentityModule], providers: [NationalForcesService, OnboardingService, NationalResolver], exports: [NationalForcesService, OnboardingService] })
export class NationalModule {}
