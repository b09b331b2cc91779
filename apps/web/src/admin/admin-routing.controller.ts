import { Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseYaml, stringify as toYaml, YAMLParseError } from 'yaml';
import type { Logger } from '@front-counter/logging';
import { JourneyApi } from '../journey/journey-api.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import type { StaffContext } from '../staff/staff-api.js';
import { StaffCookies } from '../staff/staff-cookies.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { bodyOf } from '../staff/staff-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { STAFF_LOGGER } from '../staff/staff-providers.js';
import { formatDateTime } from '../staff/staff-view.js';
import { AdminApi, type RoutingRule, type Simulation } from './admin-api.js';
import { fill, problemLines, problemMessages } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

const FLAGS = Object.keys(T.simulator.flagNames);
const MAX_RULES_TEXT = 200_000;
const SIMULATOR_FIELDS = ['serviceId', 'time', 'latitude', 'longitude', 'report', 'useDraft'];

/**
 * A force administrator's routing rules (in use, a draft edited as a whole or moved rule by rule,
 * publish, history and roll-back, and "test a report"), the force's figures, and its staff sign-in
 * settings. Everything goes through the api, which checks every field.
 */
@Controller('admin')
export class AdminRoutingController extends AdminPageController {
  constructor(
    pages: StaffPages,
    cookies: StaffCookies,
    private readonly admin: AdminApi,
    private readonly journeys: JourneyApi,
    @Inject(STAFF_LOGGER) logger: Logger,
  ) {
    super(pages, cookies, logger);
  }

  @Get('routing')
  async routing(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const { versions, draft } = await this.admin.routing(context);
      const current = versions[0];
      const rules = draft?.rules.rules ?? current?.rules.rules ?? [];
      return this.show(context, 'routing', T.routing.title, {
        heading: T.routing.title,
        lead: T.routing.lead,
        inUse: current ? fill(T.routing.inUse, { version: current.version, when: formatDateTime(current.publishedAt), who: current.publishedBy }) : T.routing.none,
        draft: draft
          ? {
              line: fill(T.routing.draftLine, { when: formatDateTime(draft.updatedAt), who: draft.updatedByName ?? '' }),
              note: this.pages.renderPartial('govuk/input', { id: 'note', name: 'note', label: { text: T.routing.publishNote } }),
            }
          : null,
        rules: rules.map((rule, index) => ({
          position: index + 1,
          name: rule.name,
          when: describeWhen(rule),
          then: describeThen(rule),
          up: index > 0,
          down: index < rules.length - 1,
        })),
        csrf: context.session.csrf,
      });
    });
  }

  /** Moves one rule up or down in the draft (made from the rules in use when there is none). */
  @Post('routing/move')
  async move(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const { name, direction } = formValues(request.body, ['name', 'direction']);
      const { versions, draft } = await this.admin.routing(context);
      const rules = [...(draft?.rules.rules ?? versions[0]?.rules.rules ?? [])];
      const from = rules.findIndex((rule) => rule.name === name);
      const to = direction === 'up' ? from - 1 : from + 1;
      if (from < 0 || to < 0 || to >= rules.length) return this.redirect(reply, '/admin/routing', context);
      [rules[from], rules[to]] = [rules[to], rules[from]];
      const problems = await this.admin.saveRoutingDraft(context, { rules });
      this.flash(context, problems.length ? problemLines(problems).join(' ') : T.routing.moved);
      return this.redirect(reply, '/admin/routing', context);
    });
  }

  @Get('routing/edit')
  async editForm(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const { versions, draft } = await this.admin.routing(context);
      const rules = draft?.rules ?? versions[0]?.rules ?? { rules: [] };
      return this.showEditForm(context, toYaml(rules), []);
    });
  }

  @Post('routing/edit')
  async saveEdit(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const text = formValues(request.body, ['rules']).rules.slice(0, MAX_RULES_TEXT);
      let rules: unknown;
      try {
        rules = parseYaml(text) ?? {};
      } catch (error) {
        if (!(error instanceof YAMLParseError)) throw error;
        return this.showEditForm(context, text, [{ field: 'rules', text: fill(T.overlay.invalidYaml, { message: error.message.split('\n')[0] }) }], 400);
      }
      const problems = await this.admin.saveRoutingDraft(context, rules);
      if (problems.length) return this.showEditForm(context, text, problems.map((problem) => ({ field: 'rules', text: `${problem.field}: ${problem.message}` })), 400);
      this.flash(context, T.routing.saved);
      return this.redirect(reply, '/admin/routing', context);
    });
  }

  @Post('routing/publish')
  async publish(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const outcome = await this.admin.publishRoutingDraft(context, formValues(request.body, ['note']).note.trim().slice(0, 500));
      this.flash(context, outcome.version ? fill(T.routing.published, { version: outcome.version.version }) : problemMessages(outcome.problems));
      return this.redirect(reply, '/admin/routing', context);
    });
  }

  @Post('routing/discard')
  async discard(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      await this.admin.discardRoutingDraft(context);
      this.flash(context, T.routing.discarded);
      return this.redirect(reply, '/admin/routing', context);
    });
  }

  @Get('routing/history')
  async history(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const { versions } = await this.admin.routing(context);
      return this.show(context, 'history', T.routing.historyTitle, {
        heading: T.routing.historyTitle,
        backHref: '/admin/routing',
        csrf: context.session.csrf,
        versions: versions.map((version, index) => ({
          version: version.version,
          published: formatDateTime(version.publishedAt),
          by: version.publishedBy,
          note: version.note ?? '',
          current: index === 0,
          rollBackAction: index === 0 ? null : '/admin/routing/roll-back',
        })),
      });
    });
  }

  @Post('routing/roll-back')
  async rollBack(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const version = Number(bodyOf(request).version);
      if (!Number.isInteger(version) || version < 1) return this.notFound(context);
      const outcome = await this.admin.rollBackRouting(context, version);
      this.flash(context, outcome.version ? fill(T.routing.rolledBack, { version: outcome.version.version, to: version }) : problemMessages(outcome.problems));
      return this.redirect(reply, '/admin/routing/history', context);
    });
  }

  /** "Test a report": a GET form, so a test can be bookmarked or shared with a colleague. */
  @Get('routing/test')
  async test(@Query() query: Record<string, unknown>, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const [services, { draft }] = await Promise.all([this.journeys.services(request), this.admin.routing(context)]);
      const values = formValues(query, SIMULATOR_FIELDS);
      const flags = [query.flags ?? []].flat().filter((flag): flag is string => typeof flag === 'string' && FLAGS.includes(flag));
      const asked = Boolean(values.serviceId || values.report);
      const errors: FieldError[] = [];
      let result: Simulation | null = null;
      if (asked) {
        const input: Record<string, unknown> = { serviceId: values.serviceId || services[0]?.id || 'report-a-crime', flags };
        if (values.report.trim()) input.report = values.report.trim();
        if (values.time) {
          const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(values.time.trim());
          if (!match) errors.push({ field: 'time', text: T.simulator.badTime });
          else input.submittedAt = londonTimeToday(Number(match[1]), Number(match[2])).toISOString();
        }
        if (values.latitude || values.longitude) {
          const [latitude, longitude] = [Number(values.latitude), Number(values.longitude)];
          if (!values.latitude || !values.longitude || !Number.isFinite(latitude) || !Number.isFinite(longitude)) errors.push({ field: 'latitude', text: T.simulator.badPlace });
          else input.location = { latitude, longitude };
        }
        if (values.useDraft === 'yes' && draft) input.rules = draft.rules;
        if (errors.length === 0) {
          result = await this.admin.simulate(context, input);
          errors.push(...result.problems.map((problem) => ({ field: problem.field === 'location' ? 'latitude' : problem.field === 'flags' ? 'flags' : 'serviceId', text: problem.message })));
        }
      }
      const render = this.pages.renderPartial;
      const input = (id: string, label: string, classes = 'govuk-input--width-10') =>
        render('govuk/input', { id, name: id, label: { text: label }, value: values[id] ?? '', classes, errorMessage: errors.find((error) => error.field === id) ? { text: errors.find((error) => error.field === id)!.text } : undefined });
      return this.show(
        context,
        'simulator',
        T.simulator.title,
        {
          heading: T.simulator.title,
          lead: T.simulator.lead,
          backHref: '/admin/routing',
          errors,
          fields: [
            render('govuk/select', { id: 'serviceId', name: 'serviceId', label: { text: T.simulator.service }, value: values.serviceId, items: services.map((service) => ({ value: service.id, text: service.title.en })) }),
            render('govuk/checkboxes', {
              name: 'flags',
              idPrefix: 'flags',
              classes: 'govuk-checkboxes--small',
              fieldset: { legend: { text: T.simulator.flags, classes: 'govuk-fieldset__legend--s' } },
              hint: { text: T.simulator.flagsHint },
              values: flags,
              items: FLAGS.map((flag) => ({ value: flag, text: T.simulator.flagNames[flag] })),
            }),
            input('time', T.simulator.time, 'govuk-input--width-5'),
            input('latitude', T.simulator.latitude),
            input('longitude', T.simulator.longitude),
            input('report', T.simulator.report),
            draft ? render('govuk/checkboxes', { name: 'useDraft', idPrefix: 'useDraft', classes: 'govuk-checkboxes--small', items: [{ value: 'yes', text: T.simulator.useDraft, checked: values.useDraft === 'yes' }] }) : '',
          ].join(''),
          result: result && result.problems.length === 0 ? resultView(result) : null,
        },
        errors.length ? 400 : 200,
      );
    });
  }

  @Get('figures')
  async figures(@Query('days') raw: unknown, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Get('settings')
  async settings(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const settings = await this.admin.staffSettings(context);
      return this.showSettings(context, { clientId: settings.clientId, clientSecretEnv: settings.clientSecretEnv ?? '', rolesClaim: settings.rolesClaim }, [], settings);
    });
  }

  @Post('settings')
  async saveSettings(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const values = formValues(request.body, ['clientId', 'clientSecretEnv', 'rolesClaim']);
      const problems = await this.admin.updateStaffSettings(context, { clientId: values.clientId.trim(), clientSecretEnv: values.clientSecretEnv.trim() || null, rolesClaim: values.rolesClaim.trim() });
      if (problems.length) return this.showSettings(context, values, problems.map((problem) => ({ field: problem.field, text: problem.message.charAt(0).toUpperCase() + problem.message.slice(1) })), await this.admin.staffSettings(context), 400);
      this.flash(context, T.settings.saved);
      return this.redirect(reply, '/admin/settings', context);
    });
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

  private showEditForm(context: StaffContext, text: string, errors: FieldError[], status = 200) {
    return this.show(
      context,
      'overlay',
      T.routing.editTitle,
      {
        heading: T.routing.editTitle,
        backHref: '/admin/routing',
        lead: T.routing.editLead,
        errors,
        textarea: this.pages.renderPartial('govuk/textarea', {
          id: 'rules',
          name: 'rules',
          label: { text: T.routing.editLabel, classes: 'govuk-label--s' },
          value: text,
          rows: 30,
          spellcheck: false,
          classes: 'fc-code',
          errorMessage: errors.length ? { text: errors.map((error) => error.text).join(' | ') } : undefined,
        }),
        action: '/admin/routing/edit',
        saveText: T.routing.save,
        csrf: context.session.csrf,
      },
      status,
    );
  }
}

function describeWhen(rule: RoutingRule): string {
  const when = rule.when as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(when.services)) parts.push(`services: ${when.services.join(', ')}`);
  if (Array.isArray(when.anyFlags)) parts.push(`any of: ${when.anyFlags.join(', ')}`);
  if (Array.isArray(when.allFlags)) parts.push(`all of: ${when.allFlags.join(', ')}`);
  if (when.between && typeof when.between === 'object') parts.push(`between ${(when.between as { from: string }).from} and ${(when.between as { to: string }).to}`);
  if (typeof when.insideArea === 'boolean') parts.push(when.insideArea ? 'inside our area' : 'outside our area');
  if (when.answers) parts.push(`answers: ${JSON.stringify(when.answers)}`);
  return parts.join('; ') || T.routing.always;
}

function describeThen(rule: RoutingRule): string {
  const then = rule.then as Record<string, unknown>;
  if (then.transferTo) return T.routing.transfer;
  const parts = [`queue ${then.queue}`, `priority ${then.priority}`];
  if (then.triageWithinMinutes) parts.push(`read within ${then.triageWithinMinutes} min`);
  if (then.replyWithinHours) parts.push(`reply within ${then.replyWithinHours} h`);
  if (Array.isArray(then.tags) && then.tags.length) parts.push(`tags ${then.tags.join(', ')}`);
  return parts.join(', ');
}

function resultView(result: Simulation) {
  const S = T.simulator;
  const rows: [string, string][] = result.transferTo
    ? []
    : [
        [S.queue, result.queue ?? ''],
        [S.priority, String(result.priority ?? '')],
        [S.triage, fill(S.minutes, { count: result.triageWithinMinutes ?? 0 })],
        [S.reply, fill(S.hours, { count: result.replyWithinHours ?? 0 })],
        [S.tags, result.tags.join(', ') || S.none],
      ];
  rows.push([S.flagsRaised, result.flags.map((flag) => S.flagNames[flag] ?? flag).join(', ') || S.none]);
  return {
    heading: result.transferTo ? fill(S.transfer, { force: result.transferTo }) : result.rule ? fill(S.matched, { rule: result.rule }) : S.noRule,
    summary: { rows: rows.map(([key, value]) => ({ key: { text: key }, value: { text: value } })) },
    explanation: result.explanation,
  };
}

/** Today at hh:mm in Europe/London, as an instant. */
function londonTimeToday(hours: number, minutes: number): Date {
  const now = new Date();
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const guess = new Date(`${day}T${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:00Z`);
  // London is UTC or UTC+1: correct by the offset London shows at that instant.
  const shown = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(guess);
  const [shownHours, shownMinutes] = shown.split(':').map(Number);
  const offsetMinutes = (shownHours * 60 + shownMinutes - (hours * 60 + minutes) + 1440) % 1440;
  return new Date(guess.getTime() - offsetMinutes * 60_000);
}
