import { Module } from '@nestjs/common';
import { AuditModule } from '@front-counter/audit';
import { EvidenceModule } from '@front-counter/evidence';
import { RETENTION_CLOCK, systemClock } from './clock.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [AuditModule, EvidenceModule],
  providers: [RetentionService, { provide: RETENTION_CLOCK, useValue: systemClock }],
  exports: [RetentionService, RETENTION_CLOCK],
})
export class RetentionModule {}
