import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { parseReference } from '@front-counter/public-kit';
import { ApiError } from '../api-client.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { bodyOf } from '../staff/staff-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { StaffAction, StaffPage } from '../staff/staff-sessions.js';
import { AdminApi, type DeliveryStatus } from './admin-api.js';
import { destinationRow, deliveryRow } from './admin-deliveries-view.js';
import { fill } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

const STATUSES: DeliveryStatus[] = ['PENDING', 'DELIVERED', 'DEAD'];
const SHOWN = 100;

type DeliveryFilter = { status: DeliveryStatus | null; report: string | null };

/**
 * A force administrator's back office: the destinations reports go to besides the triage queue
 * (suspend, with a confirmation, and resume), and every delivery with its attempts (send failed ones
 * again). The api decides who may see and do this, and audits each change.
 */
@Controller('admin')
export class AdminDeliveriesController extends AdminPageController {
  constructor(
    pages: StaffPages,
    private readonly admin: AdminApi,
  ) {
    super(pages);
  }

  @Get('back-office')
  @StaffPage()
  async destinations(@CurrentSession() context: StaffContext) {
    const destinations = await this.admin.destinations(context);
    return this.show(context, 'back-office', T.backOffice.title, {
      lead: fill(T.backOffice.lead, { force: context.site.tenant.name.en }),
      destinations: destinations.map(destinationRow),
      csrf: context.session.csrf,
    });
  }

  /** Suspending stops every delivery to the destination: a page of its own, with a box to tick, comes first. */
  @Get('back-office/:name/suspend')
  @StaffPage()
  async confirmSuspend(@Param('name') name: string, @CurrentSession() context: StaffContext) {
    const destination = (await this.admin.destinations(context)).find((candidate) => candidate.name === name && !candidate.retired);
    if (!destination) return this.notFound(context);
    return this.showSuspend(context, destination.name, []);
  }

  @Post('back-office/:name/suspend')
  @StaffAction()
  async suspend(@Param('name') name: string, @CurrentSession() context: StaffContext) {
    if (formValues(bodyOf(context.request), ['confirm']).confirm !== 'yes') return this.showSuspend(context, name, [{ field: 'confirm', text: T.backOffice.suspendMissing }], 400);
    return this.setSuspended(context, name, true);
  }

  @Post('back-office/:name/resume')
  @StaffAction()
  async resume(@Param('name') name: string, @CurrentSession() context: StaffContext) {
    return this.setSuspended(context, name, false);
  }

  @Get('deliveries')
  @StaffPage()
  async deliveries(@Query() query: Record<string, unknown>, @CurrentSession() context: StaffContext) {
    const values = formValues(query, ['status', 'report']);
    const filter = deliveryFilter(values);
    const errors: FieldError[] = 'problem' in filter ? [{ field: 'report', text: T.deliveries.badReference }] : [];
    const deliveries = 'problem' in filter ? [] : await this.admin.deliveries(context, { ...filter, first: SHOWN });
    const rows = deliveries.map(deliveryRow);
    const render = this.pages.renderPartial;
    return this.show(
      context,
      'deliveries',
      T.deliveries.title,
      {
        errors,
        filterFields: [
          render('govuk/select', {
            id: 'status',
            name: 'status',
            label: { text: T.deliveries.status },
            value: values.status,
            items: [{ value: '', text: T.deliveries.anyStatus }, ...STATUSES.map((status) => ({ value: status, text: T.deliveries.statuses[status] }))],
          }),
          render('govuk/input', {
            id: 'report',
            name: 'report',
            label: { text: T.deliveries.report },
            value: values.report,
            classes: 'govuk-input--width-10',
            spellcheck: false,
            errorMessage: errors.length ? { text: errors[0].text } : undefined,
          }),
        ].join(''),
        filtered: Boolean(values.status || values.report),
        shown: fill(T.deliveries.shown, { count: rows.length, limit: SHOWN }),
        rows,
        anyDead: rows.some((row) => row.dead),
        filter: { status: values.status, report: values.report },
        csrf: context.session.csrf,
      },
      errors.length ? 400 : 200,
    );
  }

  /** "Send again": the ticked deliveries, or every dead letter the page showed (found again with the same filter). */
  @Post('deliveries/replay')
  @StaffAction()
  async replay(@CurrentSession() context: StaffContext) {
    const body = bodyOf(context.request);
    const values = formValues(body, ['replay', 'status', 'report']);
    const back = deliveriesPath(values);
    const filter = deliveryFilter(values);
    let ids: string[];
    if (values.replay === 'dead') {
      const shown = 'problem' in filter ? [] : await this.admin.deliveries(context, { ...filter, first: SHOWN });
      ids = shown.filter((delivery) => delivery.status === 'DEAD').map((delivery) => delivery.id);
      if (ids.length === 0) return this.problem(context, T.deliveries.noDeadShown, back);
    } else {
      ids = [body.ids ?? []].flat().filter((id): id is string => typeof id === 'string' && id.length > 0);
      if (ids.length === 0) return this.problem(context, T.deliveries.nothingSelected, back);
    }
    try {
      const { queued, waiting } = await this.admin.replayDeliveries(context, ids);
      this.flash(context, fill(T.deliveries.replayed, { queued, waiting }));
    } catch (error) {
      // "Not found or no access" is the not-found page (StaffSessions); any other answer of the api is shown as the problem it is.
      if (!(error instanceof ApiError) || error.codes.includes('NOT_FOUND')) throw error;
      this.flashProblem(context, fill(T.deliveries.replayFailed, { message: error.errors.map((item) => item.message).join(' ') }));
    }
    return this.redirect(back);
  }

  private async setSuspended(context: StaffContext, name: string, suspended: boolean) {
    try {
      await this.admin.setDestinationSuspended(context, name, suspended);
    } catch (error) {
      // The api's one answer for a missing destination and one that is not this force's.
      if (!(error instanceof ApiError && error.codes.includes('NOT_FOUND'))) throw error;
      return this.problem(context, fill(T.backOffice.notFound, { destination: name }), '/admin/back-office');
    }
    this.flash(context, fill(suspended ? T.backOffice.suspendedDone : T.backOffice.resumedDone, { destination: name }));
    return this.redirect('/admin/back-office');
  }

  private problem(context: StaffContext, text: string, back: string) {
    this.flashProblem(context, text);
    return this.redirect(back);
  }

  private showSuspend(context: StaffContext, name: string, errors: FieldError[], status = 200) {
    return this.show(
      context,
      'suspend',
      fill(T.backOffice.suspendTitle, { destination: name }),
      {
        heading: fill(T.backOffice.suspendTitle, { destination: name }),
        lead: fill(T.backOffice.suspendLead, { destination: name }),
        errors,
        action: `/admin/back-office/${encodeURIComponent(name)}/suspend`,
        confirm: this.pages.renderPartial('govuk/checkboxes', {
          name: 'confirm',
          idPrefix: 'confirm',
          errorMessage: errors.length ? { text: errors[0].text } : undefined,
          items: [{ value: 'yes', text: fill(T.backOffice.suspendConfirm, { destination: name }) }],
        }),
        csrf: context.session.csrf,
      },
      status,
    );
  }
}

/** The list's filter from the page's fields: a status the api knows, and a report reference that is one. */
function deliveryFilter(values: Record<string, string>): DeliveryFilter | { problem: true } {
  const status = STATUSES.find((candidate) => candidate === values.status) ?? null;
  if (!values.report.trim()) return { status, report: null };
  const parsed = parseReference(values.report);
  return 'reference' in parsed ? { status, report: parsed.reference } : { problem: true };
}

function deliveriesPath(values: Record<string, string>): string {
  const query = new URLSearchParams();
  if (STATUSES.includes(values.status as DeliveryStatus)) query.set('status', values.status);
  if (values.report.trim()) query.set('report', values.report.trim().slice(0, 40));
  return query.size ? `/admin/deliveries?${query}` : '/admin/deliveries';
}
