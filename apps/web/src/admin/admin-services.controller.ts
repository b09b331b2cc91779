import { Controller, Get, Param, Post } from '@nestjs/common';
import { parse as parseYaml, stringify as toYaml, YAMLParseError } from 'yaml';
import type { CompiledForm, PageDefinition } from '@front-counter/forms';
import { questionsOf } from '@front-counter/public-kit';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { bodyOf } from '../staff/staff-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { StaffAction, StaffPage } from '../staff/staff-sessions.js';
import { formatDateTime } from '../staff/staff-view.js';
import { AdminApi, type AdminService } from './admin-api.js';
import { fill, problemLines, problemsAsErrors } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';
import { escape, SERVICE } from './admin-views.js';

const ID = /^[A-Za-z][\w-]{0,80}$/;
const MAX_OVERLAY_TEXT = 200_000;

/**
 * A force administrator's services: on or off, each question's texts, and the whole overlay (YAML)
 * for anything more. Changes make a draft (see AdminVersionsController for preview and publishing).
 */
@Controller('admin')
export class AdminServicesController extends AdminPageController {
  constructor(
    pages: StaffPages,
    private readonly admin: AdminApi,
  ) {
    super(pages);
  }

  @Get('services')
  @StaffPage()
  async services(@CurrentSession() context: StaffContext) {
    const services = await this.admin.services(context);
    return this.show(context, 'table', T.services.title, {
      heading: T.services.title,
      table: {
        head: [{ text: T.services.service }, { text: T.services.status }, { text: T.services.version }, { html: '<span class="govuk-visually-hidden">Actions</span>' }],
        rows: services.map((service) => [
          { text: service.title.en },
          { html: `${service.enabled ? T.services.on : T.services.off}${service.draft ? ` <strong class="govuk-tag govuk-tag--yellow">${T.services.draft}</strong>` : ''}` },
          {
            html: `${service.current ? String(service.current.version) : '–'}${
              service.current && service.current.nationalVersion < service.latestNationalVersion ? ` <strong class="govuk-tag govuk-tag--blue">${fill(T.services.newer, { version: service.latestNationalVersion })}</strong>` : ''
            }`,
          },
          { html: `<a class="govuk-link" href="/admin/services/${service.serviceId}">${T.services.manage}<span class="govuk-visually-hidden"> ${escape(service.title.en)}</span></a>` },
        ]),
      },
    });
  }

  @Get('services/:serviceId')
  @StaffPage()
  async service(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const service = await this.admin.service(context, serviceId);
    const form = service.draft?.form ?? service.current?.form ?? null;
    const base = `/admin/services/${serviceId}`;
    return this.show(context, 'service', service.title.en, {
      heading: service.title.en,
      current: service.current
        ? fill(T.service.versionLine, { version: service.current.version, when: formatDateTime(service.current.publishedAt), who: service.current.publishedBy, national: service.current.nationalVersion })
        : T.service.notPublished,
      enabled: service.enabled,
      toggle: { action: `${base}/enabled`, value: service.enabled ? 'off' : 'on', text: service.enabled ? T.service.switchOff : T.service.switchOn },
      draft: service.draft
        ? {
            line: fill(T.service.draftLine, { when: formatDateTime(service.draft.updatedAt), who: service.draft.updatedByName ?? '' }),
            problems: problemLines(service.draft.problems),
            publishable: service.draft.problems.length === 0,
            note: this.pages.renderPartial('govuk/input', { id: 'note', name: 'note', label: { text: T.service.publishNote } }),
          }
        : null,
      previewHref: form ? `${base}/preview` : null,
      questions: form ? questionsTable(form, base) : null,
      advancedHref: `${base}/overlay`,
      historyHref: `${base}/history`,
      base,
      csrf: context.session.csrf,
      admin: T,
    });
  }

  @Post('services/:serviceId/enabled')
  @StaffAction()
  async setEnabled(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const on = bodyOf(request).value === 'on';
    await this.admin.setEnabled(context, serviceId, on);
    const service = await this.admin.service(context, serviceId);
    this.flash(context, fill(on ? T.service.switchedOn : T.service.switchedOff, { service: service.title.en }));
    return this.redirect(`/admin/services/${serviceId}`);
  }

  @Get('services/:serviceId/questions/:questionId')
  @StaffPage()
  async questionForm(@Param('serviceId') serviceId: string, @Param('questionId') questionId: string, @CurrentSession() context: StaffContext) {
    const found = await this.findQuestion(context, serviceId, questionId);
    if (!found) return this.notFound(context);
    const { question } = found;
    return this.showQuestionForm(context, found.service, questionId, {
      'label-en': question.label.en,
      'label-cy': question.label.cy ?? '',
      'hint-en': question.hint?.en ?? '',
      'hint-cy': question.hint?.cy ?? '',
    }, []);
  }

  @Post('services/:serviceId/questions/:questionId')
  @StaffAction()
  async saveQuestion(@Param('serviceId') serviceId: string, @Param('questionId') questionId: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
    const found = await this.findQuestion(context, serviceId, questionId);
    if (!found) return this.notFound(context);
    const values = formValues(request.body, ['label-en', 'label-cy', 'hint-en', 'hint-cy']);
    const trimmed = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value.trim()]));
    if (!trimmed['label-en']) return this.showQuestionForm(context, found.service, questionId, values, [{ field: 'label-en', text: T.question.required }], 400);
    const overlay = structuredClone(workingOverlay(found.service));
    const texts = (overlay.texts ??= {}) as { questions?: Record<string, Record<string, unknown>> };
    const questions = (texts.questions ??= {});
    const entry: Record<string, unknown> = { ...(questions[questionId] ?? {}) };
    entry.label = { en: trimmed['label-en'], ...(trimmed['label-cy'] ? { cy: trimmed['label-cy'] } : {}) };
    if (trimmed['hint-en']) entry.hint = { en: trimmed['hint-en'], ...(trimmed['hint-cy'] ? { cy: trimmed['hint-cy'] } : {}) };
    else delete entry.hint;
    questions[questionId] = entry;
    const problems = await this.admin.saveServiceDraft(context, serviceId, overlay);
    if (problems.length) return this.showQuestionForm(context, found.service, questionId, values, problemsAsErrors(problems, questionField), 400);
    this.flash(context, T.service.saved);
    return this.redirect(`/admin/services/${serviceId}`);
  }

  @Get('services/:serviceId/overlay')
  @StaffPage()
  async overlayForm(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const service = await this.admin.service(context, serviceId);
    const { service: _service, basedOnVersion: _based, ...overlay } = workingOverlay(service) as Record<string, unknown>;
    return this.showOverlayForm(context, service, toYaml(pruneEmpty(overlay)), []);
  }

  @Post('services/:serviceId/overlay')
  @StaffAction()
  async saveOverlay(@Param('serviceId') serviceId: string, @CurrentSession() context: StaffContext) {
    const { request } = context;
    if (!SERVICE.test(serviceId)) return this.notFound(context);
    const service = await this.admin.service(context, serviceId);
    const text = formValues(request.body, ['overlay']).overlay.slice(0, MAX_OVERLAY_TEXT);
    let overlay: unknown;
    try {
      overlay = parseYaml(text) ?? {};
    } catch (error) {
      if (!(error instanceof YAMLParseError)) throw error;
      return this.showOverlayForm(context, service, text, [{ field: 'overlay', text: fill(T.overlay.invalidYaml, { message: error.message.split('\n')[0] }) }], 400);
    }
    const problems = await this.admin.saveServiceDraft(context, serviceId, overlay);
    if (problems.length) return this.showOverlayForm(context, service, text, problems.map((problem) => ({ field: 'overlay', text: `${problem.field}: ${problem.message}` })), 400);
    this.flash(context, T.service.saved);
    return this.redirect(`/admin/services/${serviceId}`);
  }

  private async findQuestion(context: StaffContext, serviceId: string, questionId: string) {
    if (!SERVICE.test(serviceId) || !ID.test(questionId)) return null;
    const service = await this.admin.service(context, serviceId);
    const form = service.draft?.form ?? service.current?.form;
    const question = form?.pages.flatMap((page) => questionsOf(page)).find((candidate) => candidate.id === questionId);
    return question ? { service, question } : null;
  }

  private showQuestionForm(context: StaffContext, service: AdminService, questionId: string, values: Record<string, string>, errors: FieldError[], status = 200) {
    const national = (service.national as unknown as { pages: PageDefinition[] }).pages.flatMap((page) => questionsOf(page)).find((question) => question.id === questionId);
    const field = (id: string, label: string, kind: 'input' | 'textarea') =>
      this.pages.renderPartial(kind === 'input' ? 'govuk/input' : 'govuk/textarea', {
        id,
        name: id,
        label: { text: label },
        value: values[id] ?? '',
        rows: 3,
        errorMessage: errors.find((error) => error.field === id) ? { text: errors.find((error) => error.field === id)!.text } : undefined,
      });
    const heading = values['label-en'] || questionId;
    return this.show(
      context,
      'question',
      heading,
      {
        heading,
        caption: service.title.en,
        backHref: `/admin/services/${service.serviceId}`,
        errors,
        nationalLabel: national ? fill(T.question.national, { text: national.label.en }) : null,
        nationalHint: national?.hint ? fill(T.question.national, { text: national.hint.en }) : null,
        labelFields: field('label-en', T.question.label, 'input') + field('label-cy', `${T.question.label} ${T.question.welsh}`, 'input'),
        hintFields: field('hint-en', T.question.hint, 'textarea') + field('hint-cy', `${T.question.hint} ${T.question.welsh}`, 'textarea'),
        action: `/admin/services/${service.serviceId}/questions/${questionId}`,
        csrf: context.session.csrf,
        admin: T,
      },
      status,
    );
  }

  private showOverlayForm(context: StaffContext, service: AdminService, text: string, errors: FieldError[], status = 200) {
    const nationalPages = (service.national as unknown as { pages: PageDefinition[] }).pages;
    const slots = nationalPages.map((page) => page.slotAfter).filter(Boolean).join(', ') || 'none';
    const heading = fill(T.overlay.title, { service: service.title.en });
    return this.show(
      context,
      'overlay',
      heading,
      {
        heading,
        backHref: `/admin/services/${service.serviceId}`,
        lead: fill(T.overlay.lead, { slots }),
        errors,
        textarea: this.pages.renderPartial('govuk/textarea', {
          id: 'overlay',
          name: 'overlay',
          label: { text: T.overlay.label, classes: 'govuk-label--s' },
          value: text,
          rows: 25,
          spellcheck: false,
          classes: 'fc-code',
          errorMessage: errors.length ? { html: errors.map((error) => escape(error.text)).join('<br>') } : undefined,
        }),
        action: `/admin/services/${service.serviceId}/overlay`,
        csrf: context.session.csrf,
        admin: T,
      },
      status,
    );
  }
}

function workingOverlay(service: AdminService): Record<string, unknown> {
  return (service.draft?.overlay ?? service.current?.overlay ?? {}) as Record<string, unknown>;
}

function pruneEmpty(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (Array.isArray(child) && child.length === 0) continue;
    if (child && typeof child === 'object' && !Array.isArray(child)) {
      const pruned = pruneEmpty(child as Record<string, unknown>);
      if (Object.keys(pruned).length > 0) out[key] = pruned;
      continue;
    }
    out[key] = child;
  }
  return out;
}

function questionsTable(form: CompiledForm, base: string) {
  return {
    head: [{ text: T.service.page }, { text: T.service.question }, { text: T.service.hint }, { html: '<span class="govuk-visually-hidden">Actions</span>' }],
    rows: form.pages.flatMap((page) =>
      questionsOf(page).map((question) => [
        { text: page.id },
        { text: question.label.en },
        { text: question.hint?.en ?? '' },
        { html: `<a class="govuk-link" href="${base}/questions/${encodeURIComponent(question.id)}">${T.service.change}<span class="govuk-visually-hidden"> ${escape(question.label.en)}</span></a>` },
      ]),
    ),
  };
}

function questionField(path: string): string {
  const match = /\.(label|hint)\.(en|cy)$/.exec(path);
  return match ? `${match[1]}-${match[2]}` : 'label-en';
}
