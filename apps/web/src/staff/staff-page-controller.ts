import type { FastifyRequest } from 'fastify';
import { htmlReply, type PageReply } from '../pages/web-reply.js';
import { redirectTo } from '../pages/redirects.js';
import type { RequestSite } from '../pages/page-renderer.js';
import type { StaffContext } from './staff-api.js';
import type { FieldError } from './staff-forms.js';
import { StaffPages, type StaffHeader } from './staff-pages.js';
import type { StaffSession } from './staff-session.js';
import { STAFF_TEXT as T } from './staff-texts.js';
import { hasTriage, isForceAdmin, isSupervisor, roleText } from './staff-view.js';

type Body = Record<string, unknown>;

/** Where a member's pages start: the queue for triage staff, administration for a force administrator. */
export function homeLink(roles: string[]): { href: string; text: string } {
  if (roles.includes('national-admin')) return { href: '/national', text: T.notFound.nationalLink };
  return hasTriage(roles) || !isForceAdmin(roles) ? { href: '/staff/queue', text: T.notFound.queueLink } : { href: '/admin', text: T.notFound.adminLink };
}

/** The header line of a signed-in page: who, in what role, the sign-out form's token, and the sections they may use. */
export function staffHeader(session: StaffSession, current?: StaffHeader['current']): StaffHeader {
  return { name: session.name, role: roleText(session.roles), csrf: session.csrf, supervisor: isSupervisor(session.roles), triage: hasTriage(session.roles), admin: isForceAdmin(session.roles), national: session.roles.includes('national-admin'), current };
}

/** A staff page: never cached, never indexed. */
export function staffHtml(html: string, status = 200): PageReply {
  return htmlReply(html, status, { 'cache-control': 'no-store', 'x-robots-tag': 'noindex, nofollow' });
}

/** Only ever to a path on this site (see redirectTo), else the staff start page. */
export function staffRedirect(location: string): Response {
  return redirectTo(location, '/staff');
}

/** "Page not found", the same for anything missing or not allowed. */
export function notFoundPage(session: StaffSession | null) {
  return {
    pageTitle: T.notFound.title,
    staff: session ? staffHeader(session) : undefined,
    heading: T.notFound.title,
    paragraphs: [T.notFound.body],
    links: session ? [homeLink(session.roles)] : [],
  };
}

/** A form without its token (or an old one): refused with a page saying so. */
export function formExpiredReply(pages: StaffPages, site: RequestSite, session?: StaffSession): PageReply {
  return staffHtml(
    pages.render(site, 'message', {
      pageTitle: T.formExpired.title,
      staff: session ? staffHeader(session) : undefined,
      heading: T.formExpired.title,
      paragraphs: [T.formExpired.body],
      links: session ? [homeLink(session.roles)] : [{ href: '/staff', text: T.formExpired.queueLink }],
    }),
    403,
  );
}

/**
 * What every signed-in staff page shares (the triage pages under /staff, the administration pages
 * under /admin and the national pages): the session itself is opened and written back by
 * StaffSessions (see @UseSession); these are the replies, the header and the success banner.
 */
export abstract class StaffPageController {
  protected constructor(protected readonly pages: StaffPages) {}

  protected notFound(context: Pick<StaffContext, 'site' | 'session'>) {
    return staffHtml(this.pages.render(context.site, 'message', notFoundPage(context.session)), 404);
  }

  protected formExpired(site: RequestSite, session?: StaffSession) {
    return formExpiredReply(this.pages, site, session);
  }

  protected header(context: Pick<StaffContext, 'session'>, current?: StaffHeader['current']): StaffHeader {
    return staffHeader(context.session, current);
  }

  protected flash(context: StaffContext, text: string) {
    context.session = { ...context.session, flash: text };
  }

  /** The success banner left by the last action (shown once). */
  protected takeFlash(context: StaffContext) {
    const text = context.session.flash;
    if (!text) return undefined;
    const { flash: _shown, ...rest } = context.session;
    context.session = rest;
    return { type: 'success', titleText: T.successTitle, text };
  }

  /** An action that was refused or failed: its words go in the next page's error summary, not a success banner. */
  protected flashProblem(context: StaffContext, text: string) {
    context.session = { ...context.session, flashProblem: text };
  }

  /** The problem left by the last action (shown once). */
  protected takeFlashProblem(context: StaffContext): string | undefined {
    const text = context.session.flashProblem;
    if (!text) return undefined;
    const { flashProblem: _shown, ...rest } = context.session;
    context.session = rest;
    return text;
  }

  protected html(html: string, status = 200) {
    return staffHtml(html, status);
  }

  protected redirect(location: string) {
    return staffRedirect(location);
  }
}

export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? ''}`;
}

export function bodyOf(request: FastifyRequest): Body {
  return request.body && typeof request.body === 'object' ? (request.body as Body) : {};
}

/** For a report action, the report's own address (where to come back to after signing in again). */
export function reportPathOf(url: string): string {
  const match = /^\/staff\/reports\/[^/?]+/.exec(url);
  return match ? match[0] : url.split('?')[0];
}

export function errorSummary(errors: FieldError[]) {
  if (errors.length === 0) return undefined;
  return { titleText: T.errorTitle, errorList: errors.map((error) => ({ text: error.text, href: `#${error.field}` })) };
}
