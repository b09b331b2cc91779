import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseYaml, stringify as toYaml, YAMLParseError } from 'yaml';
import type { CompiledForm, PageDefinition } from '@front-counter/forms';
import { leafDifferences, questionsOf } from '@front-counter/public-kit';
import type { Logger } from '@front-counter/logging';
import { ApiError } from '../api-client.js';
import { formParts } from '../bad-requests/multipart-parts.js';
import { pageView, local } from '../journey/journey-view.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { JourneyApi } from '../journey/journey-api.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import type { PublicTenant } from '../tenant/public-tenant.js';
import { StaffApi, type StaffContext } from '../staff/staff-api.js';
import { StaffCookies } from '../staff/staff-cookies.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { bodyOf } from '../staff/staff-page-controller.js';
import { AdminPageController } from './admin-page-controller.js';
import { StaffPages } from '../staff/staff-pages.js';
import { STAFF_LOGGER } from '../staff/staff-providers.js';
import { csrfMatches } from '../staff/staff-session.js';
import { formatDateTime } from '../staff/staff-view.js';
import { AdminApi, type AdminService, type FieldProblem, type FormChange, type SiteSettings } from './admin-api.js';
import { fieldOf, fill, problemLines, problemMessages, problemsAsErrors, showValue, SITE_FIELDS, siteFormHtml, siteSettingsFrom, siteValues, type SiteValues } from './admin-forms.js';
import { ADMIN_TEXT as T } from './admin-texts.js';

const SERVICE = /^[a-z][a-z0-9-]{1,60}$/;
const ID = /^[A-Za-z][\w-]{0,80}$/;
const MAX_LOGO_BYTES = 200_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_OVERLAY_TEXT = 200_000;

/**
 * A force administrator's pages (/admin on the force's own site): the site's settings and branding
 * (draft, preview of the themed home and question pages, publish), its services (on or off, question
 * texts, the whole overlay, preview, publish, history, differences, roll-back) and the drift of its
 * forms from the national ones (with upgrade). Every change goes through the api, which decides who
 * may make it; refusals are shown on their fields and change nothing.
 */
@Controller('admin')
export class AdminController extends AdminPageController {
  constructor(
    pages: StaffPages,
    cookies: StaffCookies,
    private readonly admin: AdminApi,
    private readonly staff: StaffApi,
    private readonly publicPages: PageRenderer,
    private readonly journeys: JourneyApi,
    @Inject(STAFF_LOGGER) logger: Logger,
  ) {
    super(pages, cookies, logger);
  }

  @Get()
  async home(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const [settings, services] = await Promise.all([this.admin.site(context), this.admin.services(context)]);
      const drafts = services.filter((service) => service.draft).length;
      const tag = (on: boolean) => (on ? ` <strong class="govuk-tag govuk-tag--yellow">${T.home.draftPending}</strong>` : '');
      return this.show(context, 'home', T.home.title, {
        lead: fill(T.home.lead, { force: site.tenant.name.en }),
        sections: [
          { href: '/admin/site', text: T.home.site, hint: T.home.siteHint, tagHtml: tag(Boolean(settings.draft)) },
          { href: '/admin/services', text: T.home.services, hint: T.home.servicesHint, tagHtml: tag(drafts > 0) },
          { href: '/admin/drift', text: T.home.drift, hint: T.home.driftHint, tagHtml: '' },
          { href: '/admin/routing', text: T.home.routing, hint: T.home.routingHint, tagHtml: '' },
          { href: '/admin/figures', text: T.home.figures, hint: T.home.figuresHint, tagHtml: '' },
          { href: '/admin/settings', text: T.home.settings, hint: T.home.settingsHint, tagHtml: '' },
        ],
      });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The site: settings and branding

  @Get('site')
  async siteForm(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const settings = await this.admin.site(context);
      const current = settings.draft?.settings ?? settings.published.settings;
      return this.showSiteForm(context, siteValues(current), [], settings.languages.includes('cy'), Boolean(current.branding.logoSvg || current.branding.logoPng));
    });
  }

  @Post('site')
  async saveSite(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (!context) return;
    await this.run(context, async () => {
      // Multipart (the logo); the form's token is checked once its fields are read, before anything is sent on.
      const { values, logo, logoError } = await readSiteForm(request);
      if (!csrfMatches(context.session, values._csrf)) return this.formExpired(site, reply, context.session);
      const settings = await this.admin.site(context);
      const current = settings.draft?.settings ?? settings.published.settings;
      const welsh = settings.languages.includes('cy');
      const kept = { svg: current.branding.logoSvg, png: current.branding.logoPng ?? null };
      const parsed = siteSettingsFrom(values, values.removeLogo === 'yes' ? { svg: null, png: null } : (logo ?? kept));
      const errors = [...(logoError ? [{ field: 'logo', text: logoError }] : []), ...('errors' in parsed ? parsed.errors : [])];
      if (errors.length || 'errors' in parsed) return this.showSiteForm(context, values, errors, welsh, Boolean(current.branding.logoSvg || current.branding.logoPng), 400);
      const problems = await this.admin.saveSiteDraft(context, parsed.settings);
      if (problems.length) return this.showSiteForm(context, values, problemsAsErrors(problems, fieldOf), welsh, Boolean(current.branding.logoSvg || current.branding.logoPng), 400);
      return this.redirect(reply, '/admin/site/preview', context);
    });
  }

  @Get('site/preview')
  async sitePreview(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const settings = await this.admin.site(context);
      if (!settings.draft) return this.show(context, 'staff/message', T.preview.title, { heading: T.preview.title, paragraphs: [T.preview.noDraft], links: [{ href: '/admin/site', text: T.site.title }] });
      const changes = siteChanges(settings.published.settings, settings.draft.settings);
      return this.show(context, 'site-preview', T.preview.title, {
        lead: changes.length ? T.preview.lead : T.preview.noChanges,
        table: changes.length ? changesTable(changes, T.preview.change, T.preview.before, T.preview.after) : null,
        contrast: fill(T.preview.contrast, { ratio: settings.draft.contrast.toFixed(2) }),
        links: [
          { href: '/admin/preview/home', text: T.preview.homePage },
          { href: '/admin/preview/question', text: T.preview.questionPage },
        ],
        csrf: context.session.csrf,
      });
    });
  }

  @Post('site/publish')
  async publishSite(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const problems = await this.admin.publishSiteDraft(context);
      this.flash(context, problems.length ? problemMessages(problems) : T.preview.published);
      return this.redirect(reply, problems.length ? '/admin/site/preview' : '/admin', context);
    });
  }

  @Post('site/discard')
  async discardSite(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      await this.admin.discardSiteDraft(context);
      this.flash(context, T.preview.discarded);
      return this.redirect(reply, '/admin', context);
    });
  }

  /** The home page, or a question page, as the public will see them once the site's draft is published. */
  @Get('preview/:page')
  async previewPage(@Param('page') page: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      if (page !== 'home' && page !== 'question') return this.notFound(context);
      const settings = await this.admin.site(context);
      const draft = settings.draft?.settings ?? settings.published.settings;
      const previewSite: RequestSite = {
        tenant: draftTenant(site.tenant, draft),
        language: site.language,
        preview: {
          themeHref: `/admin/preview/theme/${draft.branding.brandColour.slice(1)}-${draft.branding.secondaryColour.slice(1)}.css`,
          logoUrl: draft.branding.logoSvg ? '/admin/preview/logo.svg' : draft.branding.logoPng ? '/admin/preview/logo.png' : undefined,
          backHref: '/admin/site/preview',
        },
      };
      const services = await this.journeys.services(request);
      if (page === 'home') {
        const items = services.map((service) => ({ href: `/${service.id}`, title: local(service.title, site.language), summary: local(service.summary, site.language) }));
        return this.html(reply, this.publicPages.render(previewSite, request, 'home', { services: items }), 200, context);
      }
      const form = services.length ? await this.journeys.form(request, services[0].formVersionId) : null;
      const question = form?.pages.find((candidate) => candidate.type === 'question');
      if (!form || !question) return this.notFound(context);
      return this.html(reply, this.renderFormPage(previewSite, request, form, question, { action: '/admin/site/preview' }), 200, context);
    });
  }

  @Get('preview/theme/:colours')
  previewTheme(@Param('colours') colours: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const match = /^([0-9a-f]{6})-([0-9a-f]{6})\.css$/.exec(colours);
    if (this.cookies.read(request, site.tenant.slug).kind !== 'active' || !match) return reply.code(404).send();
    const css = this.pages.theme.themeCss({ ...site.tenant, branding: { ...site.tenant.branding, brandColour: `#${match[1]}`, secondaryColour: `#${match[2]}` } }).css;
    return reply.code(200).header('content-type', 'text/css; charset=utf-8').header('cache-control', 'private, no-store').send(css);
  }

  @Get('preview/logo.:type')
  async previewLogo(@Param('type') type: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const settings = await this.admin.site(context);
      const branding = (settings.draft?.settings ?? settings.published.settings).branding;
      const logo = type === 'svg' ? branding.logoSvg : type === 'png' && branding.logoPng ? Buffer.from(branding.logoPng, 'base64') : null;
      if (!logo) return this.notFound(context);
      this.writeSession(context);
      return reply
        .code(200)
        .header('content-type', type === 'svg' ? 'image/svg+xml' : 'image/png')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(logo);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Services

  @Get('services')
  async services(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Get('services/:serviceId')
  async service(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Post('services/:serviceId/enabled')
  async setEnabled(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      const on = bodyOf(request).value === 'on';
      await this.admin.setEnabled(context, serviceId, on);
      const service = await this.admin.service(context, serviceId);
      this.flash(context, fill(on ? T.service.switchedOn : T.service.switchedOff, { service: service.title.en }));
      return this.redirect(reply, `/admin/services/${serviceId}`, context);
    });
  }

  @Get('services/:serviceId/questions/:questionId')
  async questionForm(@Param('serviceId') serviceId: string, @Param('questionId') questionId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      const found = await this.findQuestion(context, serviceId, questionId);
      if (!found) return this.notFound(context);
      const { question } = found;
      return this.showQuestionForm(context, found.service, questionId, {
        'label-en': question.label.en,
        'label-cy': question.label.cy ?? '',
        'hint-en': question.hint?.en ?? '',
        'hint-cy': question.hint?.cy ?? '',
      }, []);
    });
  }

  @Post('services/:serviceId/questions/:questionId')
  async saveQuestion(@Param('serviceId') serviceId: string, @Param('questionId') questionId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
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
      return this.redirect(reply, `/admin/services/${serviceId}`, context);
    });
  }

  @Get('services/:serviceId/overlay')
  async overlayForm(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      const service = await this.admin.service(context, serviceId);
      const { service: _service, basedOnVersion: _based, ...overlay } = workingOverlay(service) as Record<string, unknown>;
      return this.showOverlayForm(context, service, toYaml(pruneEmpty(overlay)), []);
    });
  }

  @Post('services/:serviceId/overlay')
  async saveOverlay(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
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
      return this.redirect(reply, `/admin/services/${serviceId}`, context);
    });
  }

  /** The draft's form (or the published one) page by page, as the public will see it. */
  @Get('services/:serviceId/preview')
  async previewService(@Param('serviceId') serviceId: string, @Query('page') pageId: unknown, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      const service = await this.admin.service(context, serviceId);
      const form = service.draft?.form ?? service.current?.form;
      const pages = form?.pages.filter((page) => page.type !== 'check-answers') ?? [];
      const index = Math.max(0, pages.findIndex((page) => page.id === pageId));
      if (!form || !pages[index]) return this.notFound(context);
      const base = `/admin/services/${serviceId}/preview`;
      const previewSite: RequestSite = { ...site, preview: { themeHref: `/assets/theme/${this.pages.theme.themeCss(site.tenant).version}.css`, logoUrl: site.tenant.branding.hasLogo ? `/assets/logo/${site.tenant.themeVersion}.svg` : undefined, backHref: `/admin/services/${serviceId}` } };
      const next = pages[index + 1] ? { action: base, page: pages[index + 1].id } : { action: `/admin/services/${serviceId}` };
      return this.html(reply, this.renderFormPage(previewSite, request, form, pages[index], next), 200, context);
    });
  }

  @Post('services/:serviceId/publish')
  async publishService(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      const note = formValues(request.body, ['note']).note.trim().slice(0, 500);
      const outcome = await this.admin.publishServiceDraft(context, serviceId, note);
      this.flash(context, outcome.version ? fill(T.service.published, { version: outcome.version.version }) : problemMessages(outcome.problems));
      return this.redirect(reply, `/admin/services/${serviceId}`, context);
    });
  }

  @Post('services/:serviceId/discard')
  async discardService(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      await this.admin.discardServiceDraft(context, serviceId);
      this.flash(context, T.service.discarded);
      return this.redirect(reply, `/admin/services/${serviceId}`, context);
    });
  }

  @Get('services/:serviceId/history')
  async history(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      const [service, versions] = await Promise.all([this.admin.service(context, serviceId), this.admin.versions(context, serviceId)]);
      const base = `/admin/services/${serviceId}`;
      const heading = fill(T.history.title, { service: service.title.en });
      return this.show(context, 'history', heading, {
        heading,
        backHref: base,
        csrf: context.session.csrf,
        versions: versions.map((version, index) => ({
          version: version.version,
          published: formatDateTime(version.publishedAt),
          by: version.publishedBy,
          note: version.note ?? '',
          current: index === 0,
          compareHref: index < versions.length - 1 ? `${base}/diff?from=${versions[index + 1].version}&to=${version.version}` : null,
          compareText: index < versions.length - 1 ? fill(T.history.compare, { previous: versions[index + 1].version }) : null,
          rollBackAction: index === 0 ? null : `${base}/roll-back`,
        })),
        admin: T,
      });
    });
  }

  @Get('services/:serviceId/diff')
  async diff(@Param('serviceId') serviceId: string, @Query() query: Record<string, unknown>, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Post('services/:serviceId/roll-back')
  async rollBack(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      const version = Number(bodyOf(request).version);
      if (!SERVICE.test(serviceId) || !Number.isInteger(version) || version < 1) return this.notFound(context);
      const outcome = await this.admin.rollBack(context, serviceId, version);
      this.flash(context, outcome.version ? fill(T.history.rolledBack, { version: outcome.version.version, to: version }) : problemMessages(outcome.problems));
      return this.redirect(reply, `/admin/services/${serviceId}/history`, context);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Drift from the national forms

  @Get('drift')
  async drift(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Get('services/:serviceId/upgrade')
  async upgradePreview(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.page(site, request, reply, async (context) => {
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
    });
  }

  @Post('services/:serviceId/upgrade')
  async upgrade(@Param('serviceId') serviceId: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.action(site, request, reply, async (context) => {
      if (!SERVICE.test(serviceId)) return this.notFound(context);
      const outcome = await this.admin.upgrade(context, serviceId, false);
      this.flash(context, outcome.version ? fill(T.drift.upgraded, { version: outcome.version.version, national: outcome.version.nationalVersion }) : problemMessages(outcome.problems));
      return this.redirect(reply, `/admin/services/${serviceId}`, context);
    });
  }

  @Get('*')
  missing(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const context = this.open(site, request, reply);
    if (context) this.notFound(context);
  }

  // ---------------------------------------------------------------------------------------------

  private showSiteForm(context: StaffContext, values: SiteValues, errors: FieldError[], welsh: boolean, hasLogo: boolean, status = 200) {
    return this.show(
      context,
      'site',
      T.site.title,
      { heading: T.site.title, lead: T.site.lead, errors, fields: siteFormHtml(this.pages.renderPartial, values, errors, welsh, hasLogo), csrf: context.session.csrf, admin: T },
      status,
    );
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

  /** One page of a form in the public layout (nothing is answered: Continue goes on to `next`). */
  private renderFormPage(site: RequestSite, request: FastifyRequest, form: CompiledForm, page: PageDefinition, next: { action: string; page?: string }): string {
    const view = pageView(this.publicPages.engine, form, page, { answers: {}, path: [page.id], errors: [], language: site.language, serviceUrl: '#' });
    return this.publicPages.render(site, request, `journey/${view.kind}`, {
      pageTitle: `${view.heading} – ${local(form.title, site.language)}`,
      view,
      serviceTitle: local(form.title, site.language),
      formAction: next.action,
      formMethod: 'get',
      hiddenFields: next.page ? [{ name: 'page', value: next.page }] : [],
      csrf: '',
      continueButton: { text: 'Continue', preventDoubleClick: true },
    });
  }
}

/** What a preview of the site's draft shows in place of the force's published settings. */
function draftTenant(tenant: PublicTenant, draft: SiteSettings): PublicTenant {
  return {
    ...tenant,
    name: { en: draft.name.en, cy: draft.name.cy ?? null },
    website: draft.website,
    branding: { brandColour: draft.branding.brandColour, secondaryColour: draft.branding.secondaryColour, logoText: { en: draft.branding.logoText.en, cy: draft.branding.logoText.cy ?? null }, hasLogo: Boolean(draft.branding.logoSvg || draft.branding.logoPng), logoType: draft.branding.logoSvg ? 'svg' : draft.branding.logoPng ? 'png' : null },
    contact: { nonEmergency: draft.contact.nonEmergency, textRelayEmergency: draft.contact.textRelayEmergency, textRelayNonEmergency: draft.contact.textRelayNonEmergency ?? null, email: draft.contact.email ?? null },
    promises: {
      triageWithinMinutes: draft.promises.triageWithinMinutes,
      replyWithinHours: draft.promises.replyWithinHours,
      whatHappensNext: draft.promises.whatHappensNext ? { en: draft.promises.whatHappensNext.en, cy: draft.promises.whatHappensNext.cy ?? null } : null,
    },
  };
}

/** The overlay a change starts from: the draft's, else the published one's, else none. */
function workingOverlay(service: AdminService): Record<string, unknown> {
  return (service.draft?.overlay ?? service.current?.overlay ?? {}) as Record<string, unknown>;
}

/** Drops empty lists and objects, so the YAML shows only what the force changes. */
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

function siteChanges(before: SiteSettings, after: SiteSettings): FormChange[] {
  return leafDifferences(before, after)
    .filter((change) => JSON.stringify(change.before ?? null) !== JSON.stringify(change.after ?? null))
    .map((change) => {
      const logo = { 'branding.logoSvg': 'SVG logo', 'branding.logoPng': 'PNG logo' }[change.path];
      return logo ? { path: 'branding.logo', before: change.before ? logo : null, after: change.after ? (change.before ? `A new ${logo}` : logo) : null } : change;
    });
}

function changesTable(changes: FormChange[], what: string, before: string, after: string) {
  return {
    head: [{ text: what }, { text: before }, { text: after }],
    rows: changes.map((change) => [{ text: change.path }, { text: showValue(change.before, T.diff.nothing) }, { text: showValue(change.after, T.diff.nothing) }]),
  };
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

/** A question form's fields from the api's overlay paths (texts.questions.x.hint.en → hint-en). */
function questionField(path: string): string {
  const match = /\.(label|hint)\.(en|cy)$/.exec(path);
  return match ? `${match[1]}-${match[2]}` : 'label-en';
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

/** The site form (multipart, for the logo): its fields, and the logo's content when one was chosen. */
async function readSiteForm(request: FastifyRequest): Promise<{ values: SiteValues; logo: { svg: string | null; png: string | null } | null; logoError?: string }> {
  const raw: Record<string, string> = {};
  let logo: { svg: string | null; png: string | null } | null = null;
  let logoError: string | undefined;
  if (!request.isMultipart()) return { values: formValues(request.body, [...SITE_FIELDS, '_csrf']), logo };
  // A form that cannot be read (cut off, over a limit, text the site cannot keep) is refused with a page saying so; nothing is saved before it is whole.
  for await (const part of formParts(request, { limits: { fileSize: MAX_LOGO_BYTES + 1, fields: 50, files: 1 }, throwFileSizeLimit: false })) {
    if (part.type === 'field') {
      raw[part.fieldname] = String(part.value ?? '').replace(/\r\n/g, '\n');
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of part.file) chunks.push(chunk as Buffer);
    const content = Buffer.concat(chunks);
    if (!part.filename || content.length === 0) continue;
    // Told apart by their bytes, not their names: the api checks each again (and re-encodes a PNG).
    if (part.file.truncated || content.length > MAX_LOGO_BYTES) logoError = T.site.logoTooBig;
    else if (content.subarray(0, 8).equals(PNG_SIGNATURE)) logo = { svg: null, png: content.toString('base64') };
    else if (/\.svg$/i.test(part.filename) || part.mimetype === 'image/svg+xml') logo = { svg: content.toString('utf8'), png: null };
    else logoError = T.site.logoNotSvg;
  }
  return { values: formValues(raw, [...SITE_FIELDS, '_csrf']), logo, logoError };
}
