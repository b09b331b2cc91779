import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, parseYamlWithSchema } from '@front-counter/data-files';
import { svgLogoProblem } from './svg-logo.js';
import { tenantFileSchema, type TenantFile } from './tenant-file.schema.js';

/** A force as its folder under tenants/ defines it, ready to sync. */
export interface TenantDefinition extends TenantFile {
  logoSvg?: string;
  /** The tenant.yaml it came from, relative to the working directory, for messages. */
  sourceFile: string;
}

export class TenantFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid tenant files:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'TenantFileError';
  }
}

/** Parses and validates one tenant.yaml; problems name the file, line and field. */
export function parseTenantFile(file: string, text: string): { tenant?: TenantDefinition; problems: string[] } {
  const parsed = parseYamlWithSchema(file, text, tenantFileSchema);
  if (!parsed.data) return { problems: parsed.problems };
  const tenant: TenantDefinition = { ...parsed.data, sourceFile: displayPath(file) };
  const folder = path.basename(path.dirname(file));
  const problems: string[] = [];
  if (!folder.startsWith('_') && tenant.slug !== folder) problems.push(`${displayPath(file)}: slug: must match its folder name "${folder}" (got "${tenant.slug}")`);
  if (tenant.branding.logo.svg) {
    const svgFile = path.join(path.dirname(file), tenant.branding.logo.svg);
    if (!existsSync(svgFile)) {
      problems.push(`${displayPath(file)}: branding.logo.svg: file ${displayPath(svgFile)} does not exist`);
    } else {
      const svg = readFileSync(svgFile, 'utf8');
      const problem = svgLogoProblem(svg);
      if (problem) problems.push(`${displayPath(svgFile)}: branding.logo.svg ${problem}`);
      else tenant.logoSvg = svg;
    }
  }
  return problems.length > 0 ? { problems } : { tenant, problems };
}

/**
 * Loads every force folder under `directory` (folders starting with `_`, like `_template`, are
 * templates, not forces). Throws one error listing every problem in every file.
 */
export function loadTenantDefinitions(directory: string): TenantDefinition[] {
  if (!existsSync(directory)) throw new TenantFileError([`${displayPath(directory)}: tenants folder not found`]);
  const tenants: TenantDefinition[] = [];
  const problems: string[] = [];
  const folders = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    const file = path.join(directory, folder, 'tenant.yaml');
    if (!existsSync(file)) {
      problems.push(`${displayPath(path.join(directory, folder))}: has no tenant.yaml`);
      continue;
    }
    const result = parseTenantFile(file, readFileSync(file, 'utf8'));
    problems.push(...result.problems);
    if (result.tenant) tenants.push(result.tenant);
  }
  const domainOwners = new Map<string, string>();
  for (const tenant of tenants) {
    for (const domain of tenant.domains) {
      const owner = domainOwners.get(domain);
      if (owner) problems.push(`${tenant.sourceFile}: domains: ${domain} is already used by ${owner}`);
      else domainOwners.set(domain, tenant.slug);
    }
  }
  if (problems.length > 0) throw new TenantFileError(problems);
  return tenants;
}
