import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { localText } from '@front-counter/public-kit';
import type { Language } from '@front-counter/tenancy';
import { FORM_LIMITS, type BadRequestProblem } from '../bad-requests/bad-request.js';
import { translate, type MessageParams } from '../i18n/messages.js';
import { createViewEngine } from '../rendering/handlebars.js';
import { logoUrlOf, type PublicTenant } from '../tenant/public-tenant.js';
import { ThemeService } from '../theme/theme.service.js';
import { WEB_ROOT } from '../web-paths.js';

/** What the tenant hook found for this request: the force and the language to answer in. */
export interface RequestSite {
  tenant: PublicTenant;
  language: Language;
  /** The national programme team's host: no force; only its own pages and staff sign-in. */
  national?: boolean;
  /** A force administrator's preview of unpublished settings: the theme and logo come from the draft. */
  preview?: { themeHref: string; logoUrl?: string; backHref: string };
}

type Template = (context: object) => string;

/** Where a page's title and body go in a force's layout shell: text no template writes, and that escaping leaves as it is. */
const TITLE_MARK = `fc-layout-title-${randomBytes(8).toString('hex')}`;
const BODY_MARK = `fc-layout-body-${randomBytes(8).toString('hex')}`;

/** What a page's context shares with every page of its force in its language. */
type SiteRoot = Record<string, unknown> & { lang: Language };
interface SiteParts {
  root: SiteRoot;
  /** The layout cut at its marks; null when it cannot be (rendered whole instead). */
  shells: { titled?: string[] | null; untitled?: string[] | null };
}

/** Whether `{{#if value}}` shows its block: Handlebars treats 0, empty text and empty lists as false. */
const isTruthyForIf = (value: unknown): boolean => Boolean(value) && !(Array.isArray(value) && value.length === 0);

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Cymraeg' };

/** Renders force pages: the page template inside the force's themed layout, in the chosen language. */
@Injectable()
export class PageRenderer {
  /** Shared with the journey's question rendering (govuk-frontend partials). */
  readonly engine = createViewEngine(path.join(WEB_ROOT, 'views'));
  private readonly templates = new Map<string, Template>();
  private readonly sites = new WeakMap<PublicTenant, Map<string, SiteParts>>();

  constructor(
    private readonly theme: ThemeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.engine.registerHelper('t', (key: string, options: { hash: MessageParams; data: { root: { lang: Language; messageParams: MessageParams } } }) => {
      const root = options.data.root;
      return translate(root.lang, key, { ...root.messageParams, ...options.hash });
    });
  }

  private template(name: string): Template {
    let template = this.templates.get(name);
    if (!template) {
      template = this.engine.compile(readFileSync(path.join(WEB_ROOT, 'views', `${name}.hbs`), 'utf8'), { strict: false });
      this.templates.set(name, template);
    }
    return template;
  }

  /** A page for a known force. */
  render(site: RequestSite, request: FastifyRequest, page: string, context: { pageTitle?: string } & Record<string, unknown> = {}): string {
    const parts = site.preview ? this.siteParts(site) : this.cachedSiteParts(site);
    const root = { ...context, ...parts.root };
    const body = this.template(`pages/${page}`)(root);
    const titled = isTruthyForIf(context.pageTitle);
    const shell = (parts.shells[titled ? 'titled' : 'untitled'] ??= this.layoutShell(parts.root, titled));
    if (!shell) return this.template('layouts/main')({ ...root, body });
    return titled ? shell[0] + this.engine.Utils.escapeExpression(context.pageTitle as string) + shell[1] + body + shell[2] : shell[0] + body + shell[1];
  }

  /**
   * A force's layout in one language (the same for every visitor: it holds the force's name, header,
   * footer, quick exit and emergency notice, never anything of the visitor's), rendered once around
   * marks where the title and the page go and cut there. Null, and the layout rendered whole on every
   * page, should a mark not appear exactly once.
   */
  private layoutShell(root: SiteRoot, titled: boolean): string[] | null {
    const html = this.template('layouts/main')({ ...root, pageTitle: titled ? TITLE_MARK : undefined, body: BODY_MARK });
    const marks = titled ? [TITLE_MARK, BODY_MARK] : [BODY_MARK];
    const pieces: string[] = [];
    let rest = html;
    for (const mark of marks) {
      const at = rest.indexOf(mark);
      if (at < 0 || rest.indexOf(mark, at + 1) >= 0) return null;
      pieces.push(rest.slice(0, at));
      rest = rest.slice(at + mark.length);
    }
    if (rest.includes(TITLE_MARK) || rest.includes(BODY_MARK)) return null;
    pieces.push(rest);
    return pieces;
  }

  /** What every page of a force in a language shares, kept with the force's object (a new one when the force changes or its cache renews). */
  private cachedSiteParts(site: RequestSite): SiteParts {
    let byLanguage = this.sites.get(site.tenant);
    if (!byLanguage) this.sites.set(site.tenant, (byLanguage = new Map()));
    const key = `${site.language} ${this.theme.baseCss().version} ${this.theme.themeCss(site.tenant).version}`;
    let parts = byLanguage.get(key);
    if (!parts) byLanguage.set(key, (parts = this.siteParts(site)));
    return parts;
  }

  private siteParts(site: RequestSite): SiteParts {
    const { tenant, language } = site;
    const local = (text: { en: string; cy?: string | null } | null | undefined) => localText(text, language);
    const force = {
      name: local(tenant.name),
      logoText: local(tenant.branding.logoText),
      logoUrl: site.preview ? site.preview.logoUrl : logoUrlOf(tenant),
      brandColour: tenant.branding.brandColour,
      website: tenant.website,
      email: tenant.contact.email,
      textRelayNonEmergency: tenant.contact.textRelayNonEmergency,
      whatHappensNext: local(tenant.promises.whatHappensNext),
    };
    // A query-only link stays on this page; building it from the request path would let `//other.site` through.
    const languageSwitch =
      tenant.languages.length > 1 ? tenant.languages.map((lang) => ({ lang, label: LANGUAGE_NAMES[lang], href: `?lang=${lang}`, current: lang === language })) : undefined;
    const root = {
      lang: language,
      force,
      quickExitUrl: this.config.web.quickExitUrl,
      languageSwitch,
      alternateLanguages: languageSwitch?.filter((entry) => !entry.current),
      css: { base: this.theme.baseCss().version, themeHref: site.preview?.themeHref ?? `/assets/theme/${this.theme.themeCss(tenant).version}.css` },
      preview: site.preview,
      messageParams: {
        force: force.name,
        nonEmergency: tenant.contact.nonEmergency,
        textRelayEmergency: tenant.contact.textRelayEmergency,
        textRelayNonEmergency: tenant.contact.textRelayNonEmergency ?? undefined,
        email: tenant.contact.email ?? undefined,
        minutes: tenant.promises.triageWithinMinutes,
        hours: tenant.promises.replyWithinHours,
      },
    };
    return { root, shells: {} };
  }

  /** A page that belongs to no force (unknown host, a bad request, the api unreachable): English and Welsh, names no force. */
  renderPlain(kind: 'unknownHost' | 'badRequest' | 'unavailable'): string {
    if (kind === 'badRequest') return this.renderBadRequest(undefined, undefined, { problem: null });
    const key = { unknownHost: 'notFound', unavailable: 'error' }[kind];
    const params = { nonEmergency: '101' };
    const languages = (['en', 'cy'] as const).map((lang) => ({
      lang,
      title: translate(lang, `${key}.title`, params),
      paragraphs: translate(lang, `${key}.body`, params),
    }));
    return this.plain(languages);
  }

  private plain(languages: { lang: Language; title: unknown; paragraphs: unknown }[]): string {
    return this.template('layouts/plain')({ title: `${languages[0].title} / ${languages[1].title}`, languages, css: { base: this.theme.baseCss().version } });
  }

  /**
   * "There is a problem with your request", saying what the problem was, in English and Welsh
   * whatever the force offers (the request may not have said which it reads): in the force's theme
   * when the force is known, else plain, naming no force. `storedNothing` when the site made sure
   * nothing of the request was kept.
   */
  renderBadRequest(site: RequestSite | undefined, request: FastifyRequest | undefined, refusal: { problem: BadRequestProblem | null; storedNothing?: boolean }): string {
    const first: Language = site?.language ?? 'en';
    const order: Language[] = first === 'cy' ? ['cy', 'en'] : ['en', 'cy'];
    const sections = order.map((lang) => {
      const params = { nonEmergency: site?.tenant.contact.nonEmergency ?? '101', force: site ? localText(site.tenant.name, lang) : '', files: FORM_LIMITS.files };
      const [tryAgain, urgent] = translate(lang, 'badRequest.body', params) as string[];
      const paragraphs = refusal.problem
        ? [translate(lang, `badRequest.problems.${refusal.problem}`, params), ...(refusal.storedNothing ? [translate(lang, 'badRequest.nothingKept')] : []), translate(lang, 'badRequest.tryAgain'), urgent]
        : [tryAgain, urgent];
      return { lang, title: translate(lang, 'badRequest.title'), paragraphs, homeLink: site && !site.national ? { href: '/', text: translate(lang, 'badRequest.homeLink', params) } : undefined };
    });
    if (!site || !request) return this.plain(sections);
    return this.render(site, request, 'bad-request', { pageTitle: `${sections[0].title} / ${sections[1].title}`, sections });
  }
}
