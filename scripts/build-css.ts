import { writeFileSync } from 'node:fs';
import { BUILT_BASE_CSS, compileBaseCss } from '../apps/web/src/theme/theme.service.js';

// Part of `npm run build`: the shared stylesheet (govuk-frontend and the site's own styles) compiled
// once into dist/, so that the web serves it without loading the Sass compiler (about 50 MB).
writeFileSync(BUILT_BASE_CSS, compileBaseCss());
