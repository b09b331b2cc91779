import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { partialRenderer, type RenderPartial } from '../journey/question-view.js';
import { ThemeService } from '../theme/theme.service.js';
import { logoUrlOf } from '../tenant/public-tenant.js';
import { WEB_ROOT } from '../web-paths.js';
import { STAFF_TEXT } from './staff-texts.js';

type Template = (context: object) => string;

/** What the header line shows of the signed-in member, and the sign-out form's token. */
export interface StaffHeader {
  name: string;
  role: string;
  csrf: string;
  supervisor: boolean;
  /** Call handlers and supervisors: the queue. */
  triage: boolean;
  /** Force administrators: the administration pages. */
  admin: boolean;
  /** The national programme team: its pages on the national host. */
  national: boolean;
  current?: 'queue' | 'breaches' | 'admin' | 'national';
}

/**
 * Staff pages in their own layout: the force's header and theme like the public site, but no quick
 * exit or emergency banner (not for the public), a line naming who is signed in with Sign out, never
 * indexed, and the staff script beside the site's.
 */
@Injectable()
export class StaffPages {
  private readonly templates = new Map<string, Template>();
  readonly renderPartial: RenderPartial;

  constructor(
    private readonly pages: PageRenderer,
    readonly theme: ThemeService,
  ) {
    this.renderPartial = partialRenderer(pages.engine);
  }

  private template(file: string): Template {
    let template = this.templates.get(file);
    if (!template) {
      template = this.pages.engine.compile(readFileSync(path.join(WEB_ROOT, 'views', `${file}.hbs`), 'utf8'), { strict: false });
      this.templates.set(file, template);
    }
    return template;
  }

  render(site: RequestSite, page: string, context: { pageTitle: string; staff?: StaffHeader } & Record<string, unknown>): string {
    const { tenant } = site;
    const root = {
      ...context,
      text: STAFF_TEXT,
      force: {
        name: tenant.name.en,
        logoText: tenant.branding.logoText.en,
        logoUrl: logoUrlOf(tenant),
        brandColour: tenant.branding.brandColour,
      },
      css: { base: this.theme.baseCss().version, theme: this.theme.themeCss(tenant).version },
    };
    // `queue` is a staff page (pages/staff/queue.hbs); `admin/home` names its folder (pages/admin/home.hbs).
    return this.template('partials/staff/layout')({ ...root, body: this.template(page.includes('/') ? `pages/${page}` : `pages/staff/${page}`)(root) });
  }
}
