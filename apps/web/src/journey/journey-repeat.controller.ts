import { Controller, Get, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { FieldError, PageDefinition } from '@front-counter/forms';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { JourneyApi } from './journey-api.js';
import { JourneyPage, type JourneySession, JourneySessions } from './journey-sessions.js';
import { answerValues, type Body, JourneyPageController } from './journey-page-controller.js';
import { errorSummary, local, savedValues, word } from './journey-view.js';
import { answerSummary, partialRenderer, questionView, renderQuestion } from './question-view.js';

/** The items of a repeating page ("add another"): each answered on a page of its own, and removed after a check. */
@Controller()
@JourneyPage()
export class JourneyRepeatController extends JourneyPageController {
  constructor(api: JourneyApi, pages: PageRenderer, @Inject(APP_CONFIG) config: AppConfig, sessions: JourneySessions) {
    super(api, pages, config, sessions);
  }

  private repeatItemView(
    site: RequestSite,
    request: FastifyRequest,
    context: Exclude<Awaited<ReturnType<JourneyPageController['load']>>, { redirect: unknown }> & { serviceId: string; change: boolean },
    index: number,
    state: { values?: Record<string, string | string[]>; errors: FieldError[] },
  ) {
    const page = context.page as Extract<PageDefinition, { type: 'repeat' }>;
    const current = context.journey.answers[page.id] as { items?: Record<string, unknown>[] } | undefined;
    const values = state.values ?? savedValues(page.questions, current?.items?.[index]);
    const render = partialRenderer(this.pages.engine);
    const itemName = local(page.itemName, site.language);
    const heading = `${itemName.charAt(0).toUpperCase()}${itemName.slice(1)} ${index + 1}`;
    const keep = context.change ? '?change=1' : '';
    return this.pages.render(site, request, 'journey/repeat-item', {
      pageTitle: `${state.errors.length ? word('errorPrefix', site.language) : ''}${heading} – ${local(context.form.title, site.language)}`,
      view: { heading, questions: page.questions.map((question) => renderQuestion(this.pages.engine, questionView(question, { language: site.language, values, errors: state.errors, isPageHeading: false, render }))) },
      serviceTitle: local(page.title, site.language),
      backLink: { href: `/${context.serviceId}/${page.id}${keep}`, text: word('back', site.language) },
      errorSummary: errorSummary(state.errors, site.language),
      formAction: `/${context.serviceId}/${page.id}/${index}${keep}`,
      csrf: this.sessions.csrfToken(context.session),
      continueButton: { text: word('continue', site.language), preventDoubleClick: true },
    });
  }

  @Get('/:serviceId/:pageId/:index')
  async repeatItem(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const position = Number(index);
    const items = (loaded.journey.answers[pageId] as { items?: unknown[] } | undefined)?.items ?? [];
    if (loaded.page.type !== 'repeat' || !/^\d{1,2}$/.test(index) || position > items.length || position >= loaded.page.max) return this.redirect(`/${serviceId}/${pageId}`);
    return this.html(this.repeatItemView(site, request, { serviceId, ...loaded, change: change === '1' }, position, { errors: [] }));
  }

  @Post('/:serviceId/:pageId/:index')
  async answerRepeatItem(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const body = (request.body ?? {}) as Body;
    if (loaded.page.type !== 'repeat' || !/^\d{1,2}$/.test(index) || !sessions.validCsrf(loaded.session, body._csrf)) return this.redirect(`/${serviceId}/${pageId}`);
    const values = answerValues(body, loaded.page);
    try {
      const outcome = await this.api.answerRepeatItem(request, serviceId, loaded.session, pageId, Number(index), values);
      if (outcome.errors.length > 0) return this.html(this.repeatItemView(site, request, { serviceId, ...loaded, change: change === '1' }, Number(index), { values, errors: outcome.errors }), 400);
      return this.redirect(`/${serviceId}/${pageId}${change === '1' ? '?change=1' : ''}`);
    } catch (error) {
      return this.recover(error, serviceId, loaded.journey);
    }
  }

  @Get('/:serviceId/:pageId/:index/remove')
  async confirmRemove(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const page = loaded.page;
    const keep = change === '1' ? '?change=1' : '';
    const item = (loaded.journey.answers[pageId] as { items?: Record<string, unknown>[] } | undefined)?.items?.[Number(index)];
    if (page.type !== 'repeat' || !/^\d{1,2}$/.test(index) || !item) return this.redirect(`/${serviceId}/${pageId}${keep}`);
    const itemName = `${local(page.itemName, site.language)} ${Number(index) + 1}`;
    const first = page.questions[0];
    const heading = this.text(site, 'removeHeading', { item: itemName });
    return this.html(
      this.pages.render(site, request, 'journey/remove-item', {
        pageTitle: `${heading} – ${local(loaded.form.title, site.language)}`,
        view: { heading, summary: answerSummary(first, item[first.id], site.language), removeLabel: this.text(site, 'removeButton'), cancelHref: `/${serviceId}/${pageId}${keep}`, cancelLabel: this.text(site, 'cancel') },
        serviceTitle: local(page.title, site.language),
        backLink: { href: `/${serviceId}/${pageId}${keep}`, text: word('back', site.language) },
        formAction: `/${serviceId}/${pageId}/${index}/remove${keep}`,
        csrf: sessions.csrfToken(loaded.session),
      }),
    );
  }

  @Post('/:serviceId/:pageId/:index/remove')
  async remove(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const keep = change === '1' ? '?change=1' : '';
    if (!sessions.validCsrf(loaded.session, (request.body as Body | undefined)?._csrf) || !/^\d{1,2}$/.test(index)) return this.redirect(`/${serviceId}/${pageId}${keep}`);
    try {
      await this.api.removeRepeatItem(request, serviceId, loaded.session, pageId, Number(index));
    } catch (error) {
      return this.recover(error, serviceId, loaded.journey);
    }
    return this.redirect(`/${serviceId}/${pageId}${keep}`);
  }
}
