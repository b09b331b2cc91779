import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { registerGovukHelpers } from './govuk-helpers.js';

export { compiledPartial } from './govuk-helpers.js';

export type ViewEngine = typeof Handlebars;

function filesUnder(directory: string, prefix = ''): { name: string; file: string }[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return filesUnder(file, `${prefix}${entry.name}/`);
    return entry.name.endsWith('.hbs') ? [{ name: `${prefix}${entry.name.slice(0, -4)}`, file }] : [];
  });
}

/**
 * An isolated Handlebars environment with every partial under `views/partials` registered by its
 * path (`views/partials/govuk/button.hbs` is `{{> govuk/button params}}`) and the helpers the
 * govuk-frontend partials need. Partials are registered compiled: Handlebars compiles a partial
 * registered as source again on every render that includes it (the compiled copy is kept only in
 * that render's partials), which was an eighth of a question page's time.
 */
export function createViewEngine(viewsDirectory: string): ViewEngine {
  const engine = Handlebars.create();
  for (const { name, file } of filesUnder(path.join(viewsDirectory, 'partials'))) {
    engine.registerPartial(name, engine.compile(readFileSync(file, 'utf8')));
  }
  registerGovukHelpers(engine);
  return engine;
}
