import { Controller, Get, Post, Query } from '@nestjs/common';
import { parse as parseYaml, stringify as toYaml, YAMLParseError } from 'yaml';
import { JourneyApi } from '../journey/journey-api.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { bodyOf } from '../staff/staff-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { StaffAction, StaffPage } from '../staff/staff-sessions.js';
import { formatDateTime } from '../staff/staff-view.js';
import { AdminApi, type Simulation } from './admin-api.js';
import { fill, problemLines, problemMessages } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { describeThen, describeWhen, londonTimeToday, resultView } from './admin-routing-view.js';
import { ADMIN_TEXT as T } from './admin-texts.js';
import { versionRow } from './admin-views.js';

const FLAGS = Object.keys(T.simulator.flagNames);
const MAX_RULES_TEXT = 200_000;
const SIMULATOR_FIELDS = ['serviceId', 'time', 'latitude', 'longitude', 'report', 'useDraft'];

/**
 * A force administrator's routing rules: in use, a draft edited as a whole or moved rule by rule,
 * publish, history and roll-back, and "test a report". Everything goes through the api, which checks
 * every field.
 */
@Controller('admin')
export class AdminRoutingController extends AdminPageController {
  constructor(
    pages: StaffPages,
    private readonly admin: AdminApi,
    private readonly journeys: JourneyApi,
  ) {
    super(pages);
  }

  @Get('routing')
  @StaffPage()
  async routing(@CurrentSession() context: StaffContext) {
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
  }

  /** Moves one rule up or down in the draft (made from the rules in use when there is none). */
  @Post('routing/move')
  @StaffAction()
  async move(@CurrentSession() context: StaffContext) {
    const { request } = context;
    const { name, direction } = formValues(request.body, ['name', 'direction']);
    const { versions, draft } = await this.admin.routing(context);
    const rules = [...(draft?.rules.rules ?? versions[0]?.rules.rules ?? [])];
    const from = rules.findIndex((rule) => rule.name === name);
    const to = direction === 'up' ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= rules.length) return this.redirect('/admin/routing');
    [rules[from], rules[to]] = [rules[to], rules[from]];
    const problems = await this.admin.saveRoutingDraft(context, { rules });
    this.flash(context, problems.length ? problemLines(problems).join(' ') : T.routing.moved);
    return this.redirect('/admin/routing');
  }

  @Get('routing/edit')
  @StaffPage()
  async editForm(@CurrentSession() context: StaffContext) {
    const { versions, draft } = await this.admin.routing(context);
    const rules = draft?.rules ?? versions[0]?.rules ?? { rules: [] };
    return this.showEditForm(context, toYaml(rules), []);
  }

  @Post('routing/edit')
  @StaffAction()
  async saveEdit(@CurrentSession() context: StaffContext) {
    const { request } = context;
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
    return this.redirect('/admin/routing');
  }

  @Post('routing/publish')
  @StaffAction()
  async publish(@CurrentSession() context: StaffContext) {
    const { request } = context;
    const outcome = await this.admin.publishRoutingDraft(context, formValues(request.body, ['note']).note.trim().slice(0, 500));
    this.flash(context, outcome.version ? fill(T.routing.published, { version: outcome.version.version }) : problemMessages(outcome.problems));
    return this.redirect('/admin/routing');
  }

  @Post('routing/discard')
  @StaffAction()
  async discard(@CurrentSession() context: StaffContext) {
    await this.admin.discardRoutingDraft(context);
    this.flash(context, T.routing.discarded);
    return this.redirect('/admin/routing');
  }

  @Get('routing/history')
  @StaffPage()
  async history(@CurrentSession() context: StaffContext) {
    const { versions } = await this.admin.routing(context);
    return this.show(context, 'history', T.routing.historyTitle, {
      heading: T.routing.historyTitle,
      backHref: '/admin/routing',
      csrf: context.session.csrf,
      versions: versions.map((version, index) => versionRow(version, index, '/admin/routing/roll-back')),
    });
  }

  @Post('routing/roll-back')
  @StaffAction()
  async rollBack(@CurrentSession() context: StaffContext) {
    const { request } = context;
    const version = Number(bodyOf(request).version);
    if (!Number.isInteger(version) || version < 1) return this.notFound(context);
    const outcome = await this.admin.rollBackRouting(context, version);
    this.flash(context, outcome.version ? fill(T.routing.rolledBack, { version: outcome.version.version, to: version }) : problemMessages(outcome.problems));
    return this.redirect('/admin/routing/history');
  }

  /** "Test a report": a GET form, so a test can be bookmarked or shared with a colleague. */
  @Get('routing/test')
  @StaffPage()
  async test(@Query() query: Record<string, unknown>, @CurrentSession() context: StaffContext) {
    const { request } = context;
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
