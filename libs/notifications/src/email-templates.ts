import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export type EmailTemplateName = 'report-confirmation' | 'resume-link' | 'tracking-code' | 'report-message' | 'report-transferred';
export interface RenderedEmail {
  subject: string;
  text: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** libs/notifications/templates, from source or from dist/libs/notifications/src. */
const DEFAULTS = [path.resolve(here, '../templates'), path.resolve(here, '../../../../libs/notifications/templates')].find((candidate) => existsSync(candidate))!;

/**
 * Plain-text e-mail templates in Handlebars, one per language: `<name>.<en|cy>.hbs` whose first line
 * is `Subject: ...`. A force overrides any of them with a file of the same name in
 * tenants/<force>/emails/. Compiled once and cached.
 */
export class EmailTemplates {
  private readonly engine = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly tenantsDirectory: string) {}

  private template(slug: string, name: EmailTemplateName, language: 'en' | 'cy'): HandlebarsTemplateDelegate {
    const file = [path.join(this.tenantsDirectory, slug, 'emails', `${name}.${language}.hbs`), path.join(DEFAULTS, `${name}.${language}.hbs`)].find((candidate) => existsSync(candidate))!;
    let template = this.compiled.get(file);
    if (!template) {
      // Plain text: nothing is HTML-escaped, but nothing is rendered as HTML either.
      template = this.engine.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
      this.compiled.set(file, template);
    }
    return template;
  }

  render(slug: string, name: EmailTemplateName, language: 'en' | 'cy', data: Record<string, unknown>): RenderedEmail {
    const output = this.template(slug, name, language)(data);
    const match = /^Subject: (.*)\r?\n\r?\n([\s\S]*)$/.exec(output);
    if (!match) throw new Error(`E-mail template ${name}.${language} for ${slug} must start with a "Subject:" line and a blank line`);
    return { subject: match[1].trim(), text: match[2].trimEnd() + '\n' };
  }
}
