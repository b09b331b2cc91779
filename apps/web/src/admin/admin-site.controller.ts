import { Controller, Get, Param, Post } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { leafDifferences } from '@front-counter/public-kit';
import { formParts } from '../bad-requests/multipart-parts.js';
import { local } from '../journey/journey-view.js';
import { JourneyApi } from '../journey/journey-api.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { bytesReply, emptyReply } from '../pages/web-reply.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import type { PublicTenant } from '../tenant/public-tenant.js';
import type { StaffContext } from '../staff/staff-api.js';
import { formValues, type FieldError } from '../staff/staff-forms.js';
import { StaffPages } from '../staff/staff-pages.js';
import { csrfMatches } from '../staff/staff-session.js';
import { StaffAction, StaffCookieJar, StaffCookiesPage, StaffPage } from '../staff/staff-sessions.js';
import { AdminApi, type FormChange, type SiteSettings } from './admin-api.js';
import { fieldOf, fill, problemMessages, problemsAsErrors, SITE_FIELDS, siteFormHtml, siteSettingsFrom, siteValues, type SiteValues } from './admin-forms.js';
import { AdminPageController } from './admin-page-controller.js';
import { ADMIN_TEXT as T } from './admin-texts.js';
import { changesTable, renderFormPage } from './admin-views.js';

const MAX_LOGO_BYTES = 200_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A force administrator's home page and the site's settings and branding: a draft, a preview of the
 * themed home and question pages, publish or discard. Every change goes through the api, which
 * decides who may make it; refusals are shown on their fields and change nothing.
 */
@Controller('admin')
export class AdminSiteController extends AdminPageController {
  constructor(
    pages: StaffPages,
    private readonly admin: AdminApi,
    private readonly publicPages: PageRenderer,
    private readonly journeys: JourneyApi,
  ) {
    super(pages);
  }

  @Get()
  @StaffPage()
  async home(@CurrentSession() context: StaffContext) {
    const { site } = context;
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
        { href: '/admin/back-office', text: T.home.backOffice, hint: T.home.backOfficeHint, tagHtml: '' },
        { href: '/admin/deliveries', text: T.home.deliveries, hint: T.home.deliveriesHint, tagHtml: '' },
      ],
    });
  }

  @Get('site')
  @StaffPage()
  async siteForm(@CurrentSession() context: StaffContext) {
    const settings = await this.admin.site(context);
    const current = settings.draft?.settings ?? settings.published.settings;
    return this.showSiteForm(context, siteValues(current), [], settings.languages.includes('cy'), Boolean(current.branding.logoSvg || current.branding.logoPng));
  }

  @Post('site')
  @StaffPage()
  async saveSite(@CurrentSession() context: StaffContext) {
    const { site, request } = context;
    // Multipart (the logo); the form's token is checked once its fields are read, before anything is sent on.
    const { values, logo, logoError } = await readSiteForm(request);
    if (!csrfMatches(context.session, values._csrf)) {
      context.keepCookie = true;
      return this.formExpired(site, context.session);
    }
    const settings = await this.admin.site(context);
    const current = settings.draft?.settings ?? settings.published.settings;
    const welsh = settings.languages.includes('cy');
    const kept = { svg: current.branding.logoSvg, png: current.branding.logoPng ?? null };
    const parsed = siteSettingsFrom(values, values.removeLogo === 'yes' ? { svg: null, png: null } : (logo ?? kept));
    const errors = [...(logoError ? [{ field: 'logo', text: logoError }] : []), ...('errors' in parsed ? parsed.errors : [])];
    if (errors.length || 'errors' in parsed) return this.showSiteForm(context, values, errors, welsh, Boolean(current.branding.logoSvg || current.branding.logoPng), 400);
    const problems = await this.admin.saveSiteDraft(context, parsed.settings);
    if (problems.length) return this.showSiteForm(context, values, problemsAsErrors(problems, fieldOf), welsh, Boolean(current.branding.logoSvg || current.branding.logoPng), 400);
    return this.redirect('/admin/site/preview');
  }

  @Get('site/preview')
  @StaffPage()
  async sitePreview(@CurrentSession() context: StaffContext) {
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
  }

  @Post('site/publish')
  @StaffAction()
  async publishSite(@CurrentSession() context: StaffContext) {
    const problems = await this.admin.publishSiteDraft(context);
    this.flash(context, problems.length ? problemMessages(problems) : T.preview.published);
    return this.redirect(problems.length ? '/admin/site/preview' : '/admin');
  }

  @Post('site/discard')
  @StaffAction()
  async discardSite(@CurrentSession() context: StaffContext) {
    await this.admin.discardSiteDraft(context);
    this.flash(context, T.preview.discarded);
    return this.redirect('/admin');
  }

  /** The home page, or a question page, as the public will see them once the site's draft is published. */
  @Get('preview/:page')
  @StaffPage()
  async previewPage(@Param('page') page: string, @CurrentSession() context: StaffContext) {
    const { site, request } = context;
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
      return this.html(this.publicPages.render(previewSite, request, 'home', { services: items }));
    }
    const form = services.length ? await this.journeys.form(request, services[0].formVersionId) : null;
    const question = form?.pages.find((candidate) => candidate.type === 'question');
    if (!form || !question) return this.notFound(context);
    return this.html(renderFormPage(this.publicPages, previewSite, request, form, question, { action: '/admin/site/preview' }));
  }

  @Get('preview/theme/:colours')
  @StaffCookiesPage()
  previewTheme(@Param('colours') colours: string, @CurrentSession() cookies: StaffCookieJar) {
    const { site } = cookies;
    const match = /^([0-9a-f]{6})-([0-9a-f]{6})\.css$/.exec(colours);
    if (cookies.lookup().kind !== 'active' || !match) return emptyReply(404);
    const css = this.pages.theme.themeCss({ ...site.tenant, branding: { ...site.tenant.branding, brandColour: `#${match[1]}`, secondaryColour: `#${match[2]}` } }).css;
    return bytesReply(css, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'private, no-store' });
  }

  @Get('preview/logo.:type')
  @StaffPage()
  async previewLogo(@Param('type') type: string, @CurrentSession() context: StaffContext) {
    const settings = await this.admin.site(context);
    const branding = (settings.draft?.settings ?? settings.published.settings).branding;
    const logo = type === 'svg' ? branding.logoSvg : type === 'png' && branding.logoPng ? Buffer.from(branding.logoPng, 'base64') : null;
    if (!logo) return this.notFound(context);
    return bytesReply(logo, {
      'content-type': type === 'svg' ? 'image/svg+xml' : 'image/png',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  }

  private showSiteForm(context: StaffContext, values: SiteValues, errors: FieldError[], welsh: boolean, hasLogo: boolean, status = 200) {
    return this.show(
      context,
      'site',
      T.site.title,
      { heading: T.site.title, lead: T.site.lead, errors, fields: siteFormHtml(this.pages.renderPartial, values, errors, welsh, hasLogo), csrf: context.session.csrf, admin: T },
      status,
    );
  }
}

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

function siteChanges(before: SiteSettings, after: SiteSettings): FormChange[] {
  return leafDifferences(before, after)
    .filter((change) => JSON.stringify(change.before ?? null) !== JSON.stringify(change.after ?? null))
    .map((change) => {
      const logo = { 'branding.logoSvg': 'SVG logo', 'branding.logoPng': 'PNG logo' }[change.path];
      return logo ? { path: 'branding.logo', before: change.before ? logo : null, after: change.after ? (change.before ? `A new ${logo}` : logo) : null } : change;
    });
}

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
