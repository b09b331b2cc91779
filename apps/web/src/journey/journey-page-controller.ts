import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@front-counter/config';
import type { FieldError, PageDefinition } from '@front-counter/forms';
import { ApiError } from '../api-client.js';
import { WebBadRequest } from '../bad-requests/bad-request.js';
import { translate } from '../i18n/messages.js';
import type { PageRenderer, RequestSite } from '../pages/page-renderer.js';
import { localPathOr, redirectTo } from '../pages/redirects.js';
import { htmlReply, jsonReply } from '../pages/web-reply.js';
import type { Journey, JourneyApi } from './journey-api.js';
import type { JourneySession, JourneySessions } from './journey-sessions.js';
import { UploadFlash } from './upload-flash.js';

export const SERVICE = /^[a-z][a-z0-9-]{1,60}$/;
export const PAGE = /^[a-zA-Z][a-zA-Z0-9-]{0,80}$/;
export type Body = Record<string, string | string[] | undefined>;

/** The ids of a page's file questions. */
export function fileQuestionIds(page: PageDefinition): string[] {
  return page.type === 'question' ? page.questions.filter((question) => question.type === 'file').map((question) => question.id) : [];
}

/** 2.4 MB, 830 KB: how big a file is, as people say it. */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * A page's answers: the fields the site adds to every form (`_csrf`) are never passed on, and a list
 * is refused where no question of the page takes one (only checkboxes do): no page of ours sends it.
 */
export function answerValues(body: unknown, page: PageDefinition): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  const values = Object.entries(body as Body).filter(([field, value]) => !field.startsWith('_') && value !== undefined) as [string, string | string[]][];
  const lists = new Set('questions' in page ? page.questions.filter((question) => question.type === 'checkboxes').map((question) => question.id) : []);
  if (values.some(([field, value]) => Array.isArray(value) && !lists.has(field))) throw new WebBadRequest('malformed-form');
  return Object.fromEntries(values);
}

/**
 * What the journey's pages share: replies, where an api refusal sends the reporter, and loading the
 * session's journey and form for a page. Every answer goes to the api, which validates it again and
 * decides where to go next.
 */
export abstract class JourneyPageController {
  protected constructor(
    protected readonly api: JourneyApi,
    protected readonly pages: PageRenderer,
    protected readonly config: AppConfig,
    protected readonly sessions: JourneySessions,
  ) {}

  protected html(html: string, status = 200) {
    return htmlReply(html, status);
  }

  /** Only ever to a path on this site (see redirectTo), else the home page. */
  protected redirect(location: string) {
    return redirectTo(location, '/');
  }

  /**
   * Where to go after a post: a redirect, or for the pages' upload script (which cannot stop
   * XMLHttpRequest following a redirect) the address as JSON, which it then navigates to.
   */
  protected navigate(request: FastifyRequest, location: string) {
    if (!UploadFlash.fromScript(request)) return this.redirect(location);
    return jsonReply({ location: localPathOr(location, '/') }, 200, { 'cache-control': 'no-store' });
  }

  /** A page's errors after a post from the upload script: kept for the page's next view, which the script opens. */
  protected flashErrors(request: FastifyRequest, sessions: JourneySession, path: string, query: string, errors: FieldError[]) {
    sessions.writeFlash(path, errors.map((error) => ({ field: error.field, questionId: error.questionId, message: error.message })));
    return this.navigate(request, `${path}${query}`);
  }

  protected text(site: RequestSite, key: string, params: Record<string, string | number> = {}) {
    return translate(site.language, `journey.${key}`, params) as string;
  }

  protected async service(site: RequestSite, request: FastifyRequest, serviceId: string) {
    if (!SERVICE.test(serviceId)) return undefined;
    return (await this.api.services(request)).find((service) => service.id === serviceId);
  }

  /** Errors from the api that mean "start again" or "go where you belong", rather than a failure. */
  protected async recover(error: unknown, serviceId: string, journey?: Journey) {
    if (error instanceof ApiError) {
      if (error.codes.includes('JOURNEY_NOT_FOUND') || error.codes.includes('SERVICE_NOT_FOUND')) return this.redirect(`/${serviceId}`);
      if (error.codes.includes('PAGE_NOT_AVAILABLE') && journey) return this.redirect(`/${serviceId}/${journey.current}`);
      // A form no page of ours would post (too many fields, lists where text belongs): a clear 400, nothing stored.
      if (error.codes.includes('INVALID_ANSWER')) throw new WebBadRequest('malformed-form');
    }
    throw error;
  }

  /** Loads the session's journey and form, or answers with the redirect that puts the reporter right. */
  protected async load(request: FastifyRequest, sessions: JourneySession, serviceId: string, pageId: string) {
    const session = sessions.current();
    if (!session || !SERVICE.test(serviceId) || !PAGE.test(pageId)) return { redirect: this.redirect(`/${SERVICE.test(serviceId) ? serviceId : ''}`) };
    const journey = await this.api.journey(request, serviceId, session);
    if (!journey) return { redirect: this.redirect(`/${serviceId}`) };
    if (journey.reference) return { redirect: this.redirect(`/${serviceId}/confirmation`) };
    const form = await this.api.form(request, journey.formVersionId);
    const page = form.pages.find((candidate) => candidate.id === pageId);
    if (!page || !journey.path.includes(pageId)) return { redirect: this.redirect(`/${serviceId}/${journey.current}`) };
    return { session, journey, form, page };
  }
}
