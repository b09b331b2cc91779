import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * apps/web, whether this code runs from source (apps/web/src) or compiled (dist/apps/web/src):
 * views, styles, browser assets and message catalogues are read from the source tree, never copied.
 */
export const WEB_ROOT = [path.resolve(here, '..'), path.resolve(here, '../../../../apps/web')].find((candidate) => existsSync(path.join(candidate, 'views')))!;

/** govuk-frontend's compiled distribution (dist/govuk): Sass sources, JavaScript and images. */
export const GOVUK_FRONTEND_ROOT = path.dirname(createRequire(import.meta.url).resolve('govuk-frontend'));
