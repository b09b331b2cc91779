import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { textProblems, zodProblems, type FieldProblem } from '@front-counter/admin';
import { AuditService } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { leafDifferences } from '@front-counter/data-files';
import { compileForm, formHash, insertFormVersion, latestNationalServices, OverlayError, type ServiceDefinition } from '@front-counter/forms';
import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';
import { createForce, domainsTaken, issuerOf, svgLogoProblem, tenantFileSchema, tenantWithDomains, type Tenant, type TenantFile } from '@front-counter/tenancy';
import { insertRuleSet, routingRulesHash, routingRulesSchema, type RoutingRules } from '@front-counter/triage';

export interface OnboardingRequest {
  /** The force, in the shape of a tenant file (tenants/_template/tenant.yaml). */
  force: unknown;
  /** Its routing rules, in the shape of routing.yaml; omitted: the national default applies. */
  routing?: unknown;
  /** Its SVG logo's content (a tenant file names a file instead; here the content travels). */
  logoSvg?: string | null;
}

export interface OnboardingOutcome {
  problems: FieldProblem[];
  dryRun: boolean;
  /** True when the force was created by this call. */
  created: boolean;
  /** The force already exists exactly as asked: nothing to do. */
  unchanged: boolean;
  /** Everything that will be (dry run) or was created, one line each. */
  actions: string[];
  slug: string | null;
  primaryDomain: string | null;
}

type ForceFields = Pick<Tenant, 'name' | 'languages' | 'website' | 'branding' | 'contact' | 'promises' | 'identity' | 'services'>;

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/**
 * Onboards a new force for the national programme team: validated (every problem named by field),
 * previewed (a dry run lists everything it would create), then live in one transaction: the force and
 * its domains (through the narrow create_force() function), its services published as the national
 * forms, its routing rules, and an audit event in its own trail. Its site answers on its domains as
 * soon as this commits, on every instance; its staff sign in through the issuer named. Asking again
 * for the same force changes nothing and says so; a different force under a taken slug or domain is
 * refused.
 */
@Injectable()
export class OnboardingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onboard(staff: StaffIdentity, request: OnboardingRequest, options: { dryRun: boolean; requestId?: string }): Promise<OnboardingOutcome> {
    if (!isAllowed(staff, Permission.AdministerNational)) throw AccessException.notFoundOrNoAccess();
    const outcome: OnboardingOutcome = { problems: [], dryRun: options.dryRun, created: false, unchanged: false, actions: [], slug: null, primaryDomain: null };
    const checked = await this.check(request);
    if ('problems' in checked) return { ...outcome, problems: checked.problems };
    const { force, rules, fields, national } = checked;
    outcome.slug = force.slug;
    outcome.primaryDomain = force.domains[0];

    const existing = await tenantWithDomains(this.dataSource, { slug: force.slug });
    if (existing) {
      const differences = [
        ...leafDifferences(json(fieldsOf(existing)), json(fields)).map((difference) => difference.path),
        ...(sameDomains(existing, force.domains) ? [] : ['domains']),
      ];
      if (differences.length === 0) return { ...outcome, unchanged: true, actions: [`No changes: ${force.slug} is already onboarded with these settings.`] };
      return { ...outcome, problems: [{ field: 'force.slug', message: `${force.slug} is already onboarded, with different ${differences.slice(0, 8).join(', ')}; change its settings through its own administration pages.` }] };
    }
    const taken = await domainsTaken(this.dataSource, force.domains);
    if (taken.length > 0) {
      return {
        ...outcome,
        problems: taken.map((domain) => ({ field: `force.domains.${force.domains.indexOf(domain.hostname)}`, message: `${domain.hostname} already belongs to ${domain.tenant?.slug ?? 'another force'}` })),
      };
    }

    const issuer = issuerOf(force.identity, this.config.identity.defaultIssuerBase);
    outcome.actions = [
      `Create force ${force.slug} (${force.name.en}), languages ${force.languages.join(', ')}`,
      ...force.domains.map((domain, index) => `Serve its site at ${domain}${index === 0 ? ' (primary)' : ''}`),
      issuer === null
        ? 'Its staff cannot sign in yet: name its identity provider in identity.issuer (or set IDP_URL for a shared one)'
        : `Sign its staff in through ${issuer} (client ${force.identity.clientId}${force.identity.clientSecretEnv ? `, secret from $${force.identity.clientSecretEnv}` : ', public with PKCE'})`,
      `Branding: ${force.branding.brandColour} with ${force.branding.secondaryColour}${fields.branding.logoSvg ? ', SVG logo' : ', text logo'}`,
      ...national.map((service) => `Publish ${service.id} version 1 (national version ${service.version})`),
      rules ? `Publish routing rules version 1 (${rules.rules.length} rule${rules.rules.length === 1 ? '' : 's'})` : 'No routing rules: every report goes to the national default (queue general, priority 3)',
      'Record force.onboarded in its audit trail',
    ];
    if (options.dryRun) return outcome;

    try {
      await this.dataSource.transaction(async (manager) => {
        const tenantId = await createForce(manager, force.slug, fields, force.domains);
        await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
        await this.publishFirstVersions(manager, tenantId, national, rules, staff);
        await this.audit.record(manager, {
          tenantId,
          actorType: 'staff',
          actorId: staff.subject,
          action: 'force.onboarded',
          subjectType: 'force',
          subjectId: tenantId,
          details: { actorName: staff.name, actions: outcome.actions },
          requestId: options.requestId,
        });
      });
    } catch (error) {
      // Someone else took the slug or a domain between the check and now.
      if ((error as { code?: string }).code === '23505') return { ...outcome, actions: [], problems: [{ field: 'force.slug', message: `${force.slug} or one of its domains was taken while onboarding; check and try again.` }] };
      throw error;
    }
    return { ...outcome, created: true };
  }

  private async check(request: OnboardingRequest): Promise<{ problems: FieldProblem[] } | { force: TenantFile; rules: RoutingRules | null; fields: ForceFields; national: ServiceDefinition[] }> {
    const problems: FieldProblem[] = [];
    const parsed = tenantFileSchema.safeParse(request.force);
    if (!parsed.success) problems.push(...zodProblems(parsed.error, 'force'));
    if (parsed.success && parsed.data.branding.logo.svg) problems.push({ field: 'force.branding.logo.svg', message: 'names a file; send the logo’s content as logoSvg instead' });
    const logoProblem = request.logoSvg ? svgLogoProblem(request.logoSvg) : undefined;
    if (logoProblem) problems.push({ field: 'logoSvg', message: `The logo ${logoProblem}` });
    let rules: RoutingRules | null = null;
    if (request.routing !== undefined && request.routing !== null) {
      const parsedRules = routingRulesSchema.safeParse(request.routing);
      if (parsedRules.success) rules = parsedRules.data;
      else problems.push(...zodProblems(parsedRules.error, 'routing'));
    }
    const latest = await latestNationalServices(this.dataSource);
    const known = new Map(latest.map((service) => [service.id, service]));
    // Named even when other fields are wrong, so one round trip shows every problem.
    const services = (request.force as { services?: unknown } | null)?.services;
    if (Array.isArray(services)) {
      services.forEach((id, index) => {
        if (typeof id === 'string' && !known.has(id)) problems.push({ field: `force.services.${index}`, message: `There is no national service "${id}" (there are: ${[...known.keys()].join(', ')})` });
      });
    }
    rules?.rules.forEach((rule, index) =>
      (rule.when.services ?? []).forEach((id) => {
        if (!known.has(id)) problems.push({ field: `routing.rules.${index}.when.services`, message: `${id} is not a national service` });
      }),
    );
    if (problems.length > 0 || !parsed.success) return { problems };
    const force = parsed.data;
    const fields: ForceFields = {
      name: force.name,
      languages: force.languages,
      website: force.website ?? null,
      branding: { ...force.branding, logoSvg: request.logoSvg ?? null },
      contact: force.contact,
      promises: force.promises,
      identity: force.identity as Tenant['identity'],
      services: force.services,
    };
    const national = force.services.map((id) => known.get(id)!);
    for (const service of national) {
      try {
        compileForm(service);
      } catch (error) {
        if (!(error instanceof OverlayError)) throw error;
        problems.push(...textProblems(error.problems).map((problem) => ({ ...problem, field: `national.${service.id}.${problem.field}` })));
      }
    }
    return problems.length > 0 ? { problems } : { force, rules, fields, national };
  }

  private async publishFirstVersions(manager: EntityManager, tenantId: string, national: ServiceDefinition[], rules: RoutingRules | null, staff: StaffIdentity): Promise<void> {
    for (const service of national) {
      const form = compileForm(service);
      await insertFormVersion(manager, {
        tenantId,
        serviceId: service.id,
        version: 1,
        nationalVersion: service.version,
        form,
        overlay: null,
        hash: formHash(form),
        publishedBy: staff.subject,
        publishedByName: staff.name,
        note: 'Onboarded: the national form',
      });
    }
    if (rules) {
      await insertRuleSet(manager, { tenantId, version: 1, rules, hash: routingRulesHash(rules), publishedBy: staff.subject, publishedByName: staff.name, note: 'Onboarded' });
    }
  }
}

function fieldsOf(tenant: Tenant): ForceFields {
  return { name: tenant.name, languages: tenant.languages, website: tenant.website, branding: tenant.branding, contact: tenant.contact, promises: tenant.promises, identity: tenant.identity, services: tenant.services };
}

function sameDomains(tenant: Tenant, wanted: string[]): boolean {
  const domains = tenant.domains ?? [];
  const primary = domains.find((domain) => domain.isPrimary)?.hostname;
  return domains.length === wanted.length && wanted.every((hostname) => domains.some((domain) => domain.hostname === hostname)) && primary === wanted[0];
}
