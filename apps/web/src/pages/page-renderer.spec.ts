import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '@front-counter/config';
import type { FastifyRequest } from 'fastify';
import type { PublicTenant } from '../tenant/public-tenant.js';
import { ThemeService } from '../theme/theme.service.js';
import { WEB_ROOT } from '../web-paths.js';
import { PageRenderer, type RequestSite } from './page-renderer.js';

function tenant(overrides: Partial<PublicTenant> = {}): PublicTenant {
  return {
    slug: 'northshire',
    name: { en: 'Northshire Police', cy: 'Heddlu Gogleddsir' },
    languages: ['en', 'cy'],
    primaryDomain: 'report.northshire.police.example',
    website: 'https://www.northshire.police.example',
    themeVersion: 'aaaaaaaaaaaa',
    branding: { brandColour: '#003a70', secondaryColour: '#ffd100', logoText: { en: 'Northshire Police', cy: 'Heddlu Gogleddsir' }, hasLogo: false },
    contact: { nonEmergency: '101', textRelayEmergency: '18000', textRelayNonEmergency: '18001 101', email: 'contact@northshire.police.example' },
    promises: { triageWithinMinutes: 45, replyWithinHours: 48, whatHappensNext: null },
    suspended: false,
    ...overrides,
  };
}

const config = { web: { quickExitUrl: 'https://www.bbc.co.uk/weather' } } as AppConfig;
const request = {} as FastifyRequest;

/** The page as the layout renders it whole, around the page's own template, with the same context. */
function renderedWhole(renderer: PageRenderer, site: RequestSite, page: string, context: Record<string, unknown>): string {
  const compile = (name: string) => renderer.engine.compile(readFileSync(path.join(WEB_ROOT, 'views', `${name}.hbs`), 'utf8'), { strict: false });
  const shared = (renderer as unknown as { siteParts(site: RequestSite): { root: object } }).siteParts(site).root;
  const root = { ...context, ...shared };
  return compile('layouts/main')({ ...root, body: compile(`pages/${page}`)(root) });
}

describe('PageRenderer', () => {
  const renderer = new PageRenderer(new ThemeService(), config);
  const content = { content: { title: 'About us', sections: [{ heading: 'Who we are', paragraphs: ['We keep Northshire safe.'] }] } };

  it('renders a page inside its force\'s layout exactly as the whole layout would, with or without a title, in each language', () => {
    const force = tenant();
    for (const language of ['en', 'cy'] as const) {
      const site = { tenant: force, language };
      for (const context of [{ ...content, pageTitle: 'About us' }, content, { ...content, pageTitle: '' }, { ...content, pageTitle: 'Tom & Jerry\'s "<script>alert(1)</script>" `page`' }]) {
        // Twice: the first render makes the force's shell, the second uses it.
        const first = renderer.render(site, request, 'content', context);
        expect(renderer.render(site, request, 'content', context)).toBe(first);
        expect(first).toBe(renderedWhole(renderer, site, 'content', context));
      }
    }
    const titled = renderer.render({ tenant: force, language: 'en' }, request, 'content', { ...content, pageTitle: 'Tom & Jerry <b>' });
    expect(titled).toContain('<title>Tom &amp; Jerry &lt;b&gt; – Northshire Police</title>');
    expect(titled).not.toMatch(/fc-layout-(title|body)-/);
    expect(renderer.render({ tenant: force, language: 'cy' }, request, 'content', content)).toContain('<title>Heddlu Gogleddsir</title>');
  });

  it('a changed force (a new object from the site\'s cache) is rendered with its new details, and a preview never shares the published shell', () => {
    const before = tenant();
    expect(renderer.render({ tenant: before, language: 'en' }, request, 'content', content)).toContain('contact@northshire.police.example');
    const after = tenant({ contact: { ...before.contact, email: 'new@northshire.police.example' } });
    const renamed = renderer.render({ tenant: after, language: 'en' }, request, 'content', content);
    expect(renamed).toContain('new@northshire.police.example');
    expect(renamed).not.toContain('contact@northshire.police.example');
    const preview = { tenant: before, language: 'en' as const, preview: { themeHref: '/admin/preview/theme.css', backHref: '/admin/branding' } };
    const previewed = renderer.render(preview, request, 'content', content);
    expect(previewed).toContain('This is a preview of changes that are not published.');
    expect(previewed).toBe(renderedWhole(renderer, preview, 'content', content));
    expect(renderer.render({ tenant: before, language: 'en' }, request, 'content', content)).not.toContain('This is a preview');
  });
});
