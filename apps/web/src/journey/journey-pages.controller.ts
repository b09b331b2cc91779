import { Controller, Get, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { CompiledForm, FieldError, PageDefinition } from '@front-counter/forms';
import { FORM_VERSION_ID } from '@front-counter/public-kit';
import { FORM_LIMITS, WebBadRequest } from '../bad-requests/bad-request.js';
import { discardParts, formParts, partsFailure } from '../bad-requests/multipart-parts.js';
import { translate } from '../i18n/messages.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { localPathOr } from '../pages/redirects.js';
import { jsonReply } from '../pages/web-reply.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { JourneyApi, type Journey, type JourneyFile } from './journey-api.js';
import { JourneyPage, type JourneySession, JourneySessions } from './journey-sessions.js';
import { answerValues, type Body, fileQuestionIds, formatFileSize, JourneyPageController, PAGE, SERVICE } from './journey-page-controller.js';

import { errorSummary, local, pageView, word } from './journey-view.js';
import { UploadFlash } from './upload-flash.js';

/**
 * A page of the journey: shown, answered (files streamed on to the api as they arrive) and the
 * reporter sent where the api says next; a file sent with the page can be removed again.
 */
@Controller()
@JourneyPage()
export class JourneyPagesController extends JourneyPageController {
  constructor(api: JourneyApi, pages: PageRenderer, @Inject(APP_CONFIG) config: AppConfig, sessions: JourneySessions) {
    super(api, pages, config, sessions);
  }

  private renderPage(
    site: RequestSite,
    request: FastifyRequest,
    context: { serviceId: string; session: string; journey: Journey; form: CompiledForm; page: PageDefinition; change: boolean; files?: JourneyFile[] },
    state: { values?: Record<string, string | string[]>; errors: FieldError[] } = { errors: [] },
  ): string {
    const { serviceId, journey, form, page, change } = context;
    const csrf = this.sessions.csrfToken(context.session);
    const view = pageView(this.pages.engine, form, page, { answers: journey.answers, path: journey.path, values: state.values, errors: state.errors, language: site.language, serviceUrl: `/${serviceId}`, change });
    const position = journey.path.indexOf(page.id);
    const checkPage = form.pages.find((candidate) => candidate.type === 'check-answers')!;
    const backHref = change ? `/${serviceId}/${checkPage.id}` : position > 0 ? `/${serviceId}/${journey.path[position - 1]}` : `/${serviceId}`;
    const answering = page.type === 'question' || page.type === 'content' || page.type === 'repeat';
    return this.pages.render(site, request, `journey/${view.kind}`, {
      pageTitle: `${state.errors.length ? word('errorPrefix', site.language) : ''}${view.heading} – ${local(form.title, site.language)}`,
      view,
      serviceTitle: local(form.title, site.language),
      backLink: page.type === 'exit' && position === 0 ? undefined : { href: backHref, text: word('back', site.language) },
      errorSummary: errorSummary(state.errors, site.language),
      formAction: `/${serviceId}/${page.id}${change ? '?change=1' : ''}`,
      csrf,
      formVersionId: journey.formVersionId,
      continueButton: { text: word('continue', site.language), preventDoubleClick: true },
      multipart: fileQuestionIds(page).length > 0,
      uploading: { progress: this.text(site, 'uploading', { percent: '{percent}' }), failed: this.text(site, 'uploadFailed') },
      files: context.files?.length
        ? {
            heading: this.text(site, 'filesHeading'),
            removeText: this.text(site, 'removeFile'),
            items: context.files.map((file) => ({
              name: file.name,
              size: formatFileSize(file.sizeBytes),
              unprocessable: file.unprocessable ? { tag: this.text(site, 'fileUnprocessable'), hint: this.text(site, 'fileUnprocessableHint') } : undefined,
              action: `/${serviceId}/${page.id}/files/${file.id}/remove${change ? '?change=1' : ''}`,
            })),
          }
        : undefined,
      saveHref: answering ? `/${serviceId}/save` : undefined,
      saveLabel: word('saveForLater', site.language),
      homeLabel: word('home', site.language),
    });
  }

  @Get('/:serviceId/:pageId')
  async page(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const hasFiles = fileQuestionIds(loaded.page).length > 0;
    const files = hasFiles ? await this.api.files(request, serviceId, loaded.session) : undefined;
    const flashed = hasFiles ? sessions.takeFlash(`/${serviceId}/${pageId}`) : [];
    const errors: FieldError[] = flashed.map((error) => ({ field: error.field, questionId: error.questionId ?? error.field, message: { en: error.message.en, cy: error.message.cy ?? error.message.en } }));
    return this.html(this.renderPage(site, request, { serviceId, ...loaded, change: change === '1', files }, { errors }));
  }

  /**
   * The common case in one call to the api: a page without files posted with the form version it was
   * drawn from (`_form`, which names an immutable version the web holds once per process), answered
   * and saved. The api checks the session, the page's place on the path and every value against the
   * draft's own version, as it always does. Anything else (no `_form`, a refusal, field errors, a
   * draft on another version) changed nothing and is left to `answer`'s full path, which loads the
   * journey first and puts the reporter right.
   */
  private async answerDirectly(request: FastifyRequest, sessions: JourneySession, serviceId: string, pageId: string, returnToCheck: boolean) {
    const body = (request.body ?? {}) as Body;
    const session = sessions.current();
    if (!session || typeof body._form !== 'string' || !FORM_VERSION_ID.test(body._form) || !SERVICE.test(serviceId) || !PAGE.test(pageId) || !sessions.validCsrf(session, body._csrf)) return undefined;
    try {
      const form = await this.api.form(request, body._form);
      const page = form.pages.find((candidate) => candidate.id === pageId);
      if (!page || page.type === 'exit' || fileQuestionIds(page).length > 0) return undefined;
      const values = answerValues(body, page);
      if (page.type === 'declaration') {
        const outcome = await this.api.submit(request, serviceId, session, values);
        return outcome.errors.length > 0 ? undefined : this.redirect(`/${serviceId}/confirmation`);
      }
      const outcome =
        page.type === 'repeat' ? await this.api.finishRepeat(request, serviceId, session, pageId, returnToCheck) : await this.api.answerPage(request, serviceId, session, pageId, values, returnToCheck);
      if (outcome.errors.length > 0) return undefined;
      if (outcome.journey.formVersionId !== body._form) return this.redirect(`/${serviceId}/${outcome.journey.current}`);
      return this.afterAnswer(request, serviceId, form, outcome, returnToCheck);
    } catch {
      return undefined;
    }
  }

  /** Where an accepted answer leads: the next page, which keeps `?change=1` until check your answers. */
  private afterAnswer(request: FastifyRequest, serviceId: string, form: CompiledForm, outcome: { nextPageId?: string | null; journey: Journey }, returnToCheck: boolean) {
    const next = outcome.nextPageId ?? outcome.journey.current;
    const checkPage = form.pages.find((candidate) => candidate.type === 'check-answers')!;
    return this.navigate(request, `/${serviceId}/${next}${returnToCheck && next !== checkPage.id ? '?change=1' : ''}`);
  }

  /** Removes a file the reporter sent with this page, then shows the page again. */
  @Post('/:serviceId/:pageId/files/:fileId/remove')
  async removeFile(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('fileId') fileId: string, @Query('change') change: string | undefined, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const body = (request.body ?? {}) as Body;
    if (sessions.validCsrf(loaded.session, body._csrf) && /^[0-9a-f-]{36}$/.test(fileId)) await this.api.removeFile(request, serviceId, loaded.session, fileId);
    return this.redirect(`/${serviceId}/${pageId}${change === '1' ? '?change=1' : ''}`);
  }

  /**
   * A page with a file question arrives as multipart/form-data: its fields are collected, and each
   * file is streamed to the api as it arrives (after the form's anti-forgery field, which comes
   * first). Refusals come back as field errors naming the file. A form that breaks part-way (cut off,
   * over a limit, text the site cannot keep) takes the files it already sent off the draft again, so
   * nothing of it stays, and is refused with a WebBadRequest saying what was wrong.
   */
  private async readMultipart(request: FastifyRequest, sessions: JourneySession, serviceId: string, session: string, page: PageDefinition): Promise<{ body: Body; errors: FieldError[] }> {
    const body: Record<string, string | string[]> = {};
    const errors: FieldError[] = [];
    const fileQuestions = new Set(fileQuestionIds(page));
    const uploaded: string[] = [];
    try {
      for await (const part of formParts(request)) {
        if (part.type === 'field') {
          const value = String(part.value ?? '');
          const existing = body[part.fieldname];
          if (existing !== undefined && part.fieldname === '_csrf') throw new WebBadRequest('malformed-form');
          body[part.fieldname] = existing === undefined ? value : [existing, value].flat();
          continue;
        }
        if (!part.filename || !fileQuestions.has(part.fieldname) || !sessions.validCsrf(session, body._csrf)) {
          part.file.resume();
          continue;
        }
        const result = await this.api.uploadFile(request, serviceId, session, part.fieldname, part.filename, part.file);
        if ('file' in result) {
          uploaded.push(result.file.id);
        } else {
          const name = part.filename.replace(/^.*[\\/]/, '').slice(0, 100);
          errors.push({ field: part.fieldname, questionId: part.fieldname, message: { en: `${name}: ${result.error.message.en}`, cy: `${name}: ${result.error.message.cy}` } });
        }
      }
    } catch (error) {
      for (const fileId of uploaded) await this.api.removeFile(request, serviceId, session, fileId);
      throw partsFailure(error, request);
    }
    return { body, errors };
  }

  /** A refused form sent by the pages' upload script: the page again with the problem at its file question (see uploadFlash). */
  private flashRefusal(sessions: JourneySession, path: string, query: string, page: PageDefinition, refusal: WebBadRequest) {
    const field = fileQuestionIds(page)[0];
    const message = (language: 'en' | 'cy') => translate(language, `badRequest.problems.${refusal.problem}`, { files: FORM_LIMITS.files }) as string;
    sessions.writeFlash(path, [{ field, questionId: field, message: { en: message('en'), cy: message('cy') } }]);
    return jsonReply({ location: localPathOr(`${path}${query}`, '/') }, refusal.getStatus(), { 'cache-control': 'no-store' });
  }

  @Post('/:serviceId/:pageId')
  async answer(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() sessions: JourneySession) {
    if (!request.isMultipart()) {
      const answered = await this.answerDirectly(request, sessions, serviceId, pageId, change === '1');
      if (answered) return answered;
    }
    // A form that cannot be read is refused as such, even where the visitor would be sent to the start.
    if (request.isMultipart() && !sessions.current()) await discardParts(request);
    const loaded = await this.load(request, sessions, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const { session, journey, page } = loaded;
    const query = change === '1' ? '?change=1' : '';
    if (request.isMultipart() && fileQuestionIds(page).length === 0) {
      // Only a page with a file question sends files.
      await discardParts(request);
      throw new WebBadRequest('malformed-form');
    }
    let multipart: { body: Body; errors: FieldError[] } | undefined;
    try {
      multipart = request.isMultipart() ? await this.readMultipart(request, sessions, serviceId, session, page) : undefined;
    } catch (error) {
      if (error instanceof WebBadRequest && UploadFlash.fromScript(request)) return this.flashRefusal(sessions, `/${serviceId}/${pageId}`, query, page, error);
      throw error;
    }
    const body = multipart?.body ?? ((request.body ?? {}) as Body);
    if (!sessions.validCsrf(session, body._csrf)) return this.redirect(`/${serviceId}/${pageId}`);
    const fileIds = new Set(fileQuestionIds(page));
    const values = Object.fromEntries(Object.entries(answerValues(body, page)).filter(([field]) => !fileIds.has(field)));
    if (multipart?.errors.length) {
      if (UploadFlash.fromScript(request)) return this.flashErrors(request, sessions, `/${serviceId}/${pageId}`, query, multipart.errors);
      const files = await this.api.files(request, serviceId, session);
      return this.html(this.renderPage(site, request, { serviceId, ...loaded, change: change === '1', files }, { values, errors: multipart.errors }), 400);
    }
    const returnToCheck = change === '1';
    try {
      if (page.type === 'declaration') {
        const outcome = await this.api.submit(request, serviceId, session, values);
        if (outcome.errors.length > 0) return this.html(this.renderPage(site, request, { serviceId, ...loaded, change: false }, { values, errors: outcome.errors }), 400);
        return this.redirect(`/${serviceId}/confirmation`);
      }
      const outcome =
        page.type === 'repeat' ? await this.api.finishRepeat(request, serviceId, session, pageId, returnToCheck) : await this.api.answerPage(request, serviceId, session, pageId, values, returnToCheck);
      if (outcome.errors.length > 0) {
        if (multipart && UploadFlash.fromScript(request)) return this.flashErrors(request, sessions, `/${serviceId}/${pageId}`, query, outcome.errors);
        const files = fileIds.size ? await this.api.files(request, serviceId, session) : undefined;
        return this.html(this.renderPage(site, request, { serviceId, ...loaded, journey: outcome.journey, change: returnToCheck, files }, { values, errors: outcome.errors }), 400);
      }
      return this.afterAnswer(request, serviceId, loaded.form, outcome, returnToCheck);
    } catch (error) {
      return this.recover(error, serviceId, journey);
    }
  }
}
