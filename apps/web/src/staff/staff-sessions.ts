import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@front-counter/logging';
import { ApiError } from '../api-client.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { emptyReply, htmlReply, type WebAnswer } from '../pages/web-reply.js';
import type { SessionArea, SessionRouteOptions } from '../sessions/session-area.js';
import { UseSession } from '../sessions/session.interceptor.js';
import { StaffSessionEnded, type StaffContext } from './staff-api.js';
import { StaffCookies, type SessionLookup } from './staff-cookies.js';
import { bodyOf, formExpiredReply, notFoundPage, originOf, reportPathOf, staffHtml, staffRedirect } from './staff-page-controller.js';
import { StaffPages } from './staff-pages.js';
import { STAFF_LOGGER } from './staff-logger.js';
import { csrfMatches, safeReturnTo, type SignInTransaction, type StaffSession } from './staff-session.js';

/**
 * The staff cookies of one request, for the pages that read and write them themselves (signing in
 * and out, and pages that answer whether or not someone is signed in).
 */
export class StaffCookieJar {
  constructor(
    private readonly cookies: StaffCookies,
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
    readonly site: RequestSite,
  ) {}

  get limits() {
    return this.cookies.limits;
  }

  lookup(): SessionLookup {
    return this.cookies.read(this.request, this.site.tenant.slug);
  }

  write(session: StaffSession): void {
    this.cookies.write(this.request, this.reply, this.site.tenant.slug, session);
  }

  clear(): void {
    this.cookies.clear(this.request, this.reply);
  }

  readSignIn(): SignInTransaction | null {
    return this.cookies.readSignIn(this.request, this.site.tenant.slug);
  }

  writeSignIn(transaction: SignInTransaction): void {
    this.cookies.writeSignIn(this.request, this.reply, this.site.tenant.slug, transaction);
  }

  clearSignIn(): void {
    this.cookies.clearSignIn(this.request, this.reply);
  }

  /** Signed out (the cookie cleared), and told why, with the way back to where they were. */
  ended(why: string, returnTo: string): Response {
    this.clear();
    return staffRedirect(`/staff/signed-out?why=${why}&returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
  }
}

/**
 * The staff area's session (the triage pages, administration and the national pages): the session
 * read from its sealed cookie around each request and written back after it (its last use, a
 * refreshed token, the banner for the next page); no (or a tampered) session goes to the start page,
 * an ended one to "You have been signed out", a form without its token is refused; a session the
 * provider ended signs out, and "not found" (or no access) from the api is a missing page.
 */
@Injectable()
export class StaffSessions implements SessionArea<StaffContext | StaffCookieJar> {
  constructor(
    private readonly cookies: StaffCookies,
    private readonly pages: StaffPages,
    @Inject(STAFF_LOGGER) private readonly logger: Logger,
  ) {}

  open(request: FastifyRequest, reply: FastifyReply, site: RequestSite, options: SessionRouteOptions): StaffContext | StaffCookieJar | WebAnswer {
    // Only on the national host; anywhere else these pages do not exist.
    if (options.host === 'national' && !site.national) return htmlReply('Not found', 404);
    const jar = new StaffCookieJar(this.cookies, request, reply, site);
    if (options.optional) return jar;
    const lookup = jar.lookup();
    const returnTo = options.csrf ? reportPathOf(request.url) : request.url;
    const background = options.background?.(request) ?? false;
    if (lookup.kind !== 'active') {
      if (background && request.url.startsWith('/staff/events')) {
        // An ended session's cookie is left for the page's next request, which then says why it ended.
        if (lookup.kind === 'invalid') jar.clear();
        return emptyReply(401, { 'cache-control': 'no-store' });
      }
      if (lookup.kind === 'ended') return jar.ended(lookup.why, returnTo);
      if (lookup.kind === 'invalid') jar.clear();
      return staffRedirect(`/staff?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`);
    }
    const session = lookup.session;
    if (options.csrf && !csrfMatches(session, bodyOf(request)._csrf)) return formExpiredReply(this.pages, site, session);
    const touched = background ? session : { ...session, lastSeenAt: Date.now() };
    return { request, reply, site, session: touched, origin: originOf(request) };
  }

  close(handle: StaffContext | StaffCookieJar): void {
    if (handle instanceof StaffCookieJar || handle.keepCookie) return;
    this.cookies.write(handle.request, handle.reply, handle.site.tenant.slug, handle.session);
  }

  recover(error: unknown, handle: StaffContext | StaffCookieJar): WebAnswer | undefined {
    if (handle instanceof StaffCookieJar) return undefined;
    if (error instanceof StaffSessionEnded) {
      this.logger.info({ requestId: handle.request.id, reason: error.message }, 'staff session ended');
      return new StaffCookieJar(this.cookies, handle.request, handle.reply, handle.site).ended('ended', reportPathOf(handle.request.url));
    }
    if (error instanceof ApiError && error.codes.includes('NOT_FOUND')) {
      this.cookies.write(handle.request, handle.reply, handle.site.tenant.slug, handle.session);
      return staffHtml(this.pages.render(handle.site, 'message', notFoundPage(handle.session)), 404);
    }
    return undefined;
  }
}

/** A signed-in page of the staff area; the handler takes the member's StaffContext with @CurrentSession(). */
export const StaffPage = (options: Omit<SessionRouteOptions, 'csrf' | 'optional'> = {}) => UseSession(StaffSessions, options);

/** A signed-in form post of the staff area: refused as expired without the session's token. */
export const StaffAction = (options: Omit<SessionRouteOptions, 'csrf' | 'optional'> = {}) => UseSession(StaffSessions, { ...options, csrf: true });

/** A staff page that answers whether or not someone is signed in; the handler takes a StaffCookieJar. */
export const StaffCookiesPage = () => UseSession(StaffSessions, { optional: true });
