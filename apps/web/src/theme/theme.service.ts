import { createHash } from 'node:crypto';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import * as sass from 'sass';
import type { PublicTenant } from '../tenant/public-tenant.js';
import { GOVUK_FRONTEND_ROOT, WEB_ROOT } from '../web-paths.js';

export interface CompiledCss {
  css: string;
  version: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * Stylesheets: one shared base (govuk-frontend compiled once per process with the police font and
 * the site's own styles) and a small theme per force, built once per branding version and cached.
 */
@Injectable()
export class ThemeService {
  private base?: CompiledCss;
  private readonly themes = new Map<string, CompiledCss>();

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

  themeCss(tenant: PublicTenant): CompiledCss {
    const cached = this.themes.get(tenant.themeVersion);
    if (cached) return cached;
    const { brandColour, secondaryColour } = tenant.branding;
    // Colours were validated as #rrggbb (and for contrast) when the tenant file was loaded.
    const { css } = sass.compileString(
      `
      @use "sass:color";
      $brand: ${brandColour};
      $secondary: ${secondaryColour};
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
      `,
      { style: 'compressed' },
    );
    const compiled = { css, version: tenant.themeVersion };
    if (this.themes.size > 1000) this.themes.clear();
    this.themes.set(tenant.themeVersion, compiled);
    return compiled;
  }
}
