import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@front-counter/config';
import type { Logger } from '@front-counter/logging';
import { MetricsModule, type AppMetrics } from '@front-counter/metrics';
import { ApiClient } from './api-client.js';
import { BackOfficeController } from './back-office/back-office.controller.js';
import { HealthController } from './health.controller.js';
import { JourneyApi } from './journey/journey-api.js';
import { JourneyPagesController } from './journey/journey-pages.controller.js';
import { JourneyRepeatController } from './journey/journey-repeat.controller.js';
import { JourneySessions } from './journey/journey-sessions.js';
import { JourneyStartController } from './journey/journey-start.controller.js';
import { AssetsController } from './pages/assets.controller.js';
import { DevMailController } from './pages/dev-mail.controller.js';
import { PageRenderer } from './pages/page-renderer.js';
import { PagesController } from './pages/pages.controller.js';
import { StaffQueueController } from './staff/staff-queue.controller.js';
import { StaffReportActionsController } from './staff/staff-report-actions.controller.js';
import { StaffReportController } from './staff/staff-report.controller.js';
import { StaffSignInController } from './staff/staff-sign-in.controller.js';
import { staffProviders } from './staff/staff-providers.js';
import { AdminApi } from './admin/admin-api.js';
import { AdminDeliveriesController } from './admin/admin-deliveries.controller.js';
import { AdminFiguresController } from './admin/admin-figures.controller.js';
import { AdminRoutingController } from './admin/admin-routing.controller.js';
import { AdminServicesController } from './admin/admin-services.controller.js';
import { AdminSiteController } from './admin/admin-site.controller.js';
import { AdminVersionsController } from './admin/admin-versions.controller.js';
import { NationalApi } from './national/national-api.js';
import { NationalForcesController } from './national/national-forces.controller.js';
import { NationalServicesController } from './national/national-services.controller.js';
import { TenantLookup } from './tenant/tenant-lookup.js';
import { ThemeService } from './theme/theme.service.js';
import { TrackingApi } from './tracking/tracking-api.js';
import { TrackingFilesController } from './tracking/tracking-files.controller.js';
import { TrackingSessions } from './tracking/tracking-sessions.js';
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
      // Within an area, the controller with its catch-all ("page not found") comes last.
      controllers: [
        HealthController,
        BackOfficeController,
        PagesController,
        AssetsController,
        ...(config.environment === 'production' ? [] : [DevMailController]),
        TrackingController,
        TrackingFilesController,
        StaffSignInController,
        StaffQueueController,
        StaffReportController,
        StaffReportActionsController,
        AdminSiteController,
        AdminServicesController,
        AdminRoutingController,
        AdminFiguresController,
        AdminVersionsController,
        AdminDeliveriesController,
        NationalForcesController,
        NationalServicesController,
        JourneyStartController,
        JourneyPagesController,
        JourneyRepeatController,
      ],
      providers: [
        ApiClient,
        JourneyApi,
        JourneySessions,
        TrackingApi,
        TrackingSessions,
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
