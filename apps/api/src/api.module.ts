import { SchemasController } from './schemas.controller.js';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ADMIN_ENTITIES, AdminModule } from '@front-counter/admin';
import { AUDIT_ENTITIES, AuditModule } from '@front-counter/audit';
import { CaseworkModule, DeliveryDocumentsModule, EvidenceReportsModule } from '@front-counter/casework';
import { DELIVERIES_ENTITIES, DeliveriesModule, DeliveriesResolver } from '@front-counter/deliveries';
import { ConfigModule, type AppConfig } from '@front-counter/config';
import { DatabaseModule, type DatabaseUrls } from '@front-counter/database';
import { EvidenceController, EvidenceModule } from '@front-counter/evidence';
import { NationalModule } from '@front-counter/national';
import { IdentityModule, StaffAuthService } from '@front-counter/identity';
import { MetricsModule, type AppMetrics } from '@front-counter/metrics';
import { FORMS_ENTITIES } from '@front-counter/forms';
import { OUTBOX_ENTITIES } from '@front-counter/outbox';
import { REPORTS_ENTITIES, ReportsModule } from '@front-counter/reports';
import { TENANCY_ENTITIES, TenancyModule, TenantsService } from '@front-counter/tenancy';
import type { RateLimits } from '@front-counter/rate-limits';
import { TRIAGE_ENTITIES } from '@front-counter/triage';
import { DomainExceptionFilter } from './graphql/domain-exception.filter.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { forceByHost } from './graphql/rate-limit.plugin.js';
import { HealthController } from './health.controller.js';

/** Every entity the api maps; each context exports its own list. */
export const API_ENTITIES = [...TENANCY_ENTITIES, ...AUDIT_ENTITIES, ...FORMS_ENTITIES, ...REPORTS_ENTITIES, ...OUTBOX_ENTITIES, ...TRIAGE_ENTITIES, ...ADMIN_ENTITIES, ...DELIVERIES_ENTITIES];

@Module({})
export class ApiModule {
  static register(config: AppConfig, urls: DatabaseUrls, metrics: AppMetrics | null = null, limits: RateLimits | null = null): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot(metrics),
        DatabaseModule.forRoot({ urls, entities: API_ENTITIES, poolSize: config.database.poolSize, applicationName: 'front-counter-api' }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [IdentityModule, TenancyModule],
          inject: [StaffAuthService, TenantsService],
          useFactory: (auth: StaffAuthService, tenants: TenantsService) =>
            graphqlOptions(config, auth, metrics, limits ? { limits, forceOf: forceByHost(tenants) } : undefined),
        }),
        AuditModule,
        TenancyModule,
        ReportsModule,
        IdentityModule,
        CaseworkModule,
        EvidenceModule,
        EvidenceReportsModule,
        NationalModule,
        AdminModule,
        DeliveryDocumentsModule,
        DeliveriesModule,
      ],
      controllers: [HealthController, EvidenceController, SchemasController],
      providers: [{ provide: APP_FILTER, useClass: DomainExceptionFilter }, DeliveriesResolver],
    };
  }
}
