import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as sass from 'sass';
import type { PublicTenant } from '../tenant/public-tenant.js';
import { darkened, loadBaseCss, ThemeService } from './theme.service.js';

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

  it('darkens the brand colour for buttons as Sass color.mix with black does, to the nearest #rrggbb', () => {
    for (const colour of ['#003a70', '#4a1a5c', '#1d4f91', '#ffffff', '#0b0c0c', '#01ab3f', '#7f7f7f']) {
      for (const fraction of [0.2, 0.4]) {
        const channels = sass
          .compileString(`@use "sass:color"; $m: color.mix(#000000, ${colour}, ${fraction * 100}%); a { ${['red', 'green', 'blue'].map((name) => `${name}: color.channel($m, "${name}", $space: rgb);`).join(' ')} }`, { style: 'compressed' })
          .css.match(/[\d.]+(?=[;}])/g)!
          .map(Number);
        const ours = darkened(colour, fraction);
        expect([1, 3, 5].map((start) => Number.parseInt(ours.slice(start, start + 2), 16))).toEqual(channels.map(Math.round));
      }
    }
    expect(themes.themeCss(tenant('#1d4f91', 'dddddddddddd')).css).toContain('box-shadow:0 2px 0 #112f57');
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

  it('serves the stylesheet the build compiled when there is one, and compiles it when running from source', () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'front-counter-css-'));
    try {
      const built = path.join(folder, 'site.css');
      writeFileSync(built, '.fc-built{}');
      expect(loadBaseCss(built)).toBe('.fc-built{}');
      expect(loadBaseCss(path.join(folder, 'absent.css'))).toBe(themes.baseCss().css);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
