import { Controller, Get, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { formatReference, parseReference } from '@front-counter/public-kit';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { TrackingApi } from './tracking-api.js';
import { maskEmail } from './tracking-cookie.js';
import { field, TrackingPageController } from './tracking-page-controller.js';
import { TrackingPage, type TrackingSession, TrackingSessions } from './tracking-sessions.js';
import { registerTrackingHelpers } from './tracking-view.js';

/**
 * "Track your report": the reporter finds a report by its reference and e-mail address, opens it
 * with a one-time code sent to that address, reads the force's messages and replies. The steps in
 * between are kept in one signed cookie on /track (see TrackingCookie); no URL holds anything
 * personal, and every page works without JavaScript.
 */
@Controller('track')
@TrackingPage()
export class TrackingController extends TrackingPageController {
  constructor(api: TrackingApi, pages: PageRenderer, sessions: TrackingSessions) {
    super(api, pages, sessions);
    // The links to these pages from the home and confirmation pages take their words from here.
    registerTrackingHelpers(pages.engine);
  }

  @Get()
  start(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const found = cookie.read(site.tenant.slug);
    const state = found ?? cookie.fresh(site.tenant.slug);
    // A notice is shown once; a new visitor gets the cookie that carries the form token.
    if (!found || found.notice) cookie.write({ ...state, notice: undefined });
    return this.html(this.startPage(site, request, state, { reference: state.reference ? formatReference(state.reference) : '', email: '' }));
  }

  @Post()
  async requestCode(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (!cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect('/track');
    const values = { reference: field(request.body, 'reference'), email: field(request.body, 'email') };
    const outcome = await this.api.requestCode(request, values.reference, values.email);
    const parsed = parseReference(values.reference);
    if (outcome.errors.length > 0 || !('reference' in parsed)) return this.html(this.startPage(site, request, { ...state!, notice: undefined }, values, outcome.errors), 400);
    // The same next page whether or not the details match a report: the api never says.
    cookie.write({ ...cookie.fresh(site.tenant.slug), nonce: state!.nonce, reference: parsed.reference, maskedEmail: maskEmail(values.email) });
    return this.redirect('/track/code');
  }

  @Get('code')
  code(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (state?.token) return this.redirect('/track/report');
    if (!state?.reference || !state.maskedEmail) return this.redirect('/track');
    return this.html(this.codePage(site, request, state, ''));
  }

  @Post('code')
  async verifyCode(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (!state?.reference || !state.maskedEmail) return this.redirect('/track');
    if (!cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect('/track/code');
    const code = field(request.body, 'code', 100);
    const outcome = await this.api.verifyCode(request, state.reference, code);
    if (!outcome.token || !outcome.expiresAt) return this.html(this.codePage(site, request, state, code, outcome.errors), 400);
    cookie.write({ force: site.tenant.slug, nonce: state.nonce, reference: state.reference, token: outcome.token, until: Date.parse(outcome.expiresAt) });
    return this.redirect('/track/report');
  }

  @Get('report')
  async report(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (!state?.token) return this.timedOut(cookie, site, state);
    const tracked = await this.api.report(request, state.token);
    if (!tracked.report) return this.timedOut(cookie, site, state);
    if (state.notice) cookie.write({ ...state, notice: undefined });
    const fileErrors = cookie.takeFlash('/track/report').map((error) => ({ field: 'files', message: error.message }));
    return this.html(this.reportPage(site, request, { ...state, token: state.token }, tracked.report, { value: '', errors: [], sent: state.notice === 'replied', filesAdded: state.notice === 'files-added', fileErrors }));
  }

  @Post('report/reply')
  async reply(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (!state?.token) return this.timedOut(cookie, site, state);
    if (!cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect('/track/report');
    // Kept whole (a reply over the limit is shown again with the error), up to the body limit.
    const message = field(request.body, 'message', Number.MAX_SAFE_INTEGER);
    const outcome = await this.api.reply(request, state.token, message);
    if (outcome.errors.some((error) => error.field === 'session')) return this.timedOut(cookie, site, state);
    if (outcome.errors.length > 0) {
      const tracked = await this.api.report(request, state.token);
      if (!tracked.report) return this.timedOut(cookie, site, state);
      return this.html(this.reportPage(site, request, { ...state, token: state.token }, tracked.report, { value: message, errors: outcome.errors, sent: false }), 400);
    }
    cookie.write({ ...state, notice: 'replied' });
    return this.redirect('/track/report');
  }

  @Post('sign-out')
  signOut(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (state && !cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect('/track/report');
    cookie.clear();
    return this.redirect('/track/signed-out');
  }

  @Get('signed-out')
  signedOut(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest) {
    return this.html(
      this.pages.render(site, request, 'track/signed-out', {
        pageTitle: this.text(site, 'signedOutTitle'),
        heading: this.text(site, 'signedOutTitle'),
        body: this.text(site, 'signedOutBody'),
        trackAgain: this.text(site, 'trackAgain'),
        home: this.text(site, 'home'),
      }),
    );
  }
}
