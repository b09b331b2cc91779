import { type DynamicModule, Module } from '@nestjs/common';
import { AUDIT_ENTITIES, AuditModule } from '@front-counter/audit';
import { DeliveryDocumentsModule, SlaMonitor, EvidenceReportsModule } from '@front-counter/casework';
import { DELIVERIES_ENTITIES, DeliveriesModule } from '@front-counter/deliveries';
import { ConfigModule, type AppConfig } from '@front-counter/config';
import { DatabaseModule, type DatabaseUrls } from '@front-counter/database';
import { EvidenceModule } from '@front-counter/evidence';
import { FORMS_ENTITIES } from '@front-counter/forms';
import type { Logger } from '@front-counter/logging';
import { MetricsModule, type AppMetrics } from '@front-counter/metrics';
import { OUTBOX_ENTITIES } from '@front-counter/outbox';
import { REPORTS_ENTITIES, ReportsModule } from '@front-counter/reports';
import { RetentionModule } from '@front-counter/retention';
import { TENANCY_ENTITIES } from '@front-counter/tenancy';
import { TRIAGE_ENTITIES } from '@front-counter/triage';
import { RetentionSchedule } from './retention-schedule.js';
import { WorkerDeliveryMailModule } from './delivery-mail.js';
import { JobWorker } from './job-worker.js';
import { WORKER_LOGGER } from './worker-logger.js';
import { WorkerMetrics } from './worker-metrics.js';

@Module({})
export class WorkerModule {
  static register(config: AppConfig, urls: DatabaseUrls, logger: Logger, metrics: AppMetrics | null = null): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot(metrics),
        DatabaseModule.forRoot({ urls, entities: [...TENANCY_ENTITIES, ...AUDIT_ENTITIES, ...FORMS_ENTITIES, ...REPORTS_ENTITIES, ...OUTBOX_ENTITIES, ...TRIAGE_ENTITIES, ...DELIVERIES_ENTITIES], poolSize: 4, applicationName: 'front-counter-worker' }),
        AuditModule,
        ReportsModule,
        EvidenceModule,
        EvidenceReportsModule,
        DeliveryDocumentsModule,
        WorkerDeliveryMailModule,
        DeliveriesModule,
        RetentionModule,
      ],
      providers: [ JobWorker, WorkerMetrics, SlaMonitor, RetentionSchedule, { provide: WORKER_LOGGER, useValue: logger }],
    };
  }
}
