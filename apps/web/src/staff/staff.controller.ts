import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@front-counter/logging';
import { formatReference } from '@front-counter/public-kit';
import { ApiError } from '../api-client.js';
import { JourneyApi } from '../journey/journey-api.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { seeOtherToProvider } from '../pages/redirects.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { StaffApi, StaffSessionEnded, type StaffContext } from './staff-api.js';
import { StaffCookies } from './staff-cookies.js';
import { StaffEvents } from './staff-events.js';
import { DECISION_FIELDS, decisionFields, formValues, parseDecision, parseThrive, THRIVE_FIELDS, thriveFields, type FieldError, type Values } from './staff-forms.js';
import { STAFF_LOGGER } from './staff-providers.js';
import { StaffPages } from './staff-pages.js';
import { bodyOf, errorSummary, homeLink, originOf, reportPathOf, StaffPageController } from './staff-page-controller.js';
import { csrfMatches, newCsrfToken, safeReturnTo, sessionEndsAt, type StaffSession } from './staff-session.js';
import { SignInFailed, StaffSignIn } from './staff-sign-in.js';
import { fill, STAFF_TEXT as T } from './staff-texts.js';
import {
  answerRows,
  hasTriage,
  auditTable,
  breachesTable,
  evidenceTable,
  isSupervisor,
  openingReason,
  pagination,
  QUEUE_PAGE_SIZE,
  queueCounts,
  queueHref,
  queueQuery,
  queueTable,
  REPORT_STATUSES,
  referenceFromPath,
  reportHref,
  reporterRows,
  reportSummaryRows,
  roleText,
  statusText,
  thriveSummary,
  timelineTable,
  whereRows,
  type OpeningReason,
} from './staff-view.js';

type Body = Record<string, unknown>;
type Query = Record<string, unknown>;

/** Api refusals a handler can act on (shown on the page); anything else is a failure. */
const USER_ERRORS = new Set(['CLAIMED_BY_OTHER', 'CLAIM_REQUIRED', 'THRIVE_REQUIRED', 'INVALID_DECISION', 'BAD_USER_INPUT']);
const LINK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORCE_SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Live-update refetches by staff.js: they do not count as the member using the pages. */
const BACKGROUND_HEADER = 'x-staff-live';
const BREACH_WINDOW_MINUTES = 15;

interface ReportState {
  status?: number;
  errors?: FieldError[];
  values?: Values;
  form?: 'thrive' | 'decide';
}

/**
 * The staff pages of a force's site: sign-in through the force's own provider, the queue, deadlines
 * at risk, and a report with its actions. The force is the signed-in member's token's (the api decides
 * from it); the pages answer only on that force's own site, since the session cookie is sealed for it.
 */
@Controller('staff')
export class StaffController extends StaffPageController {
  constructor(
    pages: StaffPages,
    cookies: StaffCookies,
    private readonly signIn: StaffSignIn,
    private readonly api: StaffApi,
    private readonly events: StaffEvents,
    private readonly journeys: JourneyApi,
    @Inject(STAFF_LOGGER) logger: Logger,
  ) {
    super(pages, cookies, logger);
  }

  // ---------------------------------------------------------------------------------------------
  // Signing in and out

  @Get()
  start(@Query('returnTo') returnTo: unknown, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lookup = this.cookies.read(request, site.tenant.slug);
    if (lookup.kind === 'active') return this.redirect(reply, siteReturnTo(site, returnTo));
    if (lookup.kind === 'ended') return this.ended(request, reply, lookup.why, siteReturnTo(site, returnTo));
    return this.html(
      reply,
      this.pages.render(site, 'message', {
        pageTitle: T.start.title,
        heading: T.start.title,
        paragraphs: [fill(T.start.body, { force: site.tenant.name.en })],
        button: { text: T.start.button, href: signInHref(returnTo), isStartButton: true },
      }),
    );
  }

  @Get('sign-in')
  async beginSignIn(@Query() query: Query, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const returnTo = siteReturnTo(site, query.returnTo);
    const chooseAccount = query.account === 'choose';
    if (!chooseAccount && this.cookies.read(request, site.tenant.slug).kind === 'active') return this.redirect(reply, returnTo);
    const settings = await this.signIn.settings(request);
    let begun;
    try {
      begun = await this.signIn.begin(settings, originOf(request), returnTo, { chooseAccount });
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.logger.warn({ requestId: request.id, reason: error.reason }, 'staff sign-in is not set up for this force');
      // Nothing the person signing in can retry: the force's identity issuer is missing from its tenant data.
      return this.signInProblem(site, reply, [T.signInProblem[error.reason]], 503, { title: T.signInProblem.notConfiguredTitle, retry: false });
    }
    const { url, transaction } = begun;
    this.cookies.writeSignIn(request, reply, site.tenant.slug, transaction);
    return seeOtherToProvider(reply, url);
  }

  @Get('callback')
  async callback(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const force = site.tenant.slug;
    const transaction = this.cookies.readSignIn(request, force);
    this.cookies.clearSignIn(request, reply);
    const settings = await this.signIn.settings(request);
    let tokens;
    try {
      tokens = await this.signIn.finish(settings, originOf(request), request.url, transaction);
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.logger.info({ requestId: request.id, reason: error.reason, err: error.cause instanceof Error ? error.cause : undefined }, 'staff sign-in did not complete');
      return this.signInProblem(site, reply, [T.signInProblem[error.reason]], error.reason === 'cancelled' ? 200 : 400);
    }
    const member = await (site.national ? this.api.nationalMe(request, tokens.accessToken) : this.api.me(request, tokens.accessToken)).catch((error: unknown) => {
      if (error instanceof ApiError && error.codes.includes('NOT_FOUND')) return null;
      throw error;
    });
    // No role here (the api answers "not found"), or an account of another force (a shared provider).
    if (!member || (site.national ? member.force !== null : member.force !== force)) {
      this.logger.info({ requestId: request.id, force: member?.force ?? null }, 'staff sign-in refused: no staff access to this force');
      const name = tokens.name ?? member?.name ?? '';
      return this.signInProblem(site, reply, [fill(T.signInProblem.noAccess, { name, force: site.tenant.name.en })], 403, { otherAccount: true });
    }
    const now = Date.now();
    const session: StaffSession = {
      accessToken: tokens.accessToken,
      accessExpiresAt: tokens.accessExpiresAt,
      refreshToken: tokens.refreshToken,
      idToken: tokens.idToken,
      subject: member.subject,
      name: member.name ?? tokens.name ?? member.subject,
      roles: member.roles,
      createdAt: now,
      lastSeenAt: now,
      csrf: newCsrfToken(),
    };
    this.cookies.write(request, reply, force, session);
    // A force administrator without triage starts at administration rather than a queue they cannot see.
    const returnTo = site.national ? (transaction!.returnTo.startsWith('/national') ? transaction!.returnTo : '/national') : transaction!.returnTo === '/staff/queue' && !hasTriage(member.roles) ? homeLink(member.roles).href : transaction!.returnTo;
    return this.redirect(reply, returnTo);
  }

  @Post('sign-out')
  async signOut(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lookup = this.cookies.read(request, site.tenant.slug);
    const session = lookup.kind === 'active' || lookup.kind === 'ended' ? lookup.session : null;
    if (!session) {
      this.cookies.clear(request, reply);
      return this.redirect(reply, '/staff/signed-out');
    }
    if (!csrfMatches(session, (request.body as Body | undefined)?._csrf)) return this.formExpired(site, reply, lookup.kind === 'active' ? session : undefined);
    this.cookies.clear(request, reply);
    let endSession: string | null = null;
    try {
      endSession = await this.signIn.endSessionUrl(await this.signIn.settings(request), originOf(request), session.idToken);
    } catch (error) {
      // Signed out here whatever the provider says; its own session ends when it expires.
      this.logger.warn({ requestId: request.id, err: error }, 'could not reach the sign-in provider to end its session');
    }
    if (!endSession) return this.redirect(reply, '/staff/signed-out');
    // Browsers apply the page's CSP form-action ('self') to a form's redirects, so a 303 to the provider
    // would be blocked: this page goes on to it at once (no script needed), with a link as well.
    return this.html(
      reply,
      this.pages.render(site, 'message', {
        pageTitle: T.signingOut.title,
        refreshTo: endSession,
        heading: T.signingOut.title,
        paragraphs: [T.signingOut.body],
        links: [{ href: endSession, text: T.signingOut.link }],
      }),
    );
  }

  @Get('signed-out')
  signedOut(@Query() query: Query, @CurrentSite() site: RequestSite, @Res() reply: FastifyReply) {
    const { idleMinutes, absoluteHours } = this.cookies.limits;
    const why = typeof query.why === 'string' ? query.why : '';
    const explanation =
      why === 'idle' ? fill(T.signedOut.idle, { minutes: idleMinutes }) : why === 'absolute' ? fill(T.signedOut.absolute, { hours: absoluteHours }) : why === 'ended' ? T.signedOut.ended : T.signedOut.byYou;
    return this.html(
      reply,
      this.pages.render(site, 'message', {
        pageTitle: T.signedOut.title,
        heading: T.signedOut.title,
        paragraphs: [explanation],
        button: { text: T.signedOut.button, href: signInHref(query.returnTo) },
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // The queue, live updates and deadlines

  @Get('queue')
  async queue(@Query() query: Query, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply, { background: request.headers[BACKGROUND_HEADER] === '1' });
    if (!context) return;
    await this.run(context, async () => {
      const filters = queueQuery(query);
      const [data, services] = await Promise.all([
        this.api.queue(context, { queue: filters.queue, serviceId: filters.serviceId, statuses: filters.statuses, tag: filters.tag, first: QUEUE_PAGE_SIZE, offset: (filters.page - 1) * QUEUE_PAGE_SIZE }),
        this.journeys.services(request),
      ]);
      const forces = new Map(data.transferDestinations.map((force) => [force.slug, force.name.en]));
      const queues = [...new Set([...data.queueCounts.map((count) => count.queue), ...(filters.queue ? [filters.queue] : [])])].sort();
      const filtered = Boolean(filters.queue || filters.serviceId || filters.tag || filters.statuses.length);
      this.html(
        reply,
        this.pages.render(site, 'queue', {
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
        200,
        context,
      );
    });
  }

  @Get('events')
  async liveEvents(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply, { background: true });
    if (!context) return;
    let token: string;
    try {
      token = await this.api.freshAccessToken(context);
    } catch (error) {
      if (!(error instanceof StaffSessionEnded)) throw error;
      // As for an ended session: the page's next request finds the same and says so.
      return reply.code(401).header('cache-control', 'no-store').send();
    }
    // A refreshed token is kept for the pages too (the cookie goes with the stream's headers).
    this.cookies.write(request, reply, site.tenant.slug, context.session);
    this.events.stream(reply, token, sessionEndsAt(context.session, this.cookies.limits), this.logger.child({ requestId: request.id }));
  }

  @Get('breaches')
  async breaches(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (!context) return;
    // Only supervisors may see this; the api answers anyone else "not found", shown as a missing page.
    await this.run(context, async () => {
      const [items, forces] = await Promise.all([this.api.breaches(context, BREACH_WINDOW_MINUTES), this.api.transferDestinations(context)]);
      this.html(
        reply,
        this.pages.render(site, 'breaches', {
          pageTitle: T.breaches.title,
          staff: this.header(context, 'breaches'),
          lead: fill(T.breaches.lead, { minutes: BREACH_WINDOW_MINUTES }),
          table: items.length ? breachesTable(items, new Map(forces.map((force) => [force.slug, force.name.en]))) : null,
        }),
        200,
        context,
      );
    });
  }

  // ---------------------------------------------------------------------------------------------
  // A report

  @Get('reports/:reference')
  async report(@Param('reference') raw: string, @Query() query: Query, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (!context) return;
    await this.run(context, async () => {
      const reference = referenceFromPath(raw);
      if (!reference) return this.notFound(context);
      const reason = openingReason(query);
      if (!reason || 'errors' in reason) return this.reasonPage(context, reference, reason ?? undefined);
      await this.showReport(context, reference, reason.reason);
    });
  }

  /**
   * A file of a report, through a signed link the api made for this staff member (valid minutes): only
   * for a signed-in member of this force, streamed through as the api serves it (attachment, nosniff).
   */
  @Get('evidence/:token')
  async evidenceFile(@Param('token') token: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (!context) return;
    const response = /^[\w-]+\.[\w-]+$/.test(token) && token.length < 2000 ? await this.api.evidence(context, token) : null;
    if (!response?.ok || !response.body) {
      await response?.body?.cancel();
      return this.notFound(context);
    }
    for (const header of ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'cache-control', 'content-security-policy']) {
      const value = response.headers.get(header);
      if (value) reply.header(header, value);
    }
    return reply.code(200).send(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream));
  }

  /** Supervisors: who has opened or changed the report. Anyone else gets the missing page (the api's answer). */
  @Get('reports/:reference/audit')
  async auditTrail(@Param('reference') raw: string, @Query() query: Query, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (!context) return;
    await this.run(context, async () => {
      const reference = referenceFromPath(raw);
      if (!reference) return this.notFound(context);
      const entries = await this.api.auditTrail(context, reference);
      const reason = openingReason(query);
      const heading = fill(T.audit.title, { reference: formatReference(reference) });
      this.html(
        reply,
        this.pages.render(site, 'audit', {
          pageTitle: heading,
          staff: this.header(context),
          heading,
          backHref: reportHref(reference, reason && !('errors' in reason) ? reason.reason.query : undefined),
          table: auditTable(entries),
        }),
        200,
        context,
      );
    });
  }

  @Post('reports/:reference/claim')
  async claim(@Param('reference') raw: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.act(site, request, reply, raw, async (context, reference, reason) => {
      const takeOver = bodyOf(request).takeOver === 'yes';
      const refused = await this.userError(this.api.claim(context, reference, takeOver));
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'claim', text: refused }], status: 409 });
      this.flash(context, fill(takeOver ? T.banners.tookOver : T.banners.claimed, { reference: formatReference(reference) }));
      return this.redirect(reply, reportHref(reference, reason.query), context);
    });
  }

  @Post('reports/:reference/release')
  async release(@Param('reference') raw: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.act(site, request, reply, raw, async (context, reference, reason) => {
      const refused = await this.userError(this.api.release(context, reference));
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'claim', text: refused }], status: 409 });
      this.flash(context, fill(T.banners.released, { reference: formatReference(reference) }));
      return this.redirect(reply, reportHref(reference, reason.query), context);
    });
  }

  @Post('reports/:reference/thrive')
  async thrive(@Param('reference') raw: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.act(site, request, reply, raw, async (context, reference, reason) => {
      const values = formValues(request.body, THRIVE_FIELDS);
      const parsed = parseThrive(values);
      if ('errors' in parsed) return this.showReport(context, reference, reason, { errors: parsed.errors, values, form: 'thrive', status: 400 });
      const refused = await this.userError(this.api.recordThrive(context, reference, parsed.thrive));
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'thrive', text: refused }], values, form: 'thrive', status: 409 });
      this.flash(context, T.banners.thrive);
      return this.redirect(reply, reportHref(reference, reason.query), context);
    });
  }

  @Post('reports/:reference/decide')
  async decide(@Param('reference') raw: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.act(site, request, reply, raw, async (context, reference, reason) => {
      const values = formValues(request.body, DECISION_FIELDS);
      const parsed = parseDecision(values, (slug) => FORCE_SLUG.test(slug));
      if ('errors' in parsed) return this.showReport(context, reference, reason, { errors: parsed.errors, values, form: 'decide', status: 400 });
      let stays = true;
      const refused = await this.userError(
        this.api.decide(context, reference, parsed.decision).then((kept) => {
          stays = kept;
        }),
      );
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'decision-form', text: refused }], values, form: 'decide', status: 409 });
      if (!stays) {
        const forces = await this.api.transferDestinations(context);
        const force = forces.find((candidate) => candidate.slug === parsed.decision.toForce)?.name.en ?? parsed.decision.toForce ?? '';
        this.flash(context, fill(T.queue.transferred, { reference: formatReference(reference), force }));
        return this.redirect(reply, '/staff/queue', context);
      }
      this.flash(context, fill(T.banners.decided, { decision: T.decision.options[parsed.decision.decision].toLowerCase() }));
      return this.redirect(reply, reportHref(reference, reason.query), context);
    });
  }

  @Post('reports/:reference/duplicates/:link')
  async duplicate(@Param('reference') raw: string, @Param('link') link: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.act(site, request, reply, raw, async (context, reference, reason) => {
      const choice = bodyOf(request).decision;
      if (!LINK_ID.test(link) || (choice !== 'confirm' && choice !== 'dismiss')) return this.notFound(context);
      let other: string | undefined;
      const refused = await this.userError(
        this.api.resolveDuplicate(context, link, choice === 'confirm').then((found) => {
          other = found;
        }),
      );
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'duplicates', text: refused }], status: 409 });
      this.flash(context, fill(choice === 'confirm' ? T.banners.duplicateConfirmed : T.banners.duplicateDismissed, { other: other ? formatReference(other) : '' }));
      return this.redirect(reply, reportHref(reference, reason.query), context);
    });
  }

  /** Any other address under /staff: the same "page not found" as a report or page one may not see. */
  @Get('*')
  missing(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const lookup = this.cookies.read(request, site.tenant.slug);
    const context = lookup.kind === 'active' ? { request, reply, site, session: lookup.session, origin: originOf(request) } : null;
    return this.html(reply, this.pages.render(site, 'message', this.notFoundPage(context)), 404, context ?? undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Pages and their parts

  private reasonPage(context: StaffContext, reference: string, problem?: { errors: FieldError[]; code?: string; details?: string }) {
    const errors = problem?.errors ?? [];
    const details = this.pages.renderPartial('govuk/input', {
      id: 'details',
      name: 'details',
      label: { text: T.reason.otherLabel },
      value: problem?.details ?? '',
      errorMessage: errors.find((error) => error.field === 'details'),
    });
    return this.html(
      context.reply,
      this.pages.render(context.site, 'reason', {
        pageTitle: `${errors.length ? T.errorPrefix : ''}${T.reason.title}`,
        staff: this.header(context),
        errorSummary: errorSummary(errors),
        action: reportHref(reference),
        caption: fill(T.report.title, { reference: formatReference(reference) }),
        radios: {
          name: 'reason',
          idPrefix: 'reason',
          fieldset: { legend: { text: T.reason.title, isPageHeading: true, classes: 'govuk-fieldset__legend--l' } },
          hint: { text: T.reason.hint },
          value: problem?.code,
          errorMessage: errors.find((error) => error.field === 'reason'),
          items: [
            { value: 'triage', text: T.reason.triage },
            { value: 'reporter-contact', text: T.reason['reporter-contact'] },
            { value: 'supervisor-review', text: T.reason['supervisor-review'] },
            { value: 'other', text: T.reason.other, conditional: { html: details } },
          ],
        },
        button: { text: T.reason.button },
      }),
      errors.length ? 400 : 200,
      context,
    );
  }

  /** The report, read (and audited) with the reason it was opened for, with its actions. */
  private async showReport(context: StaffContext, reference: string, reason: OpeningReason, state: ReportState = {}) {
    const { report, forces, evidence } = await this.api.report(context, reference, reason.audit);
    const errors = state.errors ?? [];
    const forceNames = new Map(forces.map((force) => [force.slug, force.name.en]));
    const supervisor = isSupervisor(context.session.roles);
    const base = reportHref(report.reference);
    const claim = report.claimedByMe
      ? { text: T.report.claimedByYou, release: true }
      : report.claimedByName
        ? { text: fill(T.report.claimedByOther, { name: report.claimedByName }), release: supervisor, takeOver: supervisor }
        : { text: T.report.unclaimed, claim: true };
    const thrive = report.thrive;
    const heading = fill(T.report.title, { reference: formatReference(report.reference) });
    return this.html(
      context.reply,
      this.pages.render(context.site, 'report', {
        pageTitle: `${errors.length ? T.errorPrefix : ''}${heading}`,
        staff: this.header(context),
        banner: this.takeFlash(context),
        errorSummary: errorSummary(errors),
        caption: report.serviceTitle.en,
        heading,
        reasonFields: { reason: reason.code, details: reason.details },
        csrf: context.session.csrf,
        summaryRows: reportSummaryRows(report, forceNames),
        reporterRows: reporterRows(report),
        whereRows: whereRows(report),
        answerRows: answerRows(report.form, report.answers),
        duplicates: report.duplicates.map((duplicate) => ({
          href: reportHref(duplicate.otherReference, reason.query),
          reference: formatReference(duplicate.otherReference),
          reason: duplicate.reason,
          status: T.report.duplicateStatuses[duplicate.status] ?? duplicate.status,
          open: duplicate.status === 'possible',
          action: `${base}/duplicates/${duplicate.id}`,
          confirmHidden: fill(T.report.duplicates.confirmHidden, { reference: formatReference(duplicate.otherReference) }),
          dismissHidden: fill(T.report.duplicates.dismissHidden, { reference: formatReference(duplicate.otherReference) }),
        })),
        timeline: timelineTable(report),
        evidence: evidence.length ? evidenceTable(evidence) : null,
        auditHref: supervisor ? `${base}/audit?${reason.query}` : null,
        claim: { ...claim, action: `${base}/claim`, releaseAction: `${base}/release` },
        thriveRecorded: thrive ? thriveSummary(thrive) : null,
        canWork: report.claimedByMe,
        thriveForm: report.claimedByMe ? { action: `${base}/thrive`, parts: thriveFields(thrive, state.form === 'thrive' ? state.values : undefined, state.form === 'thrive' ? errors : []) } : null,
        decisionForm: report.claimedByMe
          ? {
              action: `${base}/decide`,
              ...decisionFields(
                this.pages.renderPartial,
                forces.map((force) => ({ slug: force.slug, name: force.name.en })),
                state.form === 'decide' ? state.values : undefined,
                state.form === 'decide' ? errors : [],
              ),
            }
          : null,
      }),
      state.status ?? 200,
      context,
    );
  }

  private signInProblem(
    site: RequestSite,
    reply: FastifyReply,
    paragraphs: string[],
    status: number,
    { title = T.signInProblem.title, retry = true, otherAccount = false }: { title?: string; retry?: boolean; otherAccount?: boolean } = {},
  ) {
    return this.html(
      reply,
      this.pages.render(site, 'message', {
        pageTitle: title,
        heading: title,
        paragraphs,
        button: retry ? { text: T.signInProblem.button, href: '/staff/sign-in' } : undefined,
        links: otherAccount ? [{ href: '/staff/sign-in?account=choose', text: T.signInProblem.otherAccount }] : [],
      }),
      status,
    );
  }

  /** An action on a report: a signed-in POST with its token, the reference checked, and the reason it was opened for carried along. */
  private async act(
    site: RequestSite,
    request: FastifyRequest,
    reply: FastifyReply,
    raw: string,
    work: (context: StaffContext, reference: string, reason: OpeningReason) => Promise<unknown>,
  ) {
    const context = this.open(site, request, reply, { post: true });
    if (!context) return;
    await this.run(context, async () => {
      const reference = referenceFromPath(raw);
      if (!reference) return this.notFound(context);
      const reason = openingReason(bodyOf(request));
      // Forms always carry the reason; without one, the report asks for it again before anything changes.
      if (!reason || 'errors' in reason) return this.redirect(reply, reportHref(reference), context);
      await work(context, reference, reason.reason);
    });
  }

  /** The api's message when it refused the action for a reason the handler can act on; undefined when it worked. */
  private async userError(action: Promise<unknown>): Promise<string | undefined> {
    try {
      await action;
      return undefined;
    } catch (error) {
      if (error instanceof ApiError && error.codes.every((code) => USER_ERRORS.has(code))) return error.errors.map((item) => item.message).join(' ');
      throw error;
    }
  }
}

/** Where to go once signed in: a staff or administration page, or on the national host one of its own. */
function siteReturnTo(site: RequestSite, returnTo: unknown): string {
  const safe = safeReturnTo(returnTo);
  return site.national && !safe.startsWith('/national') ? '/national' : safe;
}

function signInHref(returnTo: unknown): string {
  return typeof returnTo === 'string' && returnTo ? `/staff/sign-in?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}` : '/staff/sign-in';
}
