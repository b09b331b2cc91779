import { createHash } from 'node:crypto';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import * as sass from 'sass';
import { TimedCache } from '@front-counter/caching';
import type { PublicTenant } from '../tenant/public-tenant.js';
import { GOVUK_FRONTEND_ROOT, WEB_ROOT } from '../web-paths.js';

export interface CompiledCss {
  css: string;
  version: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The per-force stylesheet: govuk-frontend's colour custom properties and the button colours Sass fixes at build time. */
const THEME_TEMPLATE = `
  @use "sass:color";
  $brand: BRAND;
  $secondary: SECONDARY;
  $brand-dark: color.mix(#000000, $brand, 20%);
  $brand-darker: color.mix(#000000, $brand, 40%);
  :root {
    --govuk-brand-colour: #{$brand};
    --govuk-link-colour: #{$brand};
    --govuk-link-hover-colour: #{$brand-darker};
    --fc-secondary-colour: #{$secondary};
  }
  .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning):not(.govuk-button--inverse) {
    background-color: $brand;
    box-shadow: 0 2px 0 $brand-darker;
    &:hover { background-color: $brand-dark; }
  }
`;

/**
 * Stylesheets: one shared base (govuk-frontend compiled once per process with the police font and
 * the site's own styles) and a small theme per force, built once per branding version and cached.
 */
@Injectable()
export class ThemeService {
  private base?: CompiledCss;
  /** By colour pair: a page view only looks its theme up, it never re-hashes the template. A theme never goes stale, so only the bound retires one. */
  private readonly themes = new TimedCache<string, CompiledCss>({ ttlMs: Infinity, maxEntries: 1000 });

  baseCss(): CompiledCss {
    if (!this.base) {
      const { css } = sass.compile(path.join(WEB_ROOT, 'styles/site.scss'), {
        loadPaths: [path.dirname(GOVUK_FRONTEND_ROOT)],
        style: 'compressed',
        quietDeps: true,
      });
      this.base = { css, version: hash(css) };
    }
    return this.base;
  }

  /**
   * A force's theme, keyed by its colours and this template together: a change to either gives a new
   * URL, so browsers may cache each one for a year.
   */
  themeCss(tenant: PublicTenant): CompiledCss {
    const { brandColour, secondaryColour } = tenant.branding;
    // Checked here too, not only when the tenant file was loaded: nothing unchecked reaches Sass.
    if (![brandColour, secondaryColour].every((colour) => /^#[0-9a-f]{6}$/i.test(colour))) throw new Error(`Invalid theme colours for ${tenant.slug}`);
    const key = `${brandColour}|${secondaryColour}`.toLowerCase();
    const cached = this.themes.get(key);
    if (cached) return cached;
    const source = THEME_TEMPLATE.replace('BRAND', brandColour).replace('SECONDARY', secondaryColour);
    const compiled = { css: sass.compileString(source, { style: 'compressed' }).css, version: hash(source) };
    this.themes.set(key, compiled);
    return compiled;
  }
}
