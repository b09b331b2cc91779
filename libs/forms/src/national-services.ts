import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, parseYamlWithSchema } from '@front-counter/data-files';
import { checkServiceStructure } from './definition-check.js';
import { serviceDefinitionSchema, type ServiceDefinition } from './definition.schema.js';

export class FormDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid service definitions:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'FormDefinitionError';
  }
}

/** `pages.3.questions.0.label` → `pages.crime-type.questions.crimeType.label`: messages name pages and questions. */
export function describeDefinitionPath(segments: PropertyKey[], raw: unknown): string {
  const names: string[] = [];
  let node: unknown = raw;
  for (const segment of segments) {
    const child = (node as Record<PropertyKey, unknown> | undefined)?.[segment as string];
    const childId = typeof segment === 'number' && child && typeof child === 'object' ? ((child as { id?: unknown }).id ?? (child as { value?: unknown }).value) : undefined;
    names.push(typeof childId === 'string' ? childId : String(segment));
    node = child;
  }
  return names.join('.');
}

/** Every national service in tenants/ (and every new national version) says how long its reports are kept. */
export const RETENTION_REQUIRED = 'retention: say how long reports of this service are kept once settled, e.g. retention: { defaultDays: 730, maximumDays: 2557 }';

export function parseServiceDefinition(file: string, text: string): { service?: ServiceDefinition; problems: string[] } {
  const parsed = parseYamlWithSchema(file, text, serviceDefinitionSchema, describeDefinitionPath);
  if (!parsed.data) return { problems: parsed.problems };
  const problems = checkServiceStructure(parsed.data).map((problem) => `${displayPath(file)}: ${problem}`);
  const expectedId = path.basename(file, '.yaml');
  if (parsed.data.id !== expectedId) problems.push(`${displayPath(file)}: id: must match the file name "${expectedId}" (got "${parsed.data.id}")`);
  if (!parsed.data.retention) problems.push(`${displayPath(file)}: ${RETENTION_REQUIRED}`);
  return problems.length > 0 ? { problems } : { service: parsed.data, problems };
}

/** Every national service definition under `directory` (tenants/_national/services), or one error listing every problem. */
export function loadNationalServices(directory: string): ServiceDefinition[] {
  if (!existsSync(directory)) throw new FormDefinitionError([`${displayPath(directory)}: national services folder not found`]);
  const services: ServiceDefinition[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith('.yaml')).sort()) {
    const file = path.join(directory, name);
    const result = parseServiceDefinition(file, readFileSync(file, 'utf8'));
    problems.push(...result.problems);
    if (result.service) services.push(result.service);
  }
  if (problems.length > 0) throw new FormDefinitionError(problems);
  return services;
}
