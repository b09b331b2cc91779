import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setRequestTenant, type Logger } from '@front-counter/logging';
import { localText, normaliseHost } from '@front-counter/public-kit';
import type { Language } from '@front-counter/tenancy';
import { translate } from '../i18n/messages.js';
import type { PageRenderer } from '../pages/page-renderer.js';
import { seeOther } from '../pages/redirects.js';
import { attachSite } from './current-site.decorator.js';
import type { TenantLookup } from './tenant-lookup.js';
import type { PublicTenant } from './public-tenant.js';

export const LANGUAGE_COOKIE = 'fc_lang';
/** Paths served the same for every host: no force is looked up for them. */
export const SITE_INDEPENDENT = /^\/(health\/|assets\/(govuk|site|css)\/)/;
/** What a suspended force's site still serves: staff and administration pages (its reports are still worked), tracking of reports already made, its theme. */
const OPEN_WHEN_SUSPENDED = /^\/(staff|admin|track|assets)(\/|\?|$)/;

/** What the national host serves: its pages, staff sign-in and out, and the theme. */
const NATIONAL_PATHS = /^\/(national(\/|\?|$)|staff(\/(sign-in|callback|sign-out|signed-out))?(\?|$)|assets\/theme\/[\w.-]+$)/;

/** The national host as a site: the programme team's name and colours, signing in through the national realm. */
export const NATIONAL_SITE: PublicTenant = {
  slug: 'national',
  name: { en: 'Front Counter national programme team', cy: null },
  languages: ['en'],
  primaryDomain: 'national',
  website: null,
  themeVersion: 'national',
  branding: { brandColour: '#1d4f91', secondaryColour: '#f0b323', logoText: { en: 'Front Counter national programme', cy: null }, hasLogo: false },
  contact: { nonEmergency: '101', textRelayEmergency: '18000', textRelayNonEmergency: null, email: null },
  promises: { triageWithinMinutes: 45, replyWithinHours: 48, whatHappensNext: null },
  suspended: false,
};

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie ?? '';
  return header.split(';').map((part) => part.trim().split('=')).find(([key]) => key === name)?.[1];
}

function chooseLanguage(request: FastifyRequest, reply: FastifyReply, offered: Language[], secure: boolean): Language {
  const asked = (request.query as Record<string, string | undefined>)?.lang;
  if (asked && offered.includes(asked as Language)) {
    // Remember an explicit choice; the cookie holds nothing personal.
    reply.header('set-cookie', `${LANGUAGE_COOKIE}=${asked}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`);
    return asked as Language;
  }
  const remembered = cookie(request, LANGUAGE_COOKIE);
  if (remembered && offered.includes(remembered as Language)) return remembered as Language;
  const preferred = /^\s*cy\b/i.test(request.headers['accept-language'] ?? '');
  return preferred && offered.includes('cy') ? 'cy' : 'en';
}

/**
 * Tenant from the edge, once: every request but health checks and shared assets is resolved to a
 * force by its Host before any route runs. An unknown host gets the 404 page that names no force.
 */
export function registerTenantHook(fastify: FastifyInstance, deps: { nationalHost: string | null; lookup: TenantLookup; renderer: PageRenderer; logger: Logger; secureCookies: boolean }): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (SITE_INDEPENDENT.test(request.url)) return;
    if (deps.nationalHost && normaliseHost(request.headers.host) === deps.nationalHost) {
      // The national programme team's host: its pages and staff sign-in, nothing of any force.
      if (request.url === '/' || request.url.startsWith('/?')) return seeOther(reply, '/national');
      if (!NATIONAL_PATHS.test(request.url)) return reply.code(404).header('content-type', 'text/html; charset=utf-8').send(deps.renderer.renderPlain('unknownHost'));
      setRequestTenant(request, 'national');
      attachSite(request, { tenant: NATIONAL_SITE, language: 'en', national: true });
      return;
    }
    let tenant;
    try {
      tenant = await deps.lookup.forHost(request.headers.host, request.id);
    } catch (error) {
      deps.logger.error({ requestId: request.id, err: error }, 'could not resolve the force for a request');
      return reply.code(503).header('content-type', 'text/html; charset=utf-8').header('retry-after', '30').send(deps.renderer.renderPlain('unavailable'));
    }
    if (!tenant) {
      return reply.code(404).header('content-type', 'text/html; charset=utf-8').send(deps.renderer.renderPlain('unknownHost'));
    }
    setRequestTenant(request, tenant.slug);
    const site = { tenant, language: chooseLanguage(request, reply, tenant.languages, deps.secureCookies) };
    attachSite(request, site);
    if (tenant.suspended && !OPEN_WHEN_SUSPENDED.test(request.url)) {
      // Suspended by the national programme team: a clear notice instead of any way to report.
      return reply.code(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(deps.renderer.render(site, request, 'suspended', { pageTitle: String(translate(site.language, 'suspended.title', { force: localText(tenant.name, site.language) })) }));
    }
  });
}
