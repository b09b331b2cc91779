import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { formatReference, localText, parseReference } from '@front-counter/public-kit';
import { WebBadRequest } from '../bad-requests/bad-request.js';
import { discardParts, formParts, partsFailure } from '../bad-requests/multipart-parts.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { seeOther } from '../pages/redirects.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { TrackingApi, type TrackedReport, type TrackingError } from './tracking-api.js';
import { maskEmail, TrackingCookie, type TrackingState } from './tracking-cookie.js';
import { uploadFlash } from '../journey/upload-flash.js';
import { trackingText, type TrackingTextKey } from './tracking-text.js';
import { errorSummary, fieldError, formatTime, informationRequest, registerTrackingHelpers, replyParams, summaryRows, timelineSteps } from './tracking-view.js';

type Body = Record<string, unknown>;
/** A posted field as text: a repeated field (a list) or a missing one is empty; nothing longer than any real answer is kept. */
const field = (body: unknown, name: string, max = 1000) => {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, max) : '';
};

/**
 * "Track your report": the reporter finds a report by its reference and e-mail address, opens it
 * with a one-time code sent to that address, reads the force's messages and replies. The steps in
 * between are kept in one signed cookie on /track (see TrackingCookie); no URL holds anything
 * personal, and every page works without JavaScript.
 */
@Controller('track')
export class TrackingController {
  private readonly cookie: TrackingCookie;

  constructor(
    private readonly api: TrackingApi,
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cookie = new TrackingCookie(config.session.secret, config.environment === 'production');
    // The links to these pages from the home and confirmation pages take their words from here.
    registerTrackingHelpers(pages.engine);
  }

  private send(reply: FastifyReply, html: string, status = 200) {
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  /** Only ever to one of these pages: the locations are fixed, never taken from the request. */
  private redirect(reply: FastifyReply, location: '/track' | '/track/code' | '/track/report' | '/track/signed-out') {
    return seeOther(reply, location);
  }

  private text(site: RequestSite, key: TrackingTextKey, params: Record<string, string | number> = {}) {
    return trackingText(site.language, key, { force: localText(site.tenant.name, site.language), nonEmergency: site.tenant.contact.nonEmergency, ...params });
  }

  private title(site: RequestSite, key: TrackingTextKey, errors: TrackingError[] = []) {
    return `${errors.length ? this.text(site, 'errorPrefix') : ''}${this.text(site, key)}`;
  }

  /** No tracking session (it ended, was never opened, or is another force's): back to the start, saying time ran out. */
  private timedOut(request: FastifyRequest, reply: FastifyReply, site: RequestSite, state: TrackingState | undefined) {
    this.cookie.write(request, reply, this.cookie.fresh(site.tenant.slug, { reference: state?.reference, notice: 'expired' }));
    return this.redirect(reply, '/track');
  }

  private startPage(site: RequestSite, request: FastifyRequest, state: TrackingState, values: { reference: string; email: string }, errors: TrackingError[] = []) {
    const language = site.language;
    return this.pages.render(site, request, 'track/start', {
      pageTitle: this.title(site, 'title', errors),
      heading: this.text(site, 'title'),
      body: [this.text(site, 'intro'), this.text(site, 'how')],
      noEmail: this.text(site, 'noEmail'),
      expired: state.notice === 'expired' ? { titleText: this.text(site, 'important'), heading: this.text(site, 'expiredHeading'), body: this.text(site, 'expiredBody') } : undefined,
      errorSummary: errorSummary(errors, language),
      csrf: this.cookie.csrfToken(state),
      referenceInput: {
        id: 'reference',
        name: 'reference',
        value: values.reference,
        classes: 'govuk-input--width-10',
        spellcheck: false,
        autocomplete: 'off',
        autocapitalize: 'characters',
        label: { text: this.text(site, 'referenceLabel'), classes: 'govuk-label--s' },
        hint: { text: this.text(site, 'referenceHint') },
        errorMessage: fieldError(errors, 'reference', language),
      },
      emailInput: {
        id: 'email',
        name: 'email',
        type: 'email',
        value: values.email,
        spellcheck: false,
        autocomplete: 'email',
        label: { text: this.text(site, 'emailLabel'), classes: 'govuk-label--s' },
        hint: { text: this.text(site, 'emailHint') },
        errorMessage: fieldError(errors, 'email', language),
      },
      button: { text: this.text(site, 'sendCode'), preventDoubleClick: true },
    });
  }

  @Get()
  start(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const found = this.cookie.read(request, site.tenant.slug);
    const state = found ?? this.cookie.fresh(site.tenant.slug);
    // A notice is shown once; a new visitor gets the cookie that carries the form token.
    if (!found || found.notice) this.cookie.write(request, reply, { ...state, notice: undefined });
    return this.send(reply, this.startPage(site, request, state, { reference: state.reference ? formatReference(state.reference) : '', email: '' }));
  }

  @Post()
  async requestCode(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (!this.cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect(reply, '/track');
    const values = { reference: field(request.body, 'reference'), email: field(request.body, 'email') };
    const outcome = await this.api.requestCode(request, values.reference, values.email);
    const parsed = parseReference(values.reference);
    if (outcome.errors.length > 0 || !('reference' in parsed)) return this.send(reply, this.startPage(site, request, { ...state!, notice: undefined }, values, outcome.errors), 400);
    // The same next page whether or not the details match a report: the api never says.
    this.cookie.write(request, reply, { ...this.cookie.fresh(site.tenant.slug), nonce: state!.nonce, reference: parsed.reference, maskedEmail: maskEmail(values.email) });
    return this.redirect(reply, '/track/code');
  }

  private codePage(site: RequestSite, request: FastifyRequest, state: TrackingState, value: string, errors: TrackingError[] = []) {
    return this.pages.render(site, request, 'track/code', {
      pageTitle: this.title(site, 'codeTitle', errors),
      heading: this.text(site, 'codeTitle'),
      caption: this.text(site, 'title'),
      backLink: { href: '/track', text: this.text(site, 'back') },
      sent: this.text(site, 'codeSent', { email: state.maskedEmail ?? '' }),
      referenceLine: this.text(site, 'codeReference', { reference: formatReference(state.reference!) }),
      errorSummary: errorSummary(errors, site.language),
      csrf: this.cookie.csrfToken(state),
      codeInput: {
        id: 'code',
        name: 'code',
        value,
        classes: 'govuk-input--width-5 govuk-input--extra-letter-spacing',
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        spellcheck: false,
        label: { text: this.text(site, 'codeLabel'), classes: 'govuk-label--s' },
        hint: { text: this.text(site, 'codeHint') },
        errorMessage: fieldError(errors, 'code', site.language),
      },
      button: { text: this.text(site, 'continue'), preventDoubleClick: true },
      notReceived: { summaryText: this.text(site, 'notReceived'), body: this.text(site, 'notReceivedBody'), linkText: this.text(site, 'requestAgain') },
    });
  }

  @Get('code')
  code(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (state?.token) return this.redirect(reply, '/track/report');
    if (!state?.reference || !state.maskedEmail) return this.redirect(reply, '/track');
    return this.send(reply, this.codePage(site, request, state, ''));
  }

  @Post('code')
  async verifyCode(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (!state?.reference || !state.maskedEmail) return this.redirect(reply, '/track');
    if (!this.cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect(reply, '/track/code');
    const code = field(request.body, 'code', 100);
    const outcome = await this.api.verifyCode(request, state.reference, code);
    if (!outcome.token || !outcome.expiresAt) return this.send(reply, this.codePage(site, request, state, code, outcome.errors), 400);
    this.cookie.write(request, reply, { force: site.tenant.slug, nonce: state.nonce, reference: state.reference, token: outcome.token, until: Date.parse(outcome.expiresAt) });
    return this.redirect(reply, '/track/report');
  }

  private reportPage(
    site: RequestSite,
    request: FastifyRequest,
    state: TrackingState & { token: string },
    report: TrackedReport,
    reply: { value: string; errors: TrackingError[]; sent: boolean; filesAdded?: boolean; fileErrors?: TrackingError[] },
  ) {
    const language = site.language;
    const asked = informationRequest(report);
    return this.pages.render(site, request, 'track/report', {
      pageTitle: this.title(site, 'reportTitle', reply.errors),
      heading: this.text(site, 'reportTitle'),
      caption: this.text(site, 'title'),
      sent: reply.sent ? { titleText: this.text(site, 'success'), text: this.text(site, 'replied') } : reply.filesAdded ? { titleText: this.text(site, 'success'), text: this.text(site, 'filesAdded') } : undefined,
      informationRequest: asked ? { titleText: this.text(site, 'important'), heading: this.text(site, 'needInformation'), paragraphs: asked, reply: this.text(site, 'needInformationReply') } : undefined,
      errorSummary: errorSummary([...reply.errors, ...(reply.fileErrors ?? [])], language),
      rows: summaryRows(report, language),
      timelineHeading: this.text(site, 'timelineHeading'),
      timelineOrder: this.text(site, 'timelineOrder'),
      steps: timelineSteps(report, language),
      replyHeading: this.text(site, 'replyHeading'),
      reply: replyParams(language, reply.value, reply.errors),
      replyButton: { text: this.text(site, 'sendReply'), preventDoubleClick: true },
      files: {
        heading: this.text(site, 'filesHeading'),
        input: {
          id: 'files',
          name: 'files',
          label: { text: this.text(site, 'filesLabel'), classes: 'govuk-label--s' },
          hint: { text: this.text(site, 'filesHint') },
          errorMessage: reply.fileErrors?.length ? { text: reply.fileErrors.map((error) => localText({ en: error.message.en, cy: error.message.cy ?? error.message.en }, language)).join('. ') } : undefined,
          multiple: true,
          attributes: { accept: 'image/*,video/*,.pdf,.doc,.docx,.odt,.rtf' },
        },
        button: { text: this.text(site, 'uploadFiles'), classes: 'govuk-button--secondary', preventDoubleClick: true },
        uploading: this.text(site, 'uploading', { percent: '{percent}' }),
        uploadFailed: this.text(site, 'uploadFailed'),
      },
      urgent: this.text(site, 'urgent'),
      sessionEnds: this.text(site, 'sessionEnds', { time: formatTime(new Date(state.until).toISOString(), language) }),
      signOutButton: { text: this.text(site, 'signOut'), classes: 'govuk-button--secondary' },
      csrf: this.cookie.csrfToken(state),
    });
  }

  @Get('report')
  async report(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (!state?.token) return this.timedOut(request, reply, site, state);
    const tracked = await this.api.report(request, state.token);
    if (!tracked.report) return this.timedOut(request, reply, site, state);
    if (state.notice) this.cookie.write(request, reply, { ...state, notice: undefined });
    const fileErrors = uploadFlash.take(request, reply, '/track/report', this.config.environment === 'production').map((error) => ({ field: 'files', message: error.message }));
    return this.send(reply, this.reportPage(site, request, { ...state, token: state.token }, tracked.report, { value: '', errors: [], sent: state.notice === 'replied', filesAdded: state.notice === 'files-added', fileErrors }));
  }

  @Post('report/reply')
  async reply(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (!state?.token) return this.timedOut(request, reply, site, state);
    if (!this.cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect(reply, '/track/report');
    // Kept whole (a reply over the limit is shown again with the error), up to the body limit.
    const message = field(request.body, 'message', Number.MAX_SAFE_INTEGER);
    const outcome = await this.api.reply(request, state.token, message);
    if (outcome.errors.some((error) => error.field === 'session')) return this.timedOut(request, reply, site, state);
    if (outcome.errors.length > 0) {
      const tracked = await this.api.report(request, state.token);
      if (!tracked.report) return this.timedOut(request, reply, site, state);
      return this.send(reply, this.reportPage(site, request, { ...state, token: state.token }, tracked.report, { value: message, errors: outcome.errors, sent: false }), 400);
    }
    this.cookie.write(request, reply, { ...state, notice: 'replied' });
    return this.redirect(reply, '/track/report');
  }

  /**
   * The reporter adds files (multipart, works without JavaScript): each is streamed on to the api as
   * it arrives, after the form's anti-forgery field, which comes first. Refusals name the file. The
   * api holds the form's files until the whole form has been read, then they go on the report
   * together; a form that breaks part-way (cut off, over a limit, text the site cannot keep) is
   * refused with a page saying what was wrong, and the files it had sent are discarded.
   */
  @Post('report/files')
  async addFiles(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (!state?.token || !request.isMultipart()) {
      // A form that cannot be read is refused as such, even where the visitor is sent elsewhere.
      if (request.isMultipart()) await discardParts(request);
      return state?.token ? this.redirect(reply, '/track/report') : this.timedOut(request, reply, site, state);
    }
    const errors: TrackingError[] = [];
    const batch = randomUUID();
    let csrf: string | undefined;
    let added = 0;
    const discard = () =>
      added === 0 ? Promise.resolve() : this.api.discardFiles(request, state.token!, batch).catch((error: Error) => request.log.warn({ err: { message: error.message } }, 'the files of a broken form were left for the clean-up'));
    try {
      for await (const part of formParts(request)) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf' && csrf !== undefined) throw new WebBadRequest('malformed-form');
          if (part.fieldname === '_csrf') csrf = String(part.value ?? '');
          continue;
        }
        if (part.fieldname !== 'files' || !part.filename || !this.cookie.validCsrf(state, csrf ?? '')) {
          part.file.resume();
          continue;
        }
        const outcome = await this.api.uploadFile(request, state.token, batch, part.filename, part.file);
        const name = part.filename.replace(/^.*[\\/]/, '').slice(0, 100);
        if ('error' in outcome) {
          if (outcome.error.code === 'TRACKING_SESSION_ENDED') {
            await discard();
            return this.timedOut(request, reply, site, state);
          }
          errors.push({ field: 'files', message: { en: `${name}: ${outcome.error.message.en}`, cy: `${name}: ${outcome.error.message.cy}` } });
        } else added++;
      }
    } catch (error) {
      await discard();
      throw partsFailure(error, request);
    }
    if (added > 0 && !(await this.api.confirmFiles(request, state.token, batch))) return this.timedOut(request, reply, site, state);
    if (!this.cookie.validCsrf(state, csrf ?? '')) return this.redirect(reply, '/track/report');
    if (added === 0 && errors.length === 0) errors.push({ field: 'files', message: { en: trackingText('en', 'chooseFile'), cy: trackingText('cy', 'chooseFile') } });
    const fromScript = uploadFlash.fromScript(request);
    if (errors.length > 0 && fromScript) {
      if (added > 0) this.cookie.write(request, reply, { ...state, notice: 'files-added' });
      uploadFlash.write(reply, '/track/report', errors, this.config.environment === 'production');
      return reply.code(200).header('content-type', 'application/json').send({ location: '/track/report' });
    }
    if (errors.length > 0) {
      const tracked = await this.api.report(request, state.token);
      if (!tracked.report) return this.timedOut(request, reply, site, state);
      return this.send(reply, this.reportPage(site, request, { ...state, token: state.token }, tracked.report, { value: '', errors: [], sent: false, filesAdded: added > 0, fileErrors: errors }), 400);
    }
    this.cookie.write(request, reply, { ...state, notice: 'files-added' });
    if (fromScript) return reply.code(200).header('content-type', 'application/json').send({ location: '/track/report' });
    return this.redirect(reply, '/track/report');
  }

  @Post('sign-out')
  signOut(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const state = this.cookie.read(request, site.tenant.slug);
    if (state && !this.cookie.validCsrf(state, field(request.body, '_csrf'))) return this.redirect(reply, '/track/report');
    this.cookie.clear(request, reply);
    return this.redirect(reply, '/track/signed-out');
  }

  @Get('signed-out')
  signedOut(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.send(
      reply,
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
