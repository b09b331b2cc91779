import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues } from '../staff/staff-forms.js';
import { bodyOf } from '../staff/staff-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { StaffAction, StaffPage } from '../staff/staff-sessions.js';
import { AdminApi } from './admin-api.js';
import { fill, problemLines, problemMessages } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';
import { changesTable, renderFormPage, SERVICE, versionRow } from './admin-views.js';

/**
 * A service's versions: preview the draft page by page, publish or discard it, the history with
 * differences and roll-back, and the drift of the force's forms from the national ones (with upgrade).
 */
@Controller('admin')
export class AdminVersionsController extends AdminPageController {
  constructor(
    pages: StaffPages,
    private readonly admin: AdminApi,
    private readonly publicPages: PageRenderer,
  ) {
    super(pages);
  }

  /** The draft's form (or the published one) page by page, as the public will see it. */
  @Get('services/:serviceId/preview')
  @StaffPage()
  async previewService(@Param('serviceId') serviceId: string, @Query('page') pageId: unknown, @CurrentSession() context: StaffContext) {
    const { site, request } = context;
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const service = await this.admin.service(context, serviceId);
    const form = service.draft?.form ?? service.current?.form;
    const pages = form?.pages.filter((page) => page.type !== 'check-answers') ?? [];
    const index = Math.max(0, pages.findIndex((page) => page.id === pageId));
    if (!form || !pages[index]) return this.notFound(context);
    const base = `/admin/services/${serviceId}/preview`;
    const previewSite: RequestSite = { ...site, preview: { themeHref: `/assets/theme/${this.pages.theme.themeCss(site.tenant).version}.css`, logoUrl: site.tenant.branding.hasLogo ? `/assets/logo/${site.tenant.themeVersion}.svg` : undefined, backHref: `/admin/services/${serviceId}` } };
    const next = pages[index + 1] ? { action: base, page: pages[index + 1].id } : { action: `/admin/services/${serviceId}` };
    return this.html(renderFormPage(this.publicPages, previewSite, request, form, pages[index], next));
  }

  @Post('services/:serviceId/publish')
  @StaffAction()
  async publishService(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const note = formValues(request.body, ['note']).note.trim().slice(0, 500);
    const outcome = await this.admin.publishServiceDraft(context, serviceId, note);
    this.flash(context, outcome.version ? fill(T.service.published, { version: outcome.version.version }) : problemMessages(outcome.problems));
    return this.redirect(`/admin/services/${serviceId}`);
  }

  @Post('services/:serviceId/discard')
  @StaffAction()
  async discardService(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    await this.admin.discardServiceDraft(context, serviceId);
    this.flash(context, T.service.discarded);
    return this.redirect(`/admin/services/${serviceId}`);
  }

  @Get('services/:serviceId/history')
  @StaffPage()
  async history(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const [service, versions] = await Promise.all([this.admin.service(context, serviceId), this.admin.versions(context, serviceId)]);
    const base = `/admin/services/${serviceId}`;
    const heading = fill(T.history.title, { service: service.title.en });
    return this.show(context, 'history', heading, {
      heading,
      backHref: base,
      csrf: context.session.csrf,
      versions: versions.map((version, index) => ({
        ...versionRow(version, index, `${base}/roll-back`),
        compareHref: index < versions.length - 1 ? `${base}/diff?from=${versions[index + 1].version}&to=${version.version}` : null,
        compareText: index < versions.length - 1 ? fill(T.history.compare, { previous: versions[index + 1].version }) : null,
      })),
      admin: T,
    });
  }

  @Get('services/:serviceId/diff')
  @StaffPage()
  async diff(@Param('serviceId') serviceId: string, @Query() query: Record<string, unknown>, @CurrentSession() context: StaffContext) {
    const [from, to] = [Number(query.from), Number(query.to)];
    if (!SERVICE.test(serviceId) || !Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) return this.notFound(context);
    const changes = await this.admin.differences(context, serviceId, from, to);
    const heading = fill(T.diff.title, { from, to });
    return this.show(context, 'table', heading, {
      heading,
      backHref: `/admin/services/${serviceId}/history`,
      lead: changes.length ? undefined : T.diff.none,
      table: changes.length ? changesTable(changes, T.diff.path, fill(T.diff.before, { from }), fill(T.diff.after, { to })) : null,
    });
  }

  @Post('services/:serviceId/roll-back')
  @StaffAction()
  async rollBack(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
    const version = Number(bodyOf(request).version);
    if (!SERVICE.test(serviceId) || !Number.isInteger(version) || version < 1) return this.notFound(context);
    const outcome = await this.admin.rollBack(context, serviceId, version);
    this.flash(context, outcome.version ? fill(T.history.rolledBack, { version: outcome.version.version, to: version }) : problemMessages(outcome.problems));
    return this.redirect(`/admin/services/${serviceId}/history`);
  }

  @Get('drift')
  @StaffPage()
  async drift(@CurrentSession() context: StaffContext) {
    const report = await this.admin.drift(context);
    return this.show(context, 'drift', T.drift.title, {
      heading: T.drift.title,
      lead: T.drift.lead,
      csrf: context.session.csrf,
      services: report.map((entry) => {
        const newer = entry.latestNationalVersion > entry.nationalVersion;
        return {
          title: entry.title.en,
          href: `/admin/services/${entry.serviceId}`,
          status: newer ? fill(T.drift.newer, { latest: entry.latestNationalVersion, current: entry.nationalVersion }) : fill(T.drift.upToDate, { version: entry.nationalVersion }),
          newer,
          ours: entry.overlayChanges.length ? fill(T.drift.yourChanges, { count: entry.overlayChanges.length }) : T.drift.noChanges,
          oursTable: entry.overlayChanges.length ? changesTable(entry.overlayChanges, T.diff.path, 'National', 'Yours') : null,
          nationalTable: newer && entry.nationalChanges.length ? changesTable(entry.nationalChanges, T.diff.path, fill(T.diff.before, { from: entry.nationalVersion }), fill(T.diff.after, { to: entry.latestNationalVersion })) : null,
          conflicts: entry.conflicts.length ? fill(T.drift.conflicts, { pages: entry.conflicts.join(', ') }) : null,
          problems: problemLines(entry.upgradeProblems),
          upgradeHref: newer && entry.upgradeProblems.length === 0 ? `/admin/services/${entry.serviceId}/upgrade` : null,
        };
      }),
      admin: T,
    });
  }

  @Get('services/:serviceId/upgrade')
  @StaffPage()
  async upgradePreview(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const [service, outcome] = await Promise.all([this.admin.service(context, serviceId), this.admin.upgrade(context, serviceId, true)]);
    const heading = fill(T.drift.upgrade, { version: service.latestNationalVersion });
    return this.show(context, 'upgrade', heading, {
      heading,
      caption: service.title.en,
      backHref: '/admin/drift',
      problems: problemLines(outcome.problems),
      table: outcome.changes.length ? changesTable(outcome.changes, T.diff.path, T.preview.before, T.preview.after) : null,
      action: outcome.problems.length ? null : `/admin/services/${serviceId}/upgrade`,
      csrf: context.session.csrf,
    });
  }

  @Post('services/:serviceId/upgrade')
  @StaffAction()
  async upgrade(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const outcome = await this.admin.upgrade(context, serviceId, false);
    this.flash(context, outcome.version ? fill(T.drift.upgraded, { version: outcome.version.version, national: outcome.version.nationalVersion }) : problemMessages(outcome.problems));
    return this.redirect(`/admin/services/${serviceId}`);
  }

  @Get('*')
  @StaffPage()
  missing(@CurrentSession() context: StaffContext) {
    return this.notFound(context);
  }
}
