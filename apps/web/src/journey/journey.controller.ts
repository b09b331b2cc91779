import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { CompiledForm, FieldError, PageDefinition } from '@front-counter/forms';
import { formatReference } from '@front-counter/public-kit';
import { ApiError } from '../api-client.js';
import { FORM_LIMITS, WebBadRequest } from '../bad-requests/bad-request.js';
import { discardParts, formParts, partsFailure } from '../bad-requests/multipart-parts.js';
import { translate } from '../i18n/messages.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { localPathOr, seeOther } from '../pages/redirects.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { JourneyApi, type Journey, type JourneyFile } from './journey-api.js';
import { errorSummary, local, pageView, savedValues, word } from './journey-view.js';
import { answerSummary, partialRenderer, questionView, renderQuestion } from './question-view.js';
import { Sessions } from './session.js';
import { uploadFlash } from './upload-flash.js';

type Body = Record<string, string | string[] | undefined>;
const SERVICE = /^[a-z][a-z0-9-]{1,60}$/;
const PAGE = /^[a-zA-Z][a-zA-Z0-9-]{0,80}$/;

/** The ids of a page's file questions. */
function fileQuestionIds(page: PageDefinition): string[] {
  return page.type === 'question' ? page.questions.filter((question) => question.type === 'file').map((question) => question.id) : [];
}

/** 2.4 MB, 830 KB: how big a file is, as people say it. */
function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * A page's answers: the fields the site adds to every form (`_csrf`) are never passed on, and a list
 * is refused where no question of the page takes one (only checkboxes do): no page of ours sends it.
 */
function answerValues(body: unknown, page: PageDefinition): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  const values = Object.entries(body as Body).filter(([field, value]) => !field.startsWith('_') && value !== undefined) as [string, string | string[]][];
  const lists = new Set('questions' in page ? page.questions.filter((question) => question.type === 'checkboxes').map((question) => question.id) : []);
  if (values.some(([field, value]) => Array.isArray(value) && !lists.has(field))) throw new WebBadRequest('malformed-form');
  return Object.fromEntries(values);
}


/**
 * The public journey through a service: one page at a time, server-rendered, working without
 * JavaScript. Every answer goes to the api, which validates it again and decides where to go next.
 */
@Controller()
export class JourneyController {
  private readonly sessions: Sessions;

  constructor(
    private readonly api: JourneyApi,
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sessions = new Sessions(config.session.secret, config.environment === 'production');
  }

  private send(reply: FastifyReply, html: string, status = 200) {
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').send(html);
  }

  /** Only ever to a path on this site (see seeOther), else the home page. */
  private redirect(reply: FastifyReply, location: string) {
    return seeOther(reply, location, '/');
  }

  /**
   * Where to go after a post: a redirect, or for the pages' upload script (which cannot stop
   * XMLHttpRequest following a redirect) the address as JSON, which it then navigates to.
   */
  private navigate(request: FastifyRequest, reply: FastifyReply, location: string) {
    if (!uploadFlash.fromScript(request)) return this.redirect(reply, location);
    return reply.code(200).header('content-type', 'application/json').header('cache-control', 'no-store').send({ location: localPathOr(location, '/') });
  }

  /** A page's errors after a post from the upload script: kept for the page's next view, which the script opens. */
  private flashErrors(request: FastifyRequest, reply: FastifyReply, path: string, query: string, errors: FieldError[]) {
    uploadFlash.write(reply, path, errors.map((error) => ({ field: error.field, questionId: error.questionId, message: error.message })), this.config.environment === 'production');
    return this.navigate(request, reply, `${path}${query}`);
  }

  private text(site: RequestSite, key: string, params: Record<string, string | number> = {}) {
    return translate(site.language, `journey.${key}`, params) as string;
  }

  private async service(site: RequestSite, request: FastifyRequest, serviceId: string) {
    if (!SERVICE.test(serviceId)) return undefined;
    return (await this.api.services(request)).find((service) => service.id === serviceId);
  }

  /** Errors from the api that mean "start again" or "go where you belong", rather than a failure. */
  private async recover(error: unknown, reply: FastifyReply, serviceId: string, journey?: Journey) {
    if (error instanceof ApiError) {
      if (error.codes.includes('JOURNEY_NOT_FOUND') || error.codes.includes('SERVICE_NOT_FOUND')) return this.redirect(reply, `/${serviceId}`);
      if (error.codes.includes('PAGE_NOT_AVAILABLE') && journey) return this.redirect(reply, `/${serviceId}/${journey.current}`);
      // A form no page of ours would post (too many fields, lists where text belongs): a clear 400, nothing stored.
      if (error.codes.includes('INVALID_ANSWER')) throw new WebBadRequest('malformed-form');
    }
    throw error;
  }

  @Get('/:serviceId')
  async start(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const service = await this.service(site, request, serviceId);
    if (!service) return this.send(reply, this.pages.render(site, request, 'not-found'), 404);
    const session = this.sessions.ensure(request, reply);
    const heading = local(service.title, site.language);
    return this.send(
      reply,
      this.pages.render(site, request, 'journey/start', {
        pageTitle: heading,
        heading,
        body: service.startPage.map((text) => local(text, site.language)),
        formAction: `/${serviceId}/start`,
        csrf: this.sessions.csrfToken(session),
        startButton: { text: this.text(site, 'startNow'), isStartButton: true },
        backLink: { href: '/', text: word('back', site.language) },
      }),
    );
  }

  @Post('/:serviceId/start')
  async begin(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = this.sessions.current(request);
    if (!this.sessions.validCsrf(session, (request.body as Body | undefined)?._csrf)) return this.redirect(reply, `/${serviceId}`);
    try {
      const journey = await this.api.start(request, serviceId, session!, site.language);
      return this.redirect(reply, `/${serviceId}/${journey.current}`);
    } catch (error) {
      return this.recover(error, reply, serviceId);
    }
  }

  @Get('/:serviceId/confirmation')
  async confirmation(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = this.sessions.current(request);
    const journey = session && SERVICE.test(serviceId) ? await this.api.journey(request, serviceId, session) : null;
    if (!journey?.reference) return this.redirect(reply, `/${serviceId}`);
    const email = journey.confirmationEmail;
    const promises = site.tenant.promises;
    return this.send(
      reply,
      this.pages.render(site, request, 'journey/confirmation', {
        pageTitle: this.text(site, 'sent'),
        panel: { titleText: this.text(site, 'sent'), html: `${this.text(site, 'referenceIntro')}<br><strong class="fc-reference">${formatReference(journey.reference)}</strong>` },
        emailed: email ? this.text(site, 'emailed', { email }) : undefined,
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
  async saveForm(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = this.sessions.current(request);
    const journey = session && SERVICE.test(serviceId) ? await this.api.journey(request, serviceId, session) : null;
    if (!journey || journey.reference) return this.redirect(reply, `/${serviceId}`);
    return this.send(reply, this.saveView(site, request, serviceId, journey, session!, {}, []));
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
  async save(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = this.sessions.current(request);
    const body = (request.body ?? {}) as Body;
    if (!this.sessions.validCsrf(session, body._csrf)) return this.redirect(reply, `/${serviceId}`);
    const journey = await this.api.journey(request, serviceId, session!);
    if (!journey || journey.reference) return this.redirect(reply, `/${serviceId}`);
    const email = typeof body.email === 'string' && body.email.trim() ? body.email.trim() : null;
    const saved = await this.api.saveForLater(request, serviceId, session!, email);
    if (saved.errors.length > 0) return this.send(reply, this.saveView(site, request, serviceId, journey, session!, { email: email ?? '' }, saved.errors), 400);
    const until = new Date(saved.expiresAt).toLocaleDateString(site.language === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
    return this.send(
      reply,
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
  resumePage(@Param('token') token: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = this.sessions.ensure(request, reply);
    if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return this.resumeInvalid(site, request, reply);
    return this.send(
      reply,
      this.pages.render(site, request, 'journey/start', {
        pageTitle: this.text(site, 'savedTitle'),
        heading: this.text(site, 'savedTitle'),
        body: [this.text(site, 'resumeBody')],
        formAction: `/resume/${token}`,
        csrf: this.sessions.csrfToken(session),
        startButton: { text: this.text(site, 'savedContinue') },
      }),
    );
  }

  private resumeInvalid(site: RequestSite, request: FastifyRequest, reply: FastifyReply) {
    const title = this.text(site, 'saveHeading');
    return this.send(reply, this.pages.render(site, request, 'content', { pageTitle: title, content: { title, sections: [{ heading: '', paragraphs: [this.text(site, 'resumeInvalid', { days: this.config.reports.draftTtlDays })] }] } }), 404);
  }

  @Post('/resume/:token')
  async resume(@Param('token') token: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = this.sessions.current(request);
    if (!session || !this.sessions.validCsrf(session, (request.body as Body | undefined)?._csrf)) return this.redirect(reply, `/resume/${token}`);
    try {
      const journey = await this.api.resume(request, token, session);
      return this.redirect(reply, `/${journey.serviceId}/${journey.current}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.codes.includes('RESUME_LINK_INVALID'))) throw error;
      return this.resumeInvalid(site, request, reply);
    }
  }

  /** Loads the session's journey and form, or answers with the redirect that puts the reporter right. */
  private async load(request: FastifyRequest, reply: FastifyReply, serviceId: string, pageId: string) {
    const session = this.sessions.current(request);
    if (!session || !SERVICE.test(serviceId) || !PAGE.test(pageId)) return { redirect: this.redirect(reply, `/${SERVICE.test(serviceId) ? serviceId : ''}`) };
    const journey = await this.api.journey(request, serviceId, session);
    if (!journey) return { redirect: this.redirect(reply, `/${serviceId}`) };
    if (journey.reference) return { redirect: this.redirect(reply, `/${serviceId}/confirmation`) };
    const form = await this.api.form(request, journey.formVersionId);
    const page = form.pages.find((candidate) => candidate.id === pageId);
    if (!page || !journey.path.includes(pageId)) return { redirect: this.redirect(reply, `/${serviceId}/${journey.current}`) };
    return { session, journey, form, page };
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
  async page(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const loaded = await this.load(request, reply, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const hasFiles = fileQuestionIds(loaded.page).length > 0;
    const files = hasFiles ? await this.api.files(request, serviceId, loaded.session) : undefined;
    const flashed = hasFiles ? uploadFlash.take(request, reply, `/${serviceId}/${pageId}`, this.config.environment === 'production') : [];
    const errors: FieldError[] = flashed.map((error) => ({ field: error.field, questionId: error.questionId ?? error.field, message: { en: error.message.en, cy: error.message.cy ?? error.message.en } }));
    return this.send(reply, this.renderPage(site, request, { serviceId, ...loaded, change: change === '1', files }, { errors }));
  }

  /** Removes a file the reporter sent with this page, then shows the page again. */
  @Post('/:serviceId/:pageId/files/:fileId/remove')
  async removeFile(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('fileId') fileId: string, @Query('change') change: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const loaded = await this.load(request, reply, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const body = (request.body ?? {}) as Body;
    if (this.sessions.validCsrf(loaded.session, body._csrf) && /^[0-9a-f-]{36}$/.test(fileId)) await this.api.removeFile(request, serviceId, loaded.session, fileId);
    return this.redirect(reply, `/${serviceId}/${pageId}${change === '1' ? '?change=1' : ''}`);
  }

  /**
   * A page with a file question arrives as multipart/form-data: its fields are collected, and each
   * file is streamed to the api as it arrives (after the form's anti-forgery field, which comes
   * first). Refusals come back as field errors naming the file. A form that breaks part-way (cut off,
   * over a limit, text the site cannot keep) takes the files it already sent off the draft again, so
   * nothing of it stays, and is refused with a WebBadRequest saying what was wrong.
   */
  private async readMultipart(request: FastifyRequest, serviceId: string, session: string, page: PageDefinition): Promise<{ body: Body; errors: FieldError[] }> {
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
        if (!part.filename || !fileQuestions.has(part.fieldname) || !this.sessions.validCsrf(session, body._csrf)) {
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
  private flashRefusal(request: FastifyRequest, reply: FastifyReply, path: string, query: string, page: PageDefinition, refusal: WebBadRequest) {
    const field = fileQuestionIds(page)[0];
    const message = (language: 'en' | 'cy') => translate(language, `badRequest.problems.${refusal.problem}`, { files: FORM_LIMITS.files }) as string;
    uploadFlash.write(reply, path, [{ field, questionId: field, message: { en: message('en'), cy: message('cy') } }], this.config.environment === 'production');
    return reply.code(refusal.getStatus()).header('content-type', 'application/json').header('cache-control', 'no-store').send({ location: localPathOr(`${path}${query}`, '/') });
  }

  @Post('/:serviceId/:pageId')
  async answer(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    // A form that cannot be read is refused as such, even where the visitor would be sent to the start.
    if (request.isMultipart() && !this.sessions.current(request)) await discardParts(request);
    const loaded = await this.load(request, reply, serviceId, pageId);
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
      multipart = request.isMultipart() ? await this.readMultipart(request, serviceId, session, page) : undefined;
    } catch (error) {
      if (error instanceof WebBadRequest && uploadFlash.fromScript(request)) return this.flashRefusal(request, reply, `/${serviceId}/${pageId}`, query, page, error);
      throw error;
    }
    const body = multipart?.body ?? ((request.body ?? {}) as Body);
    if (!this.sessions.validCsrf(session, body._csrf)) return this.redirect(reply, `/${serviceId}/${pageId}`);
    const fileIds = new Set(fileQuestionIds(page));
    const values = Object.fromEntries(Object.entries(answerValues(body, page)).filter(([field]) => !fileIds.has(field)));
    if (multipart?.errors.length) {
      if (uploadFlash.fromScript(request)) return this.flashErrors(request, reply, `/${serviceId}/${pageId}`, query, multipart.errors);
      const files = await this.api.files(request, serviceId, session);
      return this.send(reply, this.renderPage(site, request, { serviceId, ...loaded, change: change === '1', files }, { values, errors: multipart.errors }), 400);
    }
    const returnToCheck = change === '1';
    try {
      if (page.type === 'declaration') {
        const outcome = await this.api.submit(request, serviceId, session, values);
        if (outcome.errors.length > 0) return this.send(reply, this.renderPage(site, request, { serviceId, ...loaded, change: false }, { values, errors: outcome.errors }), 400);
        return this.redirect(reply, `/${serviceId}/confirmation`);
      }
      const outcome =
        page.type === 'repeat' ? await this.api.finishRepeat(request, serviceId, session, pageId, returnToCheck) : await this.api.answerPage(request, serviceId, session, pageId, values, returnToCheck);
      if (outcome.errors.length > 0) {
        if (multipart && uploadFlash.fromScript(request)) return this.flashErrors(request, reply, `/${serviceId}/${pageId}`, query, outcome.errors);
        const files = fileIds.size ? await this.api.files(request, serviceId, session) : undefined;
        return this.send(reply, this.renderPage(site, request, { serviceId, ...loaded, journey: outcome.journey, change: returnToCheck, files }, { values, errors: outcome.errors }), 400);
      }
      const next = outcome.nextPageId ?? outcome.journey.current;
      const checkPage = loaded.form.pages.find((candidate) => candidate.type === 'check-answers')!;
      return this.navigate(request, reply, `/${serviceId}/${next}${returnToCheck && next !== checkPage.id ? '?change=1' : ''}`);
    } catch (error) {
      return this.recover(error, reply, serviceId, journey);
    }
  }

  private repeatItemView(
    site: RequestSite,
    request: FastifyRequest,
    context: Exclude<Awaited<ReturnType<JourneyController['load']>>, { redirect: unknown }> & { serviceId: string; change: boolean },
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
  async repeatItem(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const loaded = await this.load(request, reply, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const position = Number(index);
    const items = (loaded.journey.answers[pageId] as { items?: unknown[] } | undefined)?.items ?? [];
    if (loaded.page.type !== 'repeat' || !/^\d{1,2}$/.test(index) || position > items.length || position >= loaded.page.max) return this.redirect(reply, `/${serviceId}/${pageId}`);
    return this.send(reply, this.repeatItemView(site, request, { serviceId, ...loaded, change: change === '1' }, position, { errors: [] }));
  }

  @Post('/:serviceId/:pageId/:index')
  async answerRepeatItem(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const loaded = await this.load(request, reply, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const body = (request.body ?? {}) as Body;
    if (loaded.page.type !== 'repeat' || !/^\d{1,2}$/.test(index) || !this.sessions.validCsrf(loaded.session, body._csrf)) return this.redirect(reply, `/${serviceId}/${pageId}`);
    const values = answerValues(body, loaded.page);
    try {
      const outcome = await this.api.answerRepeatItem(request, serviceId, loaded.session, pageId, Number(index), values);
      if (outcome.errors.length > 0) return this.send(reply, this.repeatItemView(site, request, { serviceId, ...loaded, change: change === '1' }, Number(index), { values, errors: outcome.errors }), 400);
      return this.redirect(reply, `/${serviceId}/${pageId}${change === '1' ? '?change=1' : ''}`);
    } catch (error) {
      return this.recover(error, reply, serviceId, loaded.journey);
    }
  }

  @Get('/:serviceId/:pageId/:index/remove')
  async confirmRemove(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const loaded = await this.load(request, reply, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const page = loaded.page;
    const keep = change === '1' ? '?change=1' : '';
    const item = (loaded.journey.answers[pageId] as { items?: Record<string, unknown>[] } | undefined)?.items?.[Number(index)];
    if (page.type !== 'repeat' || !/^\d{1,2}$/.test(index) || !item) return this.redirect(reply, `/${serviceId}/${pageId}${keep}`);
    const itemName = `${local(page.itemName, site.language)} ${Number(index) + 1}`;
    const first = page.questions[0];
    const heading = this.text(site, 'removeHeading', { item: itemName });
    return this.send(
      reply,
      this.pages.render(site, request, 'journey/remove-item', {
        pageTitle: `${heading} – ${local(loaded.form.title, site.language)}`,
        view: { heading, summary: answerSummary(first, item[first.id], site.language), removeLabel: this.text(site, 'removeButton'), cancelHref: `/${serviceId}/${pageId}${keep}`, cancelLabel: this.text(site, 'cancel') },
        serviceTitle: local(page.title, site.language),
        backLink: { href: `/${serviceId}/${pageId}${keep}`, text: word('back', site.language) },
        formAction: `/${serviceId}/${pageId}/${index}/remove${keep}`,
        csrf: this.sessions.csrfToken(loaded.session),
      }),
    );
  }

  @Post('/:serviceId/:pageId/:index/remove')
  async remove(@Param('serviceId') serviceId: string, @Param('pageId') pageId: string, @Param('index') index: string, @Query('change') change: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const loaded = await this.load(request, reply, serviceId, pageId);
    if ('redirect' in loaded) return loaded.redirect;
    const keep = change === '1' ? '?change=1' : '';
    if (!this.sessions.validCsrf(loaded.session, (request.body as Body | undefined)?._csrf) || !/^\d{1,2}$/.test(index)) return this.redirect(reply, `/${serviceId}/${pageId}${keep}`);
    try {
      await this.api.removeRepeatItem(request, serviceId, loaded.session, pageId, Number(index));
    } catch (error) {
      return this.recover(error, reply, serviceId, loaded.journey);
    }
    return this.redirect(reply, `/${serviceId}/${pageId}${keep}`);
  }
}
