import { Controller, Get, Post, Query } from '@nestjs/common';
import { JourneyApi } from '../journey/journey-api.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { StaffPages } from '../staff/staff-pages.js';
import { StaffAction, StaffPage } from '../staff/staff-sessions.js';
import { AdminApi } from './admin-api.js';
import { fill } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

/** A force administrator's figures (reports and deadlines kept, by period) and the force's staff sign-in settings. */
@Controller('admin')
export class AdminFiguresController extends AdminPageController {
  constructor(
    pages: StaffPages,
    private readonly admin: AdminApi,
    private readonly journeys: JourneyApi,
  ) {
    super(pages);
  }

  @Get('figures')
  @StaffPage()
  async figures(@Query('days') raw: unknown, @CurrentSession() context: StaffContext) {
    const { request } = context;
    const days = (T.figures.periods as readonly number[]).includes(Number(raw)) ? Number(raw) : 30;
    const [figures, services] = await Promise.all([this.admin.figures(context, days), this.journeys.services(request)]);
    const titles = new Map(services.map((service) => [service.id, service.title.en]));
    const share = (value: number | null, part: number, whole: number) => (value === null ? T.figures.notYet : fill(T.figures.share, { share: `${Math.round(value * 1000) / 10}%`, part, whole }));
    return this.show(context, 'figures', T.figures.title, {
      heading: T.figures.title,
      lead: fill(T.figures.lead, { days }),
      periods: (T.figures.periods as readonly number[]).map((period) => ({ href: `/admin/figures?days=${period}`, text: fill(T.figures.daysLink, { days: period }), current: period === days })),
      summary: {
        rows: [
          [T.figures.reports, String(figures.reports)],
          [T.figures.triaged, share(figures.triagedWithinTargetShare, figures.triagedWithinTarget, figures.triageDue)],
          [T.figures.replied, share(figures.repliedWithin48HoursShare, figures.repliedWithin48Hours, figures.replyDue)],
          [T.figures.triageBreaches, String(figures.triageBreaches)],
          [T.figures.replyBreaches, String(figures.replyBreaches)],
          ...figures.channels.map((channel) => [`${T.figures.channel}: ${channel.channel === 'online' ? T.figures.online : channel.channel}`, String(channel.reports)]),
        ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
      },
      table: figures.perServicePerDay.length
        ? {
            head: [{ text: T.figures.day }, { text: T.figures.service }, { text: T.figures.count, format: 'numeric' }],
            rows: figures.perServicePerDay.map((row) => [{ text: row.day }, { text: titles.get(row.serviceId) ?? row.serviceId }, { text: String(row.reports), format: 'numeric' }]),
          }
        : null,
    });
  }

  @Get('settings')
  @StaffPage()
  async settings(@CurrentSession() context: StaffContext) {
    const settings = await this.admin.staffSettings(context);
    return this.showSettings(context, { clientId: settings.clientId, clientSecretEnv: settings.clientSecretEnv ?? '', rolesClaim: settings.rolesClaim }, [], settings);
  }

  @Post('settings')
  @StaffAction()
  async saveSettings(@CurrentSession() context: StaffContext) {
    const { request } = context;
    const values = formValues(request.body, ['clientId', 'clientSecretEnv', 'rolesClaim']);
    const problems = await this.admin.updateStaffSettings(context, { clientId: values.clientId.trim(), clientSecretEnv: values.clientSecretEnv.trim() || null, rolesClaim: values.rolesClaim.trim() });
    if (problems.length) return this.showSettings(context, values, problems.map((problem) => ({ field: problem.field, text: problem.message.charAt(0).toUpperCase() + problem.message.slice(1) })), await this.admin.staffSettings(context), 400);
    this.flash(context, T.settings.saved);
    return this.redirect('/admin/settings');
  }

  private showSettings(context: StaffContext, values: Record<string, string>, errors: FieldError[], current: { realm: string; issuer: string | null }, status = 200) {
    const field = (id: string, label: string, hint?: string) =>
      this.pages.renderPartial('govuk/input', {
        id,
        name: id,
        label: { text: label },
        hint: hint ? { text: hint } : undefined,
        value: values[id] ?? '',
        spellcheck: false,
        errorMessage: errors.find((error) => error.field === id) ? { text: errors.find((error) => error.field === id)!.text } : undefined,
      });
    return this.show(
      context,
      'settings',
      T.settings.title,
      {
        heading: T.settings.title,
        lead: T.settings.lead,
        errors,
        summary: { rows: [{ key: { text: T.settings.realm }, value: { text: current.realm } }, { key: { text: T.settings.issuer }, value: { text: current.issuer ?? T.settings.devIssuer } }] },
        fields: field('clientId', T.settings.clientId) + field('clientSecretEnv', T.settings.clientSecretEnv, T.settings.clientSecretEnvHint) + field('rolesClaim', T.settings.rolesClaim, T.settings.rolesClaimHint),
        csrf: context.session.csrf,
      },
      status,
    );
  }
}
