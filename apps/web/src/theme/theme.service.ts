import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import { TimedCache } from '@front-counter/caching';
import type { PublicTenant } from '../tenant/public-tenant.js';
import { GOVUK_FRONTEND_ROOT, WEB_ROOT } from '../web-paths.js';

export interface CompiledCss {
  css: string;
  version: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * `colour` mixed with black, as Sass's `color.mix(#000000, colour, fraction)` does (each channel scaled
 * by 1 - fraction), rounded to #rrggbb: the darker shades govuk-frontend's buttons use.
 */
export function darkened(colour: string, fraction: number): string {
  const channels = [1, 3, 5].map((start) => Math.round(Number.parseInt(colour.slice(start, start + 2), 16) * (1 - fraction)));
  return `#${channels.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The per-force stylesheet: govuk-frontend's colour custom properties and the button colours its Sass
 * fixes at build time. Plain CSS made here, so that serving a force needs no Sass compiler in memory.
 */
function themeSource(brand: string, secondary: string): string {
  const [dark, darker] = [darkened(brand, 0.2), darkened(brand, 0.4)];
  return (
    `:root{--govuk-brand-colour:${brand};--govuk-link-colour:${brand};--govuk-link-hover-colour:${darker};--fc-secondary-colour:${secondary}}` +
    `.govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning):not(.govuk-button--inverse){background-color:${brand};box-shadow:0 2px 0 ${darker}}` +
    `.govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning):not(.govuk-button--inverse):hover{background-color:${dark}}`
  );
}

/** Where `npm run build` writes the shared stylesheet, compiled (beside the web's compiled code in dist/). */
export const BUILT_BASE_CSS = fileURLToPath(new URL('../../site.css', import.meta.url));

/** govuk-frontend and the site's own styles, compiled by Sass (loaded for this alone). */
export function compileBaseCss(): string {
  const sass = createRequire(import.meta.url)('sass') as typeof import('sass');
  return sass.compile(path.join(WEB_ROOT, 'styles/site.scss'), { loadPaths: [path.dirname(GOVUK_FRONTEND_ROOT)], style: 'compressed', quietDeps: true }).css;
}

/** The shared stylesheet: as the build compiled it, or (running from source, as the tests do) compiled now. */
export function loadBaseCss(builtFile = BUILT_BASE_CSS): string {
  return existsSync(builtFile) ? readFileSync(builtFile, 'utf8') : compileBaseCss();
}

@Injectable()
export class ThemeService {
  private base?: CompiledCss;
  /** By colour pair: a page view only looks its theme up, it never re-hashes the template. A theme never goes stale, so only the bound retires one. */
  private readonly themes = new TimedCache<string, CompiledCss>({ ttlMs: Infinity, maxEntries: 1000 });

  baseCss(): CompiledCss {
    if (!this.base) {
      const css = loadBaseCss();
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
    // Checked here too, not only when the tenant file was loaded: nothing unchecked reaches the stylesheet.
    if (![brandColour, secondaryColour].every((colour) => /^#[0-9a-f]{6}$/i.test(colour))) throw new Error(`Invalid theme colours for ${tenant.slug}`);
    const key = `${brandColour}|${secondaryColour}`.toLowerCase();
    const cached = this.themes.get(key);
    if (cached) return cached;
    const css = themeSource(brandColour.toLowerCase(), secondaryColour.toLowerCase());
    const compiled = { css, version: hash(css) };
    this.themes.set(key, compiled);
    return compiled;
  }
}
