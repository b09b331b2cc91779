import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { localText } from '@front-counter/public-kit';
import { clientKey, type LimitOutcome, type RateLimits } from '@front-counter/rate-limits';
import type { Language } from '@front-counter/tenancy';
import { translate } from './i18n/messages.js';
import type { PageRenderer, RequestSite } from './pages/page-renderer.js';
import { siteOf } from './tenant/current-site.decorator.js';

/** Signed-in work (staff, force administrators) is limited by the api's cost allowance, not as public posts. */
const NOT_PUBLIC = /^\/(staff|admin|national)(\/|$|\?)/;

/**
 * The force sites' public form posts: so many per client address and so many per force, checked
 * before the body is read. A refused post gets 429 with Retry-After and a page in both languages.
 */
export function registerRateLimits(fastify: FastifyInstance, limits: RateLimits, pages: PageRenderer): void {
  // A callback hook: the pages read by GET pass without a promise made for them.
  fastify.addHook('onRequest', (request, reply, done) => {
    const site = request.method === 'POST' && !NOT_PUBLIC.test(request.url) ? siteOf(request) : undefined;
    if (!site || site.national) return done();
    limits
      .consumeAll(
        [
          { name: 'postsPerClient', key: clientKey(request.ip) },
          { name: 'postsPerForce', key: site.tenant.slug },
        ],
        site.tenant.slug,
      )
      .then((outcome) => (outcome.allowed ? done() : void sendTooManyRequests(reply, request, pages, site, outcome.retryAfterSeconds)), done);
  });
}

function wait(language: Language, seconds: number): string {
  if (seconds < 60) return String(translate(language, 'tooManyRequests.seconds', { count: seconds }));
  const minutes = Math.ceil(seconds / 60);
  return String(minutes === 1 ? translate(language, 'tooManyRequests.minute') : translate(language, 'tooManyRequests.minutes', { count: minutes }));
}

/** 429 with Retry-After: the page in the reader's language, then in the force's other language. */
export function sendTooManyRequests(reply: FastifyReply, request: FastifyRequest, pages: PageRenderer, site: RequestSite, retryAfterSeconds: number): FastifyReply {
  const language = site.language;
  const otherLanguage = site.tenant.languages.find((candidate) => candidate !== language) ?? (language === 'en' ? 'cy' : 'en');
  const params = { nonEmergency: site.tenant.contact.nonEmergency, force: localText(site.tenant.name, otherLanguage) };
  const other = {
    lang: otherLanguage,
    title: translate(otherLanguage, 'tooManyRequests.title'),
    body: translate(otherLanguage, 'tooManyRequests.body', { ...params, wait: wait(otherLanguage, retryAfterSeconds) }),
  };
  const html = pages.render(site, request, 'too-many-requests', { pageTitle: String(translate(language, 'tooManyRequests.title')), wait: wait(language, retryAfterSeconds), other });
  return reply.code(429).header('retry-after', String(retryAfterSeconds)).header('cache-control', 'no-store').header('content-type', 'text/html; charset=utf-8').send(html);
}

/** The api refused the request under one of its limits (GraphQL error code RATE_LIMITED). */
export function rateLimitedOutcome(error: unknown): Extract<LimitOutcome, { allowed: false }> | null {
  const errors = (error as { errors?: { extensions?: { code?: string; retryAfterSeconds?: number; limit?: string } }[] }).errors;
  const refused = errors?.find((entry) => entry.extensions?.code === 'RATE_LIMITED');
  if (!refused) return null;
  return { allowed: false, limit: (refused.extensions?.limit ?? 'graphqlCostPerClient') as never, retryAfterSeconds: Math.max(1, Number(refused.extensions?.retryAfterSeconds) || 60) };
}
