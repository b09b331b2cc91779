import { Controller, Get, Inject, Post, Query } from '@nestjs/common';
import type { Logger } from '@front-counter/logging';
import { ApiError } from '../api-client.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { redirectToProvider } from '../pages/redirects.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { StaffApi } from './staff-api.js';
import { bodyOf, formExpiredReply, homeLink, originOf, staffHtml, staffRedirect } from './staff-page-controller.js';
import { StaffPages } from './staff-pages.js';
import { STAFF_LOGGER } from './staff-logger.js';
import { csrfMatches, newCsrfToken, safeReturnTo, type StaffSession } from './staff-session.js';
import { StaffCookieJar, StaffCookiesPage } from './staff-sessions.js';
import { SignInFailed, StaffSignIn } from './staff-sign-in.js';
import { fill, STAFF_TEXT as T } from './staff-texts.js';
import { hasTriage } from './staff-view.js';

type Query = Record<string, unknown>;

/**
 * Signing in to the staff pages through the force's own provider, and out again. The force is the
 * signed-in member's token's (the api decides from it); the pages answer only on that force's own
 * site, since the session cookie is sealed for it.
 */
@Controller('staff')
export class StaffSignInController {
  constructor(
    private readonly pages: StaffPages,
    private readonly signIn: StaffSignIn,
    private readonly api: StaffApi,
    @Inject(STAFF_LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @StaffCookiesPage()
  start(@Query('returnTo') returnTo: unknown, @CurrentSession() cookies: StaffCookieJar) {
    const { site } = cookies;
    const lookup = cookies.lookup();
    if (lookup.kind === 'active') return staffRedirect(siteReturnTo(site, returnTo));
    if (lookup.kind === 'ended') return cookies.ended(lookup.why, siteReturnTo(site, returnTo));
    return staffHtml(
      this.pages.render(site, 'message', {
        pageTitle: T.start.title,
        heading: T.start.title,
        paragraphs: [fill(T.start.body, { force: site.tenant.name.en })],
        button: { text: T.start.button, href: signInHref(returnTo), isStartButton: true },
      }),
    );
  }

  @Get('sign-in')
  @StaffCookiesPage()
  async beginSignIn(@Query() query: Query, @CurrentSession() cookies: StaffCookieJar) {
    const { site, request } = cookies;
    const returnTo = siteReturnTo(site, query.returnTo);
    const chooseAccount = query.account === 'choose';
    if (!chooseAccount && cookies.lookup().kind === 'active') return staffRedirect(returnTo);
    const settings = await this.signIn.settings(request);
    let begun;
    try {
      begun = await this.signIn.begin(settings, originOf(request), returnTo, { chooseAccount });
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.logger.warn({ requestId: request.id, reason: error.reason }, 'staff sign-in is not set up for this force');
      // Nothing the person signing in can retry: the force's identity issuer is missing from its tenant data.
      return this.signInProblem(site, [T.signInProblem[error.reason]], 503, { title: T.signInProblem.notConfiguredTitle, retry: false });
    }
    const { url, transaction } = begun;
    cookies.writeSignIn(transaction);
    return redirectToProvider(url);
  }

  @Get('callback')
  @StaffCookiesPage()
  async callback(@CurrentSession() cookies: StaffCookieJar) {
    const { site, request } = cookies;
    const force = site.tenant.slug;
    const transaction = cookies.readSignIn();
    cookies.clearSignIn();
    const settings = await this.signIn.settings(request);
    let tokens;
    try {
      tokens = await this.signIn.finish(settings, originOf(request), request.url, transaction);
    } catch (error) {
      if (!(error instanceof SignInFailed)) throw error;
      this.logger.info({ requestId: request.id, reason: error.reason, err: error.cause instanceof Error ? error.cause : undefined }, 'staff sign-in did not complete');
      return this.signInProblem(site, [T.signInProblem[error.reason]], error.reason === 'cancelled' ? 200 : 400);
    }
    const member = await (site.national ? this.api.nationalMe(request, tokens.accessToken) : this.api.me(request, tokens.accessToken)).catch((error: unknown) => {
      if (error instanceof ApiError && error.codes.includes('NOT_FOUND')) return null;
      throw error;
    });
    // No role here (the api answers "not found"), or an account of another force (a shared provider).
    if (!member || (site.national ? member.force !== null : member.force !== force)) {
      this.logger.info({ requestId: request.id, force: member?.force ?? null }, 'staff sign-in refused: no staff access to this force');
      const name = tokens.name ?? member?.name ?? '';
      return this.signInProblem(site, [fill(T.signInProblem.noAccess, { name, force: site.tenant.name.en })], 403, { otherAccount: true });
    }
    const now = Date.now();
    const session: StaffSession = {
      accessToken: tokens.accessToken,
      accessExpiresAt: tokens.accessExpiresAt,
      refreshToken: tokens.refreshToken,
      idToken: tokens.idToken,
      subject: member.subject,
      name: member.name ?? tokens.name ?? member.subject,
      roles: member.roles,
      createdAt: now,
      lastSeenAt: now,
      csrf: newCsrfToken(),
    };
    cookies.write(session);
    // A force administrator without triage starts at administration rather than a queue they cannot see.
    const returnTo = site.national ? (transaction!.returnTo.startsWith('/national') ? transaction!.returnTo : '/national') : transaction!.returnTo === '/staff/queue' && !hasTriage(member.roles) ? homeLink(member.roles).href : transaction!.returnTo;
    return staffRedirect(returnTo);
  }

  @Post('sign-out')
  @StaffCookiesPage()
  async signOut(@CurrentSession() cookies: StaffCookieJar) {
    const { site, request } = cookies;
    const lookup = cookies.lookup();
    const session = lookup.kind === 'active' || lookup.kind === 'ended' ? lookup.session : null;
    if (!session) {
      cookies.clear();
      return staffRedirect('/staff/signed-out');
    }
    if (!csrfMatches(session, bodyOf(request)._csrf)) return formExpiredReply(this.pages, site, lookup.kind === 'active' ? session : undefined);
    cookies.clear();
    let endSession: string | null = null;
    try {
      endSession = await this.signIn.endSessionUrl(await this.signIn.settings(request), originOf(request), session.idToken);
    } catch (error) {
      // Signed out here whatever the provider says; its own session ends when it expires.
      this.logger.warn({ requestId: request.id, err: error }, 'could not reach the sign-in provider to end its session');
    }
    if (!endSession) return staffRedirect('/staff/signed-out');
    // Browsers apply the page's CSP form-action ('self') to a form's redirects, so a 303 to the provider
    // would be blocked: this page goes on to it at once (no script needed), with a link as well.
    return staffHtml(
      this.pages.render(site, 'message', {
        pageTitle: T.signingOut.title,
        refreshTo: endSession,
        heading: T.signingOut.title,
        paragraphs: [T.signingOut.body],
        links: [{ href: endSession, text: T.signingOut.link }],
      }),
    );
  }

  @Get('signed-out')
  @StaffCookiesPage()
  signedOut(@Query() query: Query, @CurrentSession() cookies: StaffCookieJar) {
    const { idleMinutes, absoluteHours } = cookies.limits;
    const why = typeof query.why === 'string' ? query.why : '';
    const explanation =
      why === 'idle' ? fill(T.signedOut.idle, { minutes: idleMinutes }) : why === 'absolute' ? fill(T.signedOut.absolute, { hours: absoluteHours }) : why === 'ended' ? T.signedOut.ended : T.signedOut.byYou;
    return staffHtml(
      this.pages.render(cookies.site, 'message', {
        pageTitle: T.signedOut.title,
        heading: T.signedOut.title,
        paragraphs: [explanation],
        button: { text: T.signedOut.button, href: signInHref(query.returnTo) },
      }),
    );
  }

  private signInProblem(
    site: RequestSite,
    paragraphs: string[],
    status: number,
    { title = T.signInProblem.title, retry = true, otherAccount = false }: { title?: string; retry?: boolean; otherAccount?: boolean } = {},
  ) {
    return staffHtml(
      this.pages.render(site, 'message', {
        pageTitle: title,
        heading: title,
        paragraphs,
        button: retry ? { text: T.signInProblem.button, href: '/staff/sign-in' } : undefined,
        links: otherAccount ? [{ href: '/staff/sign-in?account=choose', text: T.signInProblem.otherAccount }] : [],
      }),
      status,
    );
  }
}

/** Where to go once signed in: a staff or administration page, or on the national host one of its own. */
function siteReturnTo(site: RequestSite, returnTo: unknown): string {
  const safe = safeReturnTo(returnTo);
  return site.national && !safe.startsWith('/national') ? '/national' : safe;
}

function signInHref(returnTo: unknown): string {
  return typeof returnTo === 'string' && returnTo ? `/staff/sign-in?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}` : '/staff/sign-in';
}
