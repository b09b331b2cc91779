import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@front-counter/config';
import type { Logger } from '@front-counter/logging';
import { MetricsModule, type AppMetrics } from '@front-counter/metrics';
import { ApiClient } from './api-client.js';
import { HealthController } from './health.controller.js';
import { JourneyApi } from './journey/journey-api.js';
import { JourneyController } from './journey/journey.controller.js';
import { AssetsController } from './pages/assets.controller.js';
import { DevMailController } from './pages/dev-mail.controller.js';
import { PageRenderer } from './pages/page-renderer.js';
import { PagesController } from './pages/pages.controller.js';
import { StaffController } from './staff/staff.controller.js';
import { staffProviders } from './staff/staff-providers.js';
import { AdminApi } from './admin/admin-api.js';
import { AdminController } from './admin/admin.controller.js';
import { AdminRoutingController } from './admin/admin-routing.controller.js';
import { NationalApi } from './national/national-api.js';
import { NationalController } from './national/national.controller.js';
import { TenantLookup } from './tenant/tenant-lookup.js';
import { ThemeService } from './theme/theme.service.js';
import { TrackingApi } from './tracking/tracking-api.js';
import { TrackingController } from './tracking/tracking.controller.js';
import { WebExceptionFilter } from './web-exception.filter.js';

export const WEB_LOGGER = Symbol('WEB_LOGGER');

/** The force sites: server-rendered pages over the api. It holds no data and has no database access. */
@Module({})
export class WebModule {
  static register(config: AppConfig, logger: Logger, metrics: AppMetrics | null = null): DynamicModule {
    return {
      module: WebModule,
      imports: [ConfigModule.forRoot(config), MetricsModule.forRoot(metrics)],
      // The development mailbox exists only outside production (and answers only on loopback). Journey routes come last: they match any path.
      controllers: [HealthController, PagesController, AssetsController, ...(config.environment === 'production' ? [] : [DevMailController]), TrackingController, StaffController, AdminController, AdminRoutingController, NationalController, JourneyController],
      providers: [
        ApiClient,
        JourneyApi,
        TrackingApi,
        TenantLookup,
        ThemeService,
        PageRenderer,
        ...staffProviders(logger),
        AdminApi,
        NationalApi,
        { provide: WEB_LOGGER, useValue: logger },
        { provide: APP_FILTER, useFactory: (pages: PageRenderer) => new WebExceptionFilter(pages, logger), inject: [PageRenderer] },
      ],
    };
  }
}
