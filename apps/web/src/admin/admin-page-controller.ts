import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestSite } from '../pages/page-renderer.js';
import type { StaffContext } from '../staff/staff-api.js';
import type { FieldError } from '../staff/staff-forms.js';
import { errorSummary, StaffPageController } from '../staff/staff-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

/** The administration pages' share of the staff pages' plumbing: a page, a form post, and a page of pages/admin. */
export abstract class AdminPageController extends StaffPageController {
  /** A signed-in page: its work, with an ended session and "not found" (or not allowed) handled. */
  protected async page(site: RequestSite, request: FastifyRequest, reply: FastifyReply, work: (context: StaffContext) => Promise<unknown>) {
    const context = this.open(site, request, reply);
    if (!context) return;
    await this.run(context, () => work(context));
  }

  /** A signed-in form post with its token. */
  protected async action(site: RequestSite, request: FastifyRequest, reply: FastifyReply, work: (context: StaffContext) => Promise<unknown>) {
    const context = this.open(site, request, reply, { post: true });
    if (!context) return;
    await this.run(context, () => work(context));
  }

  protected show(context: StaffContext, page: string, title: string, data: Record<string, unknown>, status = 200) {
    const errors = (data.errors as FieldError[] | undefined) ?? [];
    return this.html(
      context.reply,
      this.pages.render(context.site, page.includes('/') ? page : `admin/${page}`, {
        pageTitle: `${errors.length ? 'Error: ' : ''}${title}`,
        admin: T,
        staff: this.header(context, 'admin'),
        banner: this.takeFlash(context),
        errorSummary: errorSummary(errors),
        ...data,
      }),
      status,
      context,
    );
  }
}
