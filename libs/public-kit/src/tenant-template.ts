import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type Document } from 'yaml';

/** The placeholders tenants/_template uses, replaced by the new force's own slug and name. */
export const TEMPLATE_SLUG = 'newforce';
export const TEMPLATE_NAME = 'New Force Police';

export interface TemplateChoices {
  slug: string;
  name: string;
  /** The first is the primary; none: the template's (with its placeholder replaced). */
  domains?: string[];
  realm?: string;
  issuer?: string;
  brandColour?: string;
  services?: string[];
}

export interface ForceFromTemplate {
  /** The force in the shape of a tenant file (what onboardForce takes), without a logo file name. */
  force: Record<string, unknown>;
  routing: unknown | null;
  logoSvg: string | null;
  /** The files a folder under tenants/ would hold for it (name → content). */
  files: Map<string, string>;
}

export class TemplateError extends Error {}

/**
 * A new force made from a template folder (tenants/_template, or any force's folder): its tenant.yaml
 * and routing.yaml with the placeholders replaced and the choices applied, its logo read. Nothing is
 * checked here: the api checks the result field by field when asked to onboard it.
 */
export function forceFromTemplate(folder: string, choices: TemplateChoices): ForceFromTemplate {
  const tenantFile = path.join(folder, 'tenant.yaml');
  if (!existsSync(tenantFile)) throw new TemplateError(`${folder} has no tenant.yaml: name a force folder or a template, like tenants/_template`);
  const replace = (text: string) => text.replaceAll(TEMPLATE_NAME, choices.name).replaceAll(TEMPLATE_SLUG, choices.slug);
  const document = parse(tenantFile, replace(readFileSync(tenantFile, 'utf8')));
  document.set('slug', choices.slug);
  document.setIn(['name', 'en'], choices.name);
  if (choices.domains?.length) document.set('domains', choices.domains.map((domain) => domain.trim().toLowerCase()));
  if (choices.realm) document.setIn(['identity', 'realm'], choices.realm);
  if (choices.issuer) document.setIn(['identity', 'issuer'], choices.issuer);
  if (choices.brandColour) document.setIn(['branding', 'brandColour'], choices.brandColour);
  if (choices.services) document.set('services', choices.services);

  const files = new Map<string, string>([['tenant.yaml', document.toString()]]);
  const force = document.toJS() as Record<string, unknown> & { branding?: { logo?: { svg?: string } } };
  let logoSvg: string | null = null;
  const logoFile = force.branding?.logo?.svg;
  if (logoFile) {
    const file = path.join(folder, logoFile);
    if (!existsSync(file)) throw new TemplateError(`${tenantFile}: branding.logo.svg: ${file} does not exist`);
    logoSvg = readFileSync(file, 'utf8');
    files.set(logoFile, logoSvg);
    delete force.branding!.logo!.svg;
  }
  const routingFile = path.join(folder, 'routing.yaml');
  let routing: unknown | null = null;
  if (existsSync(routingFile)) {
    const text = replace(readFileSync(routingFile, 'utf8'));
    routing = parse(routingFile, text).toJS();
    files.set('routing.yaml', text);
  }
  return { force, routing, logoSvg, files };
}

function parse(file: string, text: string): Document {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new TemplateError(`${file}: ${document.errors[0].message}`);
  return document;
}
