import type Handlebars from 'handlebars';

/** Helpers used by the govuk-frontend partials; filled in alongside the partials. */
export function registerGovukHelpers(engine: typeof Handlebars): void {
  engine.registerHelper('eq', (left: unknown, right: unknown) => left === right);
}
