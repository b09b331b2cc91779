import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FiguresService, ForceAdminService, formDifferences, pagesTouched, textProblems, zodProblems, type FieldProblem, type ForceFigures } from '@front-counter/admin';
import { TenantTransactions } from '@front-counter/database';
import { checkServiceStructure, compileForm, definitionHash, latestFormVersion, latestNationalServices, latestNationalVersion, nationalDefinition, publishNationalService, type FormVersion, OverlayError, RETENTION_REQUIRED, serviceDefinitionSchema, type ServiceDefinition } from '@front-counter/forms';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { allTenants, type Tenant } from '@front-counter/tenancy';

/** How a new national version lands at one force that offers the service. */
export interface ForceImpact {
  slug: string;
  currentVersion: number;
  nationalVersion: number;
  /** Already on the newest national version. */
  upToDate: boolean;
  /** No overlay on the changed pages, and the overlay still applies: rolled out automatically. */
  automatic: boolean;
  /** Pages both the force's overlay and the new national version change. */
  conflicts: string[];
  /** Why the force's overlay does not apply to the new version as it stands. */
  problems: FieldProblem[];
}

export interface NationalServiceView {
  id: string;
  version: number;
  definition: ServiceDefinition;
  title: ServiceDefinition['title'];
  forces: ForceImpact[];
}

/**
 * The national programme team's services: publish a new version of a national service (checked as
 * tenant sync checks a file), see how it lands at each force (those without overlays on the changed
 * pages take it automatically; the rest need their administrators' review, through their drift
 * report), and roll it out. Also the national view of every force's figures.
 */
@Injectable()
export class NationalServicesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly forceAdmin: ForceAdminService,
    private readonly figures: FiguresService,
  ) {}

  async services(staff: StaffIdentity): Promise<NationalServiceView[]> {
    guard(staff);
    const latest = await latestNationalServices(this.dataSource);
    return Promise.all(latest.map((definition) => this.view(definition)));
  }

  async service(staff: StaffIdentity, serviceId: string): Promise<NationalServiceView> {
    guard(staff);
    const definition = await nationalDefinition(this.dataSource, serviceId);
    if (!definition) throw AccessException.notFoundOrNoAccess();
    return this.view(definition);
  }

  /** Publishes the next version of a national service; with dryRun, only checks it and shows its impact. */
  async publish(staff: StaffIdentity, input: unknown, dryRun: boolean): Promise<{ problems: FieldProblem[]; service: NationalServiceView | null }> {
    guard(staff);
    const parsed = serviceDefinitionSchema.safeParse(input);
    if (!parsed.success) return { problems: zodProblems(parsed.error), service: null };
    const definition = parsed.data;
    const structure = checkServiceStructure(definition);
    if (structure.length) return { problems: textProblems(structure), service: null };
    if (!definition.retention) return { problems: textProblems([RETENTION_REQUIRED]), service: null };
    const latest = await latestNationalVersion(this.dataSource, definition.id);
    if (latest === null) return { problems: [{ field: 'id', message: `There is no national service "${definition.id}"; new services come through tenants/_national/services.` }], service: null };
    if (definition.version !== latest + 1) return { problems: [{ field: 'version', message: `The next version of ${definition.id} is ${latest + 1}.` }], service: null };
    if (dryRun) return { problems: [], service: await this.view(definition) };
    await publishNationalService(this.dataSource, definition, definitionHash(definition));
    return { problems: [], service: await this.service(staff, definition.id) };
  }

  /**
   * Upgrades the forces named (or, with none named, every force that takes it automatically) to the
   * newest version of a national service. Each upgrade is its own transaction in that force, audited
   * there; a force whose overlay does not fit is left as it is and reported.
   */
  async rollOut(staff: StaffIdentity, serviceId: string, slugs: string[] | null): Promise<{ upgraded: string[]; skipped: { slug: string; reason: string }[] }> {
    const view = await this.service(staff, serviceId);
    const targets = slugs ? view.forces.filter((force) => slugs.includes(force.slug)) : view.forces.filter((force) => force.automatic);
    const skipped = (slugs ?? []).filter((slug) => !view.forces.some((force) => force.slug === slug)).map((slug) => ({ slug, reason: `does not offer ${serviceId}` }));
    const upgraded: string[] = [];
    const forces = await allTenants(this.dataSource);
    for (const target of targets) {
      if (target.upToDate) {
        skipped.push({ slug: target.slug, reason: 'already up to date' });
        continue;
      }
      const tenant = forces.find((force) => force.slug === target.slug)!;
      const outcome = await this.forceAdmin.upgradeForce(tenant.id, serviceId, false, { subject: staff.subject, name: staff.name ? `${staff.name} (national programme team)` : 'National programme team' });
      if (outcome.problems.length) skipped.push({ slug: target.slug, reason: outcome.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ') });
      else upgraded.push(target.slug);
    }
    return { upgraded, skipped };
  }

  async nationalFigures(staff: StaffIdentity, days: number): Promise<{ slug: string; name: Tenant['name']; status: string; figures: ForceFigures }[]> {
    guard(staff);
    const forces = await allTenants(this.dataSource, { ordered: true });
    const result = [];
    for (const force of forces) result.push({ slug: force.slug, name: force.name, status: force.status, figures: await this.figures.of(force.id, days) });
    return result;
  }

  /** How the newest (or a proposed) national definition lands at each force offering the service. */
  private async view(definition: ServiceDefinition): Promise<NationalServiceView> {
    const forces = await allTenants(this.dataSource, { ordered: true });
    const impacts: ForceImpact[] = [];
    for (const force of forces.filter((candidate) => candidate.services.includes(definition.id))) {
      const current = await this.transactions.run(force.id, (manager) => latestFormVersion(manager, force.id, definition.id));
      if (!current) continue;
      impacts.push(await this.impact(force.slug, current, definition));
    }
    return { id: definition.id, version: definition.version, definition, title: definition.title, forces: impacts };
  }

  private async impact(slug: string, current: FormVersion, definition: ServiceDefinition): Promise<ForceImpact> {
    const base = { slug, currentVersion: current.version, nationalVersion: current.nationalVersion };
    if (current.nationalVersion >= definition.version) return { ...base, upToDate: true, automatic: false, conflicts: [], problems: [] };
    const before = compileForm((await nationalDefinition(this.dataSource, definition.id, current.nationalVersion))!);
    const ours = pagesTouched(formDifferences(before, current.form));
    const theirs = pagesTouched(formDifferences(before, compileForm(definition)));
    const conflicts = [...theirs].filter((page) => ours.has(page)).sort();
    let problems: FieldProblem[] = [];
    try {
      compileForm(definition, current.overlay ? { ...current.overlay, basedOnVersion: definition.version } : undefined);
    } catch (error) {
      if (!(error instanceof OverlayError)) throw error;
      problems = textProblems(error.problems);
    }
    return { ...base, upToDate: false, automatic: conflicts.length === 0 && problems.length === 0, conflicts, problems };
  }
}

function guard(staff: StaffIdentity): void {
  if (!isAllowed(staff, Permission.AdministerNational)) throw AccessException.notFoundOrNoAccess();
}
