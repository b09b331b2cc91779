import { Controller, Get, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { FieldError } from '@front-counter/forms';
import { formatReference } from '@front-counter/public-kit';
import { ApiError } from '../api-client.js';
import { translate } from '../i18n/messages.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { JourneyApi, type Journey } from './journey-api.js';
import { JourneyPage, type JourneySession, JourneySessions } from './journey-sessions.js';
import { type Body, JourneyPageController, SERVICE } from './journey-page-controller.js';
import { errorSummary, local, word } from './journey-view.js';
import { partialRenderer, questionView, renderQuestion } from './question-view.js';

/**
 * A service's start page (which makes the reporter's session), the confirmation once a report is
 * sent, saving a report to finish later and opening a saved report's link.
 */
@Controller()
@JourneyPage()
export class JourneyStartController extends JourneyPageController {
  constructor(api: JourneyApi, pages: PageRenderer, @Inject(APP_CONFIG) config: AppConfig, sessions: JourneySessions) {
    super(api, pages, config, sessions);
  }

  @Get('/:serviceId')
  async start(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const service = await this.service(site, request, serviceId);
    if (!service) return this.html(this.pages.render(site, request, 'not-found'), 404);
    const session = sessions.ensure();
    const heading = local(service.title, site.language);
    return this.html(
      this.pages.render(site, request, 'journey/start', {
        pageTitle: heading,
        heading,
        body: service.startPage.map((text) => local(text, site.language)),
        formAction: `/${serviceId}/start`,
        csrf: sessions.csrfToken(session),
        startButton: { text: this.text(site, 'startNow'), isStartButton: true },
        backLink: { href: '/', text: word('back', site.language) },
      }),
    );
  }

  @Post('/:serviceId/start')
  async begin(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const session = sessions.current();
    if (!sessions.validCsrf(session, (request.body as Body | undefined)?._csrf)) return this.redirect(`/${serviceId}`);
    try {
      const journey = await this.api.start(request, serviceId, session!, site.language);
      return this.redirect(`/${serviceId}/${journey.current}`);
    } catch (error) {
      return this.recover(error, serviceId);
    }
  }

  @Get('/:serviceId/confirmation')
  async confirmation(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const session = sessions.current();
    const journey = session && SERVICE.test(serviceId) ? await this.api.journey(request, serviceId, session) : null;
    if (!journey?.reference) return this.redirect(`/${serviceId}`);
    const email = journey.confirmationEmail;
    const promises = site.tenant.promises;
    return this.html(
      this.pages.render(site, request, 'journey/confirmation', {
        pageTitle: this.text(site, 'sent'),
        panel: { titleText: this.text(site, 'sent'), html: `${this.text(site, 'referenceIntro')}<br><strong class="fc-reference">${formatReference(journey.reference)}</strong>` },
        emailed: journey.confirmationText ? this.text(site, 'texted', { phone: journey.confirmationText }) : email ? this.text(site, 'emailed', { email }) : undefined,
        nextHeading: this.text(site, 'nextHeading'),
        // Sent on at once to the force whose area holds the place: that force's promises apply, not this one's.
        next: journey.transferredTo
          ? [this.text(site, 'transferred', { force: local(journey.transferredTo, site.language) ?? journey.transferredTo.en })]
          : [this.text(site, 'promise', { minutes: promises.triageWithinMinutes, hours: promises.replyWithinHours }), local(promises.whatHappensNext ?? undefined, site.language)].filter(Boolean),
        keepReference: this.text(site, 'keepReference'),
        homeLabel: word('home', site.language),
      }),
    );
  }

  @Get('/:serviceId/save')
  async saveForm(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const session = sessions.current();
    const journey = session && SERVICE.test(serviceId) ? await this.api.journey(request, serviceId, session) : null;
    if (!journey || journey.reference) return this.redirect(`/${serviceId}`);
    return this.html(this.saveView(site, request, serviceId, journey, session!, {}, []));
  }

  private saveView(site: RequestSite, request: FastifyRequest, serviceId: string, journey: Journey, session: string, values: Record<string, string>, errors: FieldError[]) {
    const render = partialRenderer(this.pages.engine);
    const question = { id: 'email', type: 'email', label: { en: translate('en', 'journey.saveEmailLabel') as string, cy: translate('cy', 'journey.saveEmailLabel') as string }, required: false, mandatory: false, errors: {} } as const;
    return this.pages.render(site, request, 'journey/save', {
      pageTitle: `${errors.length ? word('errorPrefix', site.language) : ''}${this.text(site, 'saveHeading')}`,
      heading: this.text(site, 'saveHeading'),
      body: translate(site.language, 'journey.saveBody', { days: this.config.reports.draftTtlDays }),
      backLink: { href: `/${serviceId}/${journey.current}`, text: word('back', site.language) },
      errorSummary: errorSummary(errors, site.language),
      formAction: `/${serviceId}/save`,
      csrf: this.sessions.csrfToken(session),
      emailQuestion: renderQuestion(this.pages.engine, questionView(question as never, { language: site.language, values, errors, isPageHeading: false, render })),
      saveButton: { text: this.text(site, 'saveButton') },
    });
  }

  @Post('/:serviceId/save')
  async save(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const session = sessions.current();
    const body = (request.body ?? {}) as Body;
    if (!sessions.validCsrf(session, body._csrf)) return this.redirect(`/${serviceId}`);
    const journey = await this.api.journey(request, serviceId, session!);
    if (!journey || journey.reference) return this.redirect(`/${serviceId}`);
    const email = typeof body.email === 'string' && body.email.trim() ? body.email.trim() : null;
    const saved = await this.api.saveForLater(request, serviceId, session!, email);
    if (saved.errors.length > 0) return this.html(this.saveView(site, request, serviceId, journey, session!, { email: email ?? '' }, saved.errors), 400);
    const until = new Date(saved.expiresAt).toLocaleDateString(site.language === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
    return this.html(
      this.pages.render(site, request, 'journey/save', {
        pageTitle: this.text(site, 'savedTitle'),
        heading: this.text(site, 'saveHeading'),
        savedTitle: this.text(site, 'savedTitle'),
        linkIntro: this.text(site, 'savedLinkIntro'),
        resumeUrl: saved.resumeUrl,
        expires: this.text(site, 'savedExpires', { date: until }),
        emailed: saved.emailed && email ? this.text(site, 'savedEmailed', { email }) : undefined,
        continueHref: `/${serviceId}/${journey.current}`,
        continueLabel: this.text(site, 'savedContinue'),
      }),
    );
  }

  /**
   * Opening a saved-report link only shows a button: the draft moves to this browser on the POST,
   * so a mail scanner that fetches links cannot take it from the reporter.
   */
  @Get('/resume/:token')
  resumePage(@Param('token') token: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const session = sessions.ensure();
    if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return this.resumeInvalid(site, request);
    return this.html(
      this.pages.render(site, request, 'journey/start', {
        pageTitle: this.text(site, 'savedTitle'),
        heading: this.text(site, 'savedTitle'),
        body: [this.text(site, 'resumeBody')],
        formAction: `/resume/${token}`,
        csrf: sessions.csrfToken(session),
        startButton: { text: this.text(site, 'savedContinue') },
      }),
    );
  }

  private resumeInvalid(site: RequestSite, request: FastifyRequest) {
    const title = this.text(site, 'saveHeading');
    return this.html(this.pages.render(site, request, 'content', { pageTitle: title, content: { title, sections: [{ heading: '', paragraphs: [this.text(site, 'resumeInvalid', { days: this.config.reports.draftTtlDays })] }] } }), 404);
  }

  @Post('/resume/:token')
  async resume(@Param('token') token: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const session = sessions.current();
    if (!session || !sessions.validCsrf(session, (request.body as Body | undefined)?._csrf)) return this.redirect(`/resume/${token}`);
    try {
      const journey = await this.api.resume(request, token, session);
      return this.redirect(`/${journey.serviceId}/${journey.current}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.codes.includes('RESUME_LINK_INVALID'))) throw error;
      return this.resumeInvalid(site, request);
    }
  }
}
