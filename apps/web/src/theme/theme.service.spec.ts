import type { PublicTenant } from '../tenant/public-tenant.js';
import { ThemeService } from './theme.service.js';

function tenant(brandColour: string, themeVersion: string): PublicTenant {
  return {
    slug: 'northshire',
    name: { en: 'Northshire Police', cy: null },
    languages: ['en'],
    primaryDomain: 'report.northshire.police.example',
    website: null,
    themeVersion,
    branding: { brandColour, secondaryColour: '#ffd100', logoText: { en: 'Northshire Police', cy: null }, hasLogo: false },
    contact: { nonEmergency: '101', textRelayEmergency: '18000', textRelayNonEmergency: null, email: null },
    promises: { triageWithinMinutes: 45, replyWithinHours: 48, whatHappensNext: null },
    suspended: false,
  };
}

describe('ThemeService', () => {
  const themes = new ThemeService();

  it('builds a force theme from its colours once per branding version, then serves it from the cache', () => {
    const first = themes.themeCss(tenant('#003a70', 'aaaaaaaaaaaa'));
    expect(first.css).toMatch(/--govuk-brand-colour: ?#003a70/);
    expect(first.css).toMatch(/--fc-secondary-colour: ?#ffd100/);
    // Same version: the very same compiled object, not a rebuild.
    expect(themes.themeCss(tenant('#003a70', 'aaaaaaaaaaaa'))).toBe(first);
    const rebranded = themes.themeCss(tenant('#4a1a5c', 'bbbbbbbbbbbb'));
    expect(rebranded).not.toBe(first);
    expect(rebranded.version).not.toBe(first.version);
    expect(rebranded.css).toMatch(/--govuk-brand-colour: ?#4a1a5c/);
  });

  it('refuses colours that are not #rrggbb rather than pass them to Sass', () => {
    expect(() => themes.themeCss(tenant('red; } body { display: none', 'cccccccccccc'))).toThrow(/Invalid theme colours/);
  });

  it('compiles govuk-frontend once with a system font, no GOV.UK typeface', () => {
    const base = themes.baseCss();
    expect(themes.baseCss()).toBe(base);
    expect(base.css).toContain('.govuk-button');
    expect(base.css).toContain('.fc-header');
    expect(base.css).not.toContain('GDS Transport');
    expect(base.version).toMatch(/^[0-9a-f]{12}$/);
  });
});
