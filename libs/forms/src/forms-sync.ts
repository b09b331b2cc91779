import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { compileForm, formHash, OverlayError } from './compile.js';
import type { ServiceDefinition } from './definition.schema.js';
import { insertFormVersion, latestFormVersion, latestFormVersionPublishedBy } from './form-versions.repository.js';
import { amendNationalVersion, formsMigrated, recordedNationalVersion, recordNationalVersion } from './national-services.repository.js';
import { FormDefinitionError } from './national-services.js';
import type { ServiceOverlay } from './overlay.schema.js';

export interface ForceForms {
  tenantId: string;
  slug: string;
  services: string[];
  overlays: Map<string, ServiceOverlay & { sourceFile: string }>;
  /** Where the force's service list came from, for messages. */
  sourceFile: string;
}

/** Who published versions made from tenants/ files. */
export const FORMS_FILE_PUBLISHER = 'tenant-sync';
const FILE_PUBLISHER = FORMS_FILE_PUBLISHER;

/** The content hash a national service version is kept with (a changed definition needs a new version). */
export const definitionHash = (definition: ServiceDefinition) => createHash('sha256').update(JSON.stringify(definition)).digest('hex');

/** JSON with its object keys sorted: a definition read back from the database (jsonb) keeps no key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    node && typeof node === 'object' && !Array.isArray(node) ? Object.fromEntries(Object.entries(node).sort(([a], [b]) => a.localeCompare(b))) : node,
  );
}

/** The definition without its report document mappings (what the public never sees). */
function withoutDocumentMappings(definition: ServiceDefinition): ServiceDefinition {
  return {
    ...definition,
    pages: definition.pages.map((page) =>
      'questions' in page ? ({ ...page, questions: page.questions.map(({ document: _document, ...question }) => question) } as typeof page) : page,
    ),
  } as ServiceDefinition;
}

/**
 * What the file's definition adds in place to the recorded version, when that is all that changed:
 * a retention period where the recorded version had none, and report document mappings (new or
 * changed). Versions recorded before services declared these take them from their file without a
 * new version number, so that existing installations upgrade without republishing every service;
 * neither changes what the public see, and reports already made keep the form version they were
 * made on. Any other change still needs a new version (null).
 */
export function amendmentOf(recorded: ServiceDefinition, file: ServiceDefinition): string[] | null {
  const retentionAdded = !recorded.retention && Boolean(file.retention);
  const comparable = (definition: ServiceDefinition, dropRetention: boolean) => {
    const { retention, ...rest } = withoutDocumentMappings(definition);
    return canonical(dropRetention ? rest : { ...rest, retention });
  };
  if (comparable(recorded, retentionAdded) !== comparable(file, retentionAdded)) return null;
  const amendments: string[] = [];
  if (retentionAdded) amendments.push(`declares its retention (${file.retention!.defaultDays} days, at most ${file.retention!.maximumDays})`);
  if (canonical(documentMappings(recorded)) !== canonical(documentMappings(file))) amendments.push('maps its answers into the report document as the file says');
  return amendments.length > 0 ? amendments : null;
}

/** Every question's report document mapping, by question id. */
const documentMappings = (definition: ServiceDefinition) =>
  Object.fromEntries(definition.pages.flatMap((page) => ('questions' in page ? page.questions.filter((question) => question.document).map((question) => [question.id, question.document]) : [])));

/**
 * Checks, without touching the database, that every force's services exist nationally and every
 * overlay compiles; throws one error listing every problem, so nothing is applied unless all is valid.
 */
export function checkForceForms(national: ServiceDefinition[], forces: Omit<ForceForms, 'tenantId'>[]): void {
  const byId = new Map(national.map((service) => [service.id, service]));
  const problems: string[] = [];
  for (const force of forces) {
    for (const serviceId of force.services) {
      if (!byId.has(serviceId)) problems.push(`${force.sourceFile}: services: no national service "${serviceId}" (there are: ${[...byId.keys()].join(', ')})`);
    }
    for (const [serviceId, overlay] of force.overlays) {
      const service = byId.get(serviceId);
      if (!service) {
        problems.push(`${overlay.sourceFile}: service: no national service "${serviceId}"`);
        continue;
      }
      try {
        compileForm(service, overlay);
      } catch (error) {
        if (!(error instanceof OverlayError)) throw error;
        problems.push(...error.problems.map((problem) => `${overlay.sourceFile}: ${problem}`));
      }
    }
  }
  if (problems.length > 0) throw new FormDefinitionError(problems);
}

/**
 * Inside the caller's (owner-role) transaction: records new national versions, then publishes a new
 * immutable form version for every force service whose effective form changed. Returns one line per
 * change. A national definition that changed without a new version number is refused.
 */
export async function syncForms(manager: EntityManager, national: ServiceDefinition[], forces: ForceForms[], options: { dryRun: boolean }): Promise<string[]> {
  const changes: string[] = [];
  const migrated = await formsMigrated(manager);
  for (const service of national) {
    const hash = definitionHash(service);
    const existing = migrated ? await recordedNationalVersion(manager, service.id, service.version) : null;
    const amendments = existing && existing.hash !== hash ? amendmentOf(existing.definition, service) : null;
    if (amendments) {
      changes.push(`national ${service.id}: version ${service.version} now ${amendments.join(' and ')}`);
      if (!options.dryRun) await amendNationalVersion(manager, service, hash);
      continue;
    }
    if (existing && existing.hash !== hash) {
      throw new FormDefinitionError([`tenants/_national/services/${service.id}.yaml: version: the definition changed but its version is still ${service.version}; raise the version to publish a change`]);
    }
    if (existing) continue;
    changes.push(`national ${service.id}: version ${service.version} added`);
    if (!options.dryRun) await recordNationalVersion(manager, service, hash);
  }
  const byId = new Map(national.map((service) => [service.id, service]));
  for (const force of forces) {
    if (!options.dryRun || migrated) await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [force.tenantId]);
    for (const serviceId of force.services) {
      const service = byId.get(serviceId)!;
      const overlay = force.overlays.get(serviceId);
      const form = compileForm(service, overlay);
      const hash = formHash(form);
      const latest = migrated && force.tenantId ? await latestFormVersion(manager, force.tenantId, serviceId) : null;
      if (latest?.hash === hash) continue;
      // Published in the product since: an unchanged file (the same effective form as last published from it) leaves that standing.
      if (latest && latest.publishedBy !== FILE_PUBLISHER) {
        const fromFiles = await latestFormVersionPublishedBy(manager, force.tenantId, serviceId, FILE_PUBLISHER);
        if (fromFiles?.hash === hash) continue;
      }
      const version = (latest?.version ?? 0) + 1;
      changes.push(`${force.slug}: ${serviceId} published as version ${version} (national v${service.version}${overlay ? ', with its overlay' : ''})`);
      if (options.dryRun) continue;
      const { sourceFile: _sourceFile, ...overlayData } = overlay ?? ({} as ServiceOverlay & { sourceFile?: string });
      await insertFormVersion(manager, {
        tenantId: force.tenantId,
        serviceId,
        version,
        nationalVersion: service.version,
        form,
        overlay: overlay ? (overlayData as ServiceOverlay) : null,
        hash,
        publishedBy: FILE_PUBLISHER,
      });
    }
  }
  return changes;
}
