import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkForceForms, FormDefinitionError, loadNationalServices, loadOverlays, questionsOf, type ForceForms } from '@front-counter/forms';

// npm run forms:check: validates every national service definition (schema and structure, report
// document mappings included) and every force's overlays of them, and says what it found. The same
// checks run in the tests and at sync.
const directory = path.resolve(process.argv[2] ?? 'tenants/_national/services');
const tenantsDirectory = path.resolve(directory, '../..');
try {
  const services = loadNationalServices(directory);
  for (const service of services) {
    const questions = service.pages.flatMap(questionsOf);
    const mapped = questions.filter((question) => question.document || question.reporter).length;
    const kept = service.retention ? `, reports kept ${service.retention.defaultDays} days once settled (a force may choose up to ${service.retention.maximumDays})` : '';
    process.stdout.write(`ok  ${service.id} v${service.version}: ${service.pages.length} pages, ${questions.length} questions (${mapped} mapped into the report document)${kept}\n`);
  }
  // Every force folder's overlays (tenants/<force>/services/*.yaml) compile onto the national services.
  const forces: Omit<ForceForms, 'tenantId'>[] = [];
  const problems: string[] = [];
  const folders = existsSync(tenantsDirectory) ? readdirSync(tenantsDirectory, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !entry.name.startsWith('_')) : [];
  for (const folder of folders) {
    const loaded = loadOverlays(path.join(tenantsDirectory, folder.name));
    problems.push(...loaded.problems);
    forces.push({ slug: folder.name, services: [...loaded.overlays.keys()], overlays: loaded.overlays, sourceFile: folder.name });
  }
  if (problems.length > 0) throw new FormDefinitionError(problems);
  checkForceForms(services, forces);
  for (const force of forces) for (const overlay of force.overlays.values()) process.stdout.write(`ok  ${overlay.sourceFile}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof FormDefinitionError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
