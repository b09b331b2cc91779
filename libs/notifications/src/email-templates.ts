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
 * Plain-text message templates in Handlebars, one per language: e-mails in `<name>.<en|cy>.hbs` whose
 * first line is `Subject: ...`, text messages in `<name>.<en|cy>.sms.hbs`. A force overrides any of
 * them with a file of the same name in tenants/<force>/emails/. Compiled once and cached.
 */
export class EmailTemplates {
  private readonly engine = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly tenantsDirectory: string) {}

  private template(slug: string, name: EmailTemplateName, language: 'en' | 'cy', kind: 'email' | 'sms' = 'email'): HandlebarsTemplateDelegate {
    const fileName = `${name}.${language}${kind === 'sms' ? '.sms' : ''}.hbs`;
    const file = [path.join(this.tenantsDirectory, slug, 'emails', fileName), path.join(DEFAULTS, fileName)].find((candidate) => existsSync(candidate));
    if (!file) throw new Error(`There is no ${kind === 'sms' ? 'text message' : 'e-mail'} template ${fileName}`);
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

  /**
   * A text message. When it would be longer than `fit.maxCharacters`, the `fit.field` value (a force's
   * message) is cut to fit and ends with "…" (the template links to the whole of it); a text still too
   * long fails rather than being cut by the provider.
   */
  renderText(slug: string, name: EmailTemplateName, language: 'en' | 'cy', data: Record<string, unknown>, fit?: { field?: string; maxCharacters: number }): string {
    const template = this.template(slug, name, language, 'sms');
    let text = template(data).trim();
    const value = fit?.field ? data[fit.field] : undefined;
    if (fit && text.length > fit.maxCharacters && typeof value === 'string') {
      const keep = value.length - (text.length - fit.maxCharacters) - 1;
      text = template({ ...data, [fit.field!]: `${keep > 0 ? value.slice(0, keep).trimEnd() : ''}…` }).trim();
    }
    if (fit && text.length > fit.maxCharacters) throw new Error(`The text message ${name}.${language} for ${slug} is ${text.length} characters long: at most ${fit.maxCharacters} can be sent`);
    return text;
  }
}
