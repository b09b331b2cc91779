import type { WebAnswer } from '../pages/web-reply.js';
import { Controller, Get, Param, Post } from '@nestjs/common';
import { formatReference } from '@front-counter/public-kit';
import { ApiError } from '../api-client.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { StaffApi, type StaffContext } from './staff-api.js';
import { DECISION_FIELDS, formValues, parseDecision, parseThrive, THRIVE_FIELDS } from './staff-forms.js';
import { bodyOf, notFoundPage } from './staff-page-controller.js';
import { StaffPages } from './staff-pages.js';
import { StaffReportPageController } from './staff-report-page.js';
import { StaffAction, StaffCookieJar, StaffCookiesPage } from './staff-sessions.js';
import { fill, STAFF_TEXT as T } from './staff-texts.js';
import { openingReason, referenceFromPath, reportHref, type OpeningReason } from './staff-view.js';

/** Api refusals a handler can act on (shown on the page); anything else is a failure. */
const USER_ERRORS = new Set(['CLAIMED_BY_OTHER', 'CLAIM_REQUIRED', 'THRIVE_REQUIRED', 'INVALID_DECISION', 'BAD_USER_INPUT']);
const LINK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORCE_SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * What staff do to a report: claim or release it, record its THRIVE assessment, decide, and confirm
 * or dismiss a possible duplicate. Each is a form post with its token, carrying the reason the report
 * was opened for; a refusal the api explains is shown on the report, anything else is a failure.
 */
@Controller('staff')
export class StaffReportActionsController extends StaffReportPageController {
  constructor(pages: StaffPages, api: StaffApi) {
    super(pages, api);
  }

  @Post('reports/:reference/claim')
  @StaffAction()
  claim(@Param('reference') raw: string, @CurrentSession() context: StaffContext) {
    return this.act(context, raw, async (reference, reason) => {
      const takeOver = bodyOf(context.request).takeOver === 'yes';
      const refused = await this.userError(this.api.claim(context, reference, takeOver));
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'claim', text: refused }], status: 409 });
      this.flash(context, fill(takeOver ? T.banners.tookOver : T.banners.claimed, { reference: formatReference(reference) }));
      return this.redirect(reportHref(reference, reason.query));
    });
  }

  @Post('reports/:reference/release')
  @StaffAction()
  release(@Param('reference') raw: string, @CurrentSession() context: StaffContext) {
    return this.act(context, raw, async (reference, reason) => {
      const refused = await this.userError(this.api.release(context, reference));
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'claim', text: refused }], status: 409 });
      this.flash(context, fill(T.banners.released, { reference: formatReference(reference) }));
      return this.redirect(reportHref(reference, reason.query));
    });
  }

  @Post('reports/:reference/thrive')
  @StaffAction()
  thrive(@Param('reference') raw: string, @CurrentSession() context: StaffContext) {
    return this.act(context, raw, async (reference, reason) => {
      const values = formValues(context.request.body, THRIVE_FIELDS);
      const parsed = parseThrive(values);
      if ('errors' in parsed) return this.showReport(context, reference, reason, { errors: parsed.errors, values, form: 'thrive', status: 400 });
      const refused = await this.userError(this.api.recordThrive(context, reference, parsed.thrive));
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'thrive', text: refused }], values, form: 'thrive', status: 409 });
      this.flash(context, T.banners.thrive);
      return this.redirect(reportHref(reference, reason.query));
    });
  }

  @Post('reports/:reference/decide')
  @StaffAction()
  decide(@Param('reference') raw: string, @CurrentSession() context: StaffContext) {
    return this.act(context, raw, async (reference, reason) => {
      const values = formValues(context.request.body, DECISION_FIELDS);
      const parsed = parseDecision(values, (slug) => FORCE_SLUG.test(slug));
      if ('errors' in parsed) return this.showReport(context, reference, reason, { errors: parsed.errors, values, form: 'decide', status: 400 });
      let stays = true;
      const refused = await this.userError(
        this.api.decide(context, reference, parsed.decision).then((kept) => {
          stays = kept;
        }),
      );
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'decision-form', text: refused }], values, form: 'decide', status: 409 });
      if (!stays) {
        const forces = await this.api.transferDestinations(context);
        const force = forces.find((candidate) => candidate.slug === parsed.decision.toForce)?.name.en ?? parsed.decision.toForce ?? '';
        this.flash(context, fill(T.queue.transferred, { reference: formatReference(reference), force }));
        return this.redirect('/staff/queue');
      }
      this.flash(context, fill(T.banners.decided, { decision: T.decision.options[parsed.decision.decision].toLowerCase() }));
      return this.redirect(reportHref(reference, reason.query));
    });
  }

  @Post('reports/:reference/duplicates/:link')
  @StaffAction()
  duplicate(@Param('reference') raw: string, @Param('link') link: string, @CurrentSession() context: StaffContext) {
    return this.act(context, raw, async (reference, reason) => {
      const choice = bodyOf(context.request).decision;
      if (!LINK_ID.test(link) || (choice !== 'confirm' && choice !== 'dismiss')) return this.notFound(context);
      let other: string | undefined;
      const refused = await this.userError(
        this.api.resolveDuplicate(context, link, choice === 'confirm').then((found) => {
          other = found;
        }),
      );
      if (refused) return this.showReport(context, reference, reason, { errors: [{ field: 'duplicates', text: refused }], status: 409 });
      this.flash(context, fill(choice === 'confirm' ? T.banners.duplicateConfirmed : T.banners.duplicateDismissed, { other: other ? formatReference(other) : '' }));
      return this.redirect(reportHref(reference, reason.query));
    });
  }

  /** Any other address under /staff: the same "page not found" as a report or page one may not see. */
  @Get('*')
  @StaffCookiesPage()
  missing(@CurrentSession() cookies: StaffCookieJar) {
    const lookup = cookies.lookup();
    const session = lookup.kind === 'active' ? lookup.session : null;
    if (session) cookies.write(session);
    return this.html(this.pages.render(cookies.site, 'message', notFoundPage(session)), 404);
  }

  /** An action on a report: the reference checked, and the reason it was opened for carried along. */
  private async act(context: StaffContext, raw: string, work: (reference: string, reason: OpeningReason) => Promise<WebAnswer>) {
    const reference = referenceFromPath(raw);
    if (!reference) return this.notFound(context);
    const reason = openingReason(bodyOf(context.request));
    // Forms always carry the reason; without one, the report asks for it again before anything changes.
    if (!reason || 'errors' in reason) return this.redirect(reportHref(reference));
    return work(reference, reason.reason);
  }

  /** The api's message when it refused the action for a reason the handler can act on; undefined when it worked. */
  private async userError(action: Promise<unknown>): Promise<string | undefined> {
    try {
      await action;
      return undefined;
    } catch (error) {
      if (error instanceof ApiError && error.codes.every((code) => USER_ERRORS.has(code))) return error.errors.map((item) => item.message).join(' ');
      throw error;
    }
  }
}
