import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, parseYamlWithSchema } from '@front-counter/data-files';
import { forceAreaSchema, type ForceArea } from './force-area.js';
import { routingRulesSchema, type RoutingRules } from './routing-rules.schema.js';

export interface ForceTriageFiles {
  rules?: RoutingRules;
  area?: ForceArea;
  problems: string[];
}

/** Largest boundary file we accept: a detailed force outline is a few hundred kilobytes. */
const MAX_BOUNDARY_BYTES = 5 * 1024 * 1024;

/**
 * A force folder's routing rules (routing.yaml) and area (boundary.geojson), both optional; problems
 * name the file, line and field. Rules may only name services the national catalogue has.
 */
export function loadForceTriageFiles(folder: string, nationalServiceIds: string[]): ForceTriageFiles {
  const result: ForceTriageFiles = { problems: [] };
  const rulesFile = path.join(folder, 'routing.yaml');
  if (existsSync(rulesFile)) {
    const parsed = parseYamlWithSchema(rulesFile, readFileSync(rulesFile, 'utf8'), routingRulesSchema, (segments, raw) => {
      // rules.3.when → rules."Hate crime".when: name the rule, not its position.
      const rules = (raw as { rules?: { name?: unknown }[] })?.rules;
      if (segments[0] === 'rules' && typeof segments[1] === 'number' && typeof rules?.[segments[1]]?.name === 'string') {
        return ['rules', JSON.stringify(rules[segments[1]].name), ...segments.slice(2)].map(String).join('.');
      }
      return segments.map(String).join('.');
    });
    result.problems.push(...parsed.problems);
    if (parsed.data) {
      const known = new Set(nationalServiceIds);
      for (const rule of parsed.data.rules) {
        for (const service of rule.when.services ?? []) {
          if (!known.has(service)) result.problems.push(`${displayPath(rulesFile)}: rules.${JSON.stringify(rule.name)}.when.services: ${service} is not a national service`);
        }
      }
      if (result.problems.length === 0) result.rules = parsed.data;
    }
  }
  const areaFile = path.join(folder, 'boundary.geojson');
  if (existsSync(areaFile)) {
    const text = readFileSync(areaFile, 'utf8');
    if (Buffer.byteLength(text) > MAX_BOUNDARY_BYTES) {
      result.problems.push(`${displayPath(areaFile)}: is larger than ${MAX_BOUNDARY_BYTES / 1024 / 1024} MB; simplify the outline`);
    } else {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        result.problems.push(`${displayPath(areaFile)}: is not valid JSON (${(error as Error).message})`);
      }
      if (json !== undefined) {
        const parsed = forceAreaSchema.safeParse(json);
        if (parsed.success) result.area = parsed.data;
        else result.problems.push(...parsed.error.issues.map((issue) => `${displayPath(areaFile)}: ${issue.path.join('.') || '(file)'}: ${issue.message}`));
      }
    }
  }
  return result;
}
