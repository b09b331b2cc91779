import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath, parseYamlWithSchema } from '@front-counter/data-files';
import { overlaySchema, type ServiceOverlay } from './overlay.schema.js';

/** A force's overlays, by service id, from tenants/<force>/services/*.yaml. */
export function loadOverlays(forceDirectory: string): { overlays: Map<string, ServiceOverlay & { sourceFile: string }>; problems: string[] } {
  const directory = path.join(forceDirectory, 'services');
  const overlays = new Map<string, ServiceOverlay & { sourceFile: string }>();
  const problems: string[] = [];
  if (!existsSync(directory)) return { overlays, problems };
  for (const name of readdirSync(directory).filter((entry) => entry.endsWith('.yaml')).sort()) {
    const file = path.join(directory, name);
    const parsed = parseYamlWithSchema(file, readFileSync(file, 'utf8'), overlaySchema);
    problems.push(...parsed.problems);
    if (!parsed.data) continue;
    if (parsed.data.service !== path.basename(name, '.yaml')) problems.push(`${displayPath(file)}: service: must match the file name "${path.basename(name, '.yaml')}"`);
    else overlays.set(parsed.data.service, { ...parsed.data, sourceFile: displayPath(file) });
  }
  return { overlays, problems };
}
