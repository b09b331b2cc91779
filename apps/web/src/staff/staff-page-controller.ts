import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@front-counter/logging';
import { ApiError } from '../api-client.js';
import { seeOther } from '../pages/redirects.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { StaffSessionEnded, type StaffContext } from './staff-api.js';
import { StaffCookies } from './staff-cookies.js';
import type { FieldError } from './staff-forms.js';
import { StaffPages, type StaffHeader } from './staff-pages.js';
import { csrfMatches, safeReturnTo, type StaffSession } from './staff-session.js';
import { STAFF_TEXT as T } from './staff-texts.js';
import { hasTriage, isForceAdmin, isSupervisor, roleText } from './staff-view.js';

type Body = Record<string, unknown>;

/** Where a member's pages start: the queue for triage staff, administration for a force administrator. */
export function homeLink(roles: string[]): { href: string; text: string } {
  if (roles.includes('national-admin')) return { href: '/national', text: T.notFound.nationalLink };
  return hasTriage(roles) || !isForceAdmin(roles) ? { href: '/staff/queue', text: T.notFound.queueLink } : { href: '/admin', text: T.notFound.adminLink };
}

/**
 * What every signed-in staff page shares (the triage pages under /staff and the administration pages
 * under /admin): the session read from its sealed cookie around each request, the forms' token, a
 * session that ended, "page not found" for anything missing or not allowed, and the answers.
 */
export abstract class StaffPageController {
  protected constructor(
    protected readonly pages: StaffPages,
    protected readonly cookies: StaffCookies,
    protected readonly logger: Logger,
  ) {}

  protected notFoundPage(context: StaffContext | null) {
    return {
      pageTitle: T.notFound.title,
      staff: context ? this.header(context) : undefined,
      heading: T.notFound.title,
      paragraphs: [T.notFound.body],
      links: context ? [homeLink(context.session.roles)] : [],
    };
  }

  protected notFound(context: StaffContext) {
    return this.html(context.reply, this.pages.render(context.site, 'message', this.notFoundPage(context)), 404, context);
  }


  protected formExpired(site: RequestSite, reply: FastifyReply, session?: StaffSession) {
    return this.html(
      reply,
      this.pages.render(site, 'message', {
        pageTitle: T.formExpired.title,
        staff: session ? this.header({ session }) : undefined,
        heading: T.formExpired.title,
        paragraphs: [T.formExpired.body],
        links: session ? [homeLink(session.roles)] : [{ href: '/staff', text: T.formExpired.queueLink }],
      }),
      403,
    );
  }

  protected header(context: Pick<StaffContext, 'session'>, current?: StaffHeader['current']): StaffHeader {
    const { session } = context;
    return { name: session.name, role: roleText(session.roles), csrf: session.csrf, supervisor: isSupervisor(session.roles), triage: hasTriage(session.roles), admin: isForceAdmin(session.roles), national: session.roles.includes('national-admin'), current };
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

  // ---------------------------------------------------------------------------------------------
  // The session around each request

  /**
   * The signed-in member's request, or null once answered: no (or a tampered) session goes to the
   * start page, an ended one to "You have been signed out", a form without its token is refused.
   */
  protected open(site: RequestSite, request: FastifyRequest, reply: FastifyReply, options: { post?: boolean; background?: boolean } = {}): StaffContext | null {
    const lookup = this.cookies.read(request, site.tenant.slug);
    const returnTo = options.post ? reportPathOf(request.url) : request.url;
    if (lookup.kind !== 'active') {
      if (options.background && request.url.startsWith('/staff/events')) {
        // An ended session's cookie is left for the page's next request, which then says why it ended.
        if (lookup.kind === 'invalid') this.cookies.clear(request, reply);
        void reply.code(401).header('cache-control', 'no-store').send();
      } else if (lookup.kind === 'ended') {
        this.ended(request, reply, lookup.why, returnTo);
      } else {
        if (lookup.kind === 'invalid') this.cookies.clear(request, reply);
        this.redirect(reply, `/staff?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
      }
      return null;
    }
    const session = lookup.session;
    if (options.post && !csrfMatches(session, bodyOf(request)._csrf)) {
      this.formExpired(site, reply, session);
      return null;
    }
    const touched = options.background ? session : { ...session, lastSeenAt: Date.now() };
    return { request, reply, site, session: touched, origin: originOf(request) };
  }

  /** Runs a page's work; an ended session signs out, and "not found" (or no access) is a missing page. */
  protected async run(context: StaffContext, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (error) {
      if (error instanceof StaffSessionEnded) {
        this.logger.info({ requestId: context.request.id, reason: error.message }, 'staff session ended');
        this.cookies.clear(context.request, context.reply);
        return this.ended(context.request, context.reply, 'ended', reportPathOf(context.request.url));
      }
      if (error instanceof ApiError && error.codes.includes('NOT_FOUND')) return this.notFound(context);
      throw error;
    }
  }

  protected ended(request: FastifyRequest, reply: FastifyReply, why: string, returnTo: string) {
    this.cookies.clear(request, reply);
    return this.redirect(reply, `/staff/signed-out?why=${why}&returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
  }

  protected writeSession(context: StaffContext | undefined) {
    if (context) this.cookies.write(context.request, context.reply, context.site.tenant.slug, context.session);
  }

  protected html(reply: FastifyReply, html: string, status = 200, context?: StaffContext) {
    this.writeSession(context);
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow').send(html);
  }

  /** Only ever to a path on this site (see seeOther), else the staff start page. */
  protected redirect(reply: FastifyReply, location: string, context?: StaffContext) {
    this.writeSession(context);
    return seeOther(reply, location, '/staff');
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
