import type { FastifyRequest } from 'fastify';
import { formatReference, localText } from '@front-counter/public-kit';
import type { PageRenderer, RequestSite } from '../pages/page-renderer.js';
import { redirectTo } from '../pages/redirects.js';
import { htmlReply } from '../pages/web-reply.js';
import type { TrackedReport, TrackingApi, TrackingError } from './tracking-api.js';
import type { TrackingState } from './tracking-cookie.js';
import type { TrackingSession, TrackingSessions } from './tracking-sessions.js';
import { trackingText, type TrackingTextKey } from './tracking-text.js';
import { errorSummary, fieldError, formatTime, informationRequest, replyParams, summaryRows, timelineSteps } from './tracking-view.js';

type Body = Record<string, unknown>;
/** A posted field as text: a repeated field (a list) or a missing one is empty; nothing longer than any real answer is kept. */
export const field = (body: unknown, name: string, max = 1000) => {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, max) : '';
};

/** What tracking's pages share: its replies, texts and pages (the start, the code and the report). */
export abstract class TrackingPageController {
  protected constructor(
    protected readonly api: TrackingApi,
    protected readonly pages: PageRenderer,
    protected readonly sessions: TrackingSessions,
  ) {}

  protected html(html: string, status = 200) {
    return htmlReply(html, status, { 'cache-control': 'no-store' });
  }

  /** Only ever to one of these pages: the locations are fixed, never taken from the request. */
  protected redirect(location: '/track' | '/track/code' | '/track/report' | '/track/signed-out') {
    return redirectTo(location);
  }

  protected text(site: RequestSite, key: TrackingTextKey, params: Record<string, string | number> = {}) {
    return trackingText(site.language, key, { force: localText(site.tenant.name, site.language), nonEmergency: site.tenant.contact.nonEmergency, ...params });
  }

  protected title(site: RequestSite, key: TrackingTextKey, errors: TrackingError[] = []) {
    return `${errors.length ? this.text(site, 'errorPrefix') : ''}${this.text(site, key)}`;
  }

  /** No tracking session (it ended, was never opened, or is another force's): back to the start, saying time ran out. */
  protected timedOut(cookie: TrackingSession, site: RequestSite, state: TrackingState | undefined) {
    cookie.write(cookie.fresh(site.tenant.slug, { reference: state?.reference, notice: 'expired' }));
    return this.redirect('/track');
  }

  protected startPage(site: RequestSite, request: FastifyRequest, state: TrackingState, values: { reference: string; email: string }, errors: TrackingError[] = []) {
    const language = site.language;
    return this.pages.render(site, request, 'track/start', {
      pageTitle: this.title(site, 'title', errors),
      heading: this.text(site, 'title'),
      body: [this.text(site, 'intro'), this.text(site, 'how')],
      noEmail: this.text(site, 'noEmail'),
      expired: state.notice === 'expired' ? { titleText: this.text(site, 'important'), heading: this.text(site, 'expiredHeading'), body: this.text(site, 'expiredBody') } : undefined,
      errorSummary: errorSummary(errors, language),
      csrf: this.sessions.csrfToken(state),
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

  protected codePage(site: RequestSite, request: FastifyRequest, state: TrackingState, value: string, errors: TrackingError[] = []) {
    return this.pages.render(site, request, 'track/code', {
      pageTitle: this.title(site, 'codeTitle', errors),
      heading: this.text(site, 'codeTitle'),
      caption: this.text(site, 'title'),
      backLink: { href: '/track', text: this.text(site, 'back') },
      sent: this.text(site, 'codeSent', { email: state.maskedEmail ?? '' }),
      referenceLine: this.text(site, 'codeReference', { reference: formatReference(state.reference!) }),
      errorSummary: errorSummary(errors, site.language),
      csrf: this.sessions.csrfToken(state),
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

  protected reportPage(
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
      csrf: this.sessions.csrfToken(state),
    });
  }
}
