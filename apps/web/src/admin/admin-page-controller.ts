import type { StaffContext } from '../staff/staff-api.js';
import type { FieldError } from '../staff/staff-forms.js';
import { errorSummary, StaffPageController } from '../staff/staff-page-controller.js';
import { STAFF_TEXT } from '../staff/staff-texts.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

/** The administration pages' share of the staff pages' plumbing: a page of pages/admin. */
export abstract class AdminPageController extends StaffPageController {
  protected show(context: StaffContext, page: string, title: string, data: Record<string, unknown>, status = 200) {
    const errors = (data.errors as FieldError[] | undefined) ?? [];
    const problem = this.takeFlashProblem(context);
    const summary = errorSummary(errors);
    return this.html(
      this.pages.render(context.site, page.includes('/') ? page : `admin/${page}`, {
        pageTitle: `${errors.length || problem ? 'Error: ' : ''}${title}`,
        admin: T,
        staff: this.header(context, 'admin'),
        banner: this.takeFlash(context),
        // A problem left by the last action (Post/Redirect/Get) heads the error summary; it names no field.
        errorSummary: problem ? { titleText: summary?.titleText ?? STAFF_TEXT.errorTitle, errorList: [{ text: problem }, ...(summary?.errorList ?? [])] } : summary,
        ...data,
      }),
      status,
    );
  }
}
