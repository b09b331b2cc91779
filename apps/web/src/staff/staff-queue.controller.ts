import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@front-counter/logging';
import { JourneyApi } from '../journey/journey-api.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { PageReply, sendWebReply } from '../pages/web-reply.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { StaffApi, StaffSessionEnded, type StaffContext } from './staff-api.js';
import { StaffCookies } from './staff-cookies.js';
import { StaffEvents } from './staff-events.js';
import { StaffPageController } from './staff-page-controller.js';
import { StaffPages } from './staff-pages.js';
import { STAFF_LOGGER } from './staff-logger.js';
import { sessionEndsAt } from './staff-session.js';
import { StaffPage, StaffSessions } from './staff-sessions.js';
import { fill, STAFF_TEXT as T } from './staff-texts.js';
import { breachesTable, pagination, QUEUE_PAGE_SIZE, queueCounts, queueHref, queueQuery, queueTable, REPORT_STATUSES, statusText } from './staff-view.js';

type Query = Record<string, unknown>;

/** Live-update refetches by staff.js: they do not count as the member using the pages. */
const BACKGROUND_HEADER = 'x-staff-live';
const BREACH_WINDOW_MINUTES = 15;

/** The triage queue with its filters, its live updates, and the deadlines at risk (supervisors). */
@Controller('staff')
export class StaffQueueController extends StaffPageController {
  constructor(
    pages: StaffPages,
    private readonly cookies: StaffCookies,
    private readonly sessions: StaffSessions,
    private readonly api: StaffApi,
    private readonly events: StaffEvents,
    private readonly journeys: JourneyApi,
    @Inject(STAFF_LOGGER) private readonly logger: Logger,
  ) {
    super(pages);
  }

  @Get('queue')
  @StaffPage({ background: (request) => request.headers[BACKGROUND_HEADER] === '1' })
  async queue(@Query() query: Query, @CurrentSession() context: StaffContext) {
    const filters = queueQuery(query);
    const [data, services] = await Promise.all([
      this.api.queue(context, { queue: filters.queue, serviceId: filters.serviceId, statuses: filters.statuses, tag: filters.tag, first: QUEUE_PAGE_SIZE, offset: (filters.page - 1) * QUEUE_PAGE_SIZE }),
      this.journeys.services(context.request),
    ]);
    const forces = new Map(data.transferDestinations.map((force) => [force.slug, force.name.en]));
    const queues = [...new Set([...data.queueCounts.map((count) => count.queue), ...(filters.queue ? [filters.queue] : [])])].sort();
    const filtered = Boolean(filters.queue || filters.serviceId || filters.tag || filters.statuses.length);
    return this.html(
      this.pages.render(context.site, 'queue', {
        pageTitle: T.queue.title,
        staff: this.header(context, 'queue'),
        banner: this.takeFlash(context),
        counts: queueCounts(data.queueCounts, filters),
        filtersOpen: filtered,
        queueSelect: {
          id: 'queue',
          name: 'queue',
          label: { text: T.queue.queueLabel },
          value: filters.queue ?? '',
          items: [{ value: '', text: T.queue.anyQueue }, ...queues.map((queue) => ({ value: queue, text: queue }))],
        },
        serviceSelect: {
          id: 'service',
          name: 'service',
          label: { text: T.queue.serviceLabel },
          value: filters.serviceId ?? '',
          items: [{ value: '', text: T.queue.anyService }, ...services.map((service) => ({ value: service.id, text: service.title.en }))],
        },
        statusCheckboxes: {
          name: 'status',
          idPrefix: 'status',
          classes: 'govuk-checkboxes--small',
          fieldset: { legend: { text: T.queue.statusLegend, classes: 'govuk-fieldset__legend--s' } },
          hint: { text: T.queue.statusHint },
          values: filters.statuses,
          items: REPORT_STATUSES.map((status) => ({ value: status, text: statusText(status) })),
        },
        tagInput: { id: 'tag', name: 'tag', label: { text: T.queue.tagLabel }, hint: { text: T.queue.tagHint }, value: filters.tag ?? '', classes: 'govuk-input--width-20', spellcheck: false },
        table: data.queue.items.length ? queueTable(data.queue.items, data.queue.total, forces) : null,
        pagination: pagination(filters, data.queue.total),
        clearHref: queueHref({ statuses: [], page: 1 }),
      }),
    );
  }

  /** Server-sent events: the one page that writes to the reply itself, as a stream that outlives the handler. */
  @Get('events')
  async liveEvents(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.sessions.open(request, reply, site, { background: () => true });
    if (context instanceof Response || context instanceof PageReply) return sendWebReply(reply, context);
    if (!('session' in context)) throw new Error('The live updates need a signed-in session');
    let token: string;
    try {
      token = await this.api.freshAccessToken(context);
    } catch (error) {
      if (!(error instanceof StaffSessionEnded)) throw error;
      // As for an ended session: the page's next request finds the same and says so.
      return sendWebReply(reply, new Response(null, { status: 401, headers: { 'cache-control': 'no-store' } }));
    }
    // A refreshed token is kept for the pages too (the cookie goes with the stream's headers).
    this.cookies.write(request, reply, site.tenant.slug, context.session);
    this.events.stream(reply, token, sessionEndsAt(context.session, this.cookies.limits), this.logger.child({ requestId: request.id }));
  }

  /** Only supervisors may see this; the api answers anyone else "not found", shown as a missing page. */
  @Get('breaches')
  @StaffPage()
  async breaches(@CurrentSession() context: StaffContext) {
    const [items, forces] = await Promise.all([this.api.breaches(context, BREACH_WINDOW_MINUTES), this.api.transferDestinations(context)]);
    return this.html(
      this.pages.render(context.site, 'breaches', {
        pageTitle: T.breaches.title,
        staff: this.header(context, 'breaches'),
        lead: fill(T.breaches.lead, { minutes: BREACH_WINDOW_MINUTES }),
        table: items.length ? breachesTable(items, new Map(forces.map((force) => [force.slug, force.name.en]))) : null,
      }),
    );
  }
}
