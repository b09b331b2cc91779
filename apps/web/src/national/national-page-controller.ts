import type { StaffContext } from '../staff/staff-api.js';
import type { FieldError } from '../staff/staff-forms.js';
import { errorSummary, StaffPageController } from '../staff/staff-page-controller.js';
import { StaffSessions } from '../staff/staff-sessions.js';
import { UseSession } from '../sessions/session.interceptor.js';

export const SLUG = /^[a-z][a-z0-9-]{1,39}$/;

/** A signed-in page of the national programme team: only on the national host; anywhere else it does not exist. */
export const NationalPage = () => UseSession(StaffSessions, { host: 'national' });

/** A signed-in form post of the national pages, with its token. */
export const NationalAction = () => UseSession(StaffSessions, { host: 'national', csrf: true });

/** The national pages' share of the staff pages' plumbing: a page of pages/national. */
export abstract class NationalPageController extends StaffPageController {
  protected show(context: StaffContext, page: string, title: string, data: Record<string, unknown>, status = 200) {
    const errors = (data.errors as FieldError[] | undefined) ?? [];
    return this.html(
      this.pages.render(context.site, `national/${page}`, {
        pageTitle: `${errors.length ? 'Error: ' : ''}${title}`,
        staff: this.header(context, 'national'),
        banner: this.takeFlash(context),
        errorSummary: errorSummary(errors),
        ...data,
      }),
      status,
    );
  }
}
