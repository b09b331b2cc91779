import { Controller, Get, Param, Query } from '@nestjs/common';
import { formatReference } from '@front-counter/public-kit';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { StaffApi, type StaffContext } from './staff-api.js';
import { StaffPages } from './staff-pages.js';
import { StaffReportPageController } from './staff-report-page.js';
import { StaffPage } from './staff-sessions.js';
import { fill, STAFF_TEXT as T } from './staff-texts.js';
import { auditTable, openingReason, referenceFromPath, reportHref } from './staff-view.js';

type Query = Record<string, unknown>;

const EVIDENCE_HEADERS = ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'cache-control', 'content-security-policy'];

/** Reading a report: the reason it is opened for, the report, its files and (supervisors) its audit trail. */
@Controller('staff')
export class StaffReportController extends StaffReportPageController {
  constructor(pages: StaffPages, api: StaffApi) {
    super(pages, api);
  }

  @Get('reports/:reference')
  @StaffPage()
  async report(@Param('reference') raw: string, @Query() query: Query, @CurrentSession() context: StaffContext) {
    const reference = referenceFromPath(raw);
    if (!reference) return this.notFound(context);
    const reason = openingReason(query);
    if (!reason || 'errors' in reason) return this.reasonPage(context, reference, reason ?? undefined);
    return this.showReport(context, reference, reason.reason);
  }

  /**
   * A file of a report, through a signed link the api made for this staff member (valid minutes): only
   * for a signed-in member of this force, streamed through as the api serves it (attachment, nosniff).
   */
  @Get('evidence/:token')
  @StaffPage()
  async evidenceFile(@Param('token') token: string, @CurrentSession() context: StaffContext) {
    const response = /^[\w-]+\.[\w-]+$/.test(token) && token.length < 2000 ? await this.api.evidence(context, token) : null;
    if (!response?.ok || !response.body) {
      await response?.body?.cancel();
      return this.notFound(context);
    }
    const headers = new Headers();
    for (const header of EVIDENCE_HEADERS) {
      const value = response.headers.get(header);
      if (value) headers.set(header, value);
    }
    // As before: streaming a file leaves the session's cookie as it was.
    context.keepCookie = true;
    return new Response(response.body, { status: 200, headers });
  }

  /** Supervisors: who has opened or changed the report. Anyone else gets the missing page (the api's answer). */
  @Get('reports/:reference/audit')
  @StaffPage()
  async auditTrail(@Param('reference') raw: string, @Query() query: Query, @CurrentSession() context: StaffContext) {
    const reference = referenceFromPath(raw);
    if (!reference) return this.notFound(context);
    const entries = await this.api.auditTrail(context, reference);
    const reason = openingReason(query);
    const heading = fill(T.audit.title, { reference: formatReference(reference) });
    return this.html(
      this.pages.render(context.site, 'audit', {
        pageTitle: heading,
        staff: this.header(context),
        heading,
        backHref: reportHref(reference, reason && !('errors' in reason) ? reason.reason.query : undefined),
        table: auditTable(entries),
      }),
    );
  }
}
