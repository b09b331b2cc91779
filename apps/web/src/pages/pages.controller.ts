import { Controller, Get, Header, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { translate } from '../i18n/messages.js';
import { JourneyApi } from '../journey/journey-api.js';
import { local } from '../journey/journey-view.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { PageRenderer, type RequestSite } from './page-renderer.js';

/** The date the accessibility statement was last reviewed (shown in it). */
const ACCESSIBILITY_PREPARED_ON = '2026-11-22';

@Controller()
export class PagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly journeys: JourneyApi,
  ) {}

  @Get('/')
  @Header('content-type', 'text/html; charset=utf-8')
  async home(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest): Promise<string> {
    const services = (await this.journeys.services(request)).map((service) => ({ href: `/${service.id}`, title: local(service.title, site.language), summary: local(service.summary, site.language) }));
    return this.pages.render(site, request, 'home', { services });
  }

  @Get('/accessibility')
  @Header('content-type', 'text/html; charset=utf-8')
  accessibility(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest): string {
    return this.contentPage(site, request, 'accessibility', { preparedOn: ACCESSIBILITY_PREPARED_ON });
  }

  @Get('/privacy')
  @Header('content-type', 'text/html; charset=utf-8')
  privacy(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest): string {
    return this.contentPage(site, request, 'privacy');
  }

  private contentPage(site: RequestSite, request: FastifyRequest, key: 'accessibility' | 'privacy', extra: Record<string, string> = {}): string {
    const force = local(site.tenant.name, site.language);
    const content = translate(site.language, key, { force, nonEmergency: site.tenant.contact.nonEmergency, ...extra }) as { title: string };
    return this.pages.render(site, request, 'content', { pageTitle: content.title, content });
  }
}
