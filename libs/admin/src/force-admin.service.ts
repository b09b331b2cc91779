import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { leafDifferences, type LeafDifference } from '@front-counter/data-files';
import { TenantTransactions } from '@front-counter/database';
import { compileForm, formHash, formVersionHistory, formVersionOf, FormVersion, insertFormVersion, latestFormVersion, latestNationalServices, nationalDefinition, OverlayError, overlaySchema, type CompiledForm, type ServiceDefinition, type ServiceOverlay } from '@front-counter/forms';
import { AccessException, type StaffIdentity } from '@front-counter/identity';
import { administeredForce } from './administered-force.js';
import { z } from 'zod';
import { identitySchema, Tenant, tenantById, updateForceSettings } from '@front-counter/tenancy';
import { dropAdminDraft, findAdminDraft, keepAdminDraft } from './admin-drafts.repository.js';
import { textProblems, zodProblems, type FieldProblem } from './field-problems.js';
import { formDifferences, pagesTouched } from './form-differences.js';
import { missingWelsh, siteSettingsOf, siteSettingsSchema, tenantFieldsOf, type SiteSettings } from './site-settings.js';

/** Who changes something, for versions' history and the audit trail. */
export interface Actor {
  subject: string;
  name: string | null;
  requestId?: string;
}

export interface SiteView {
  published: SiteSettings;
  draft: SiteSettings | null;
  draftUpdatedAt: Date | null;
  draftUpdatedByName: string | null;
  languages: string[];
}

export interface ServiceView {
  serviceId: string;
  title: ServiceDefinition['title'];
  enabled: boolean;
  current: FormVersion | null;
  latestNationalVersion: number;
  /** The national definition the force's current form (or a first draft) is built on. */
  national: ServiceDefinition;
  draft: { overlay: ServiceOverlay; form: CompiledForm | null; problems: FieldProblem[]; updatedAt: Date; updatedByName: string | null } | null;
}

export interface ServiceDrift {
  serviceId: string;
  title: ServiceDefinition['title'];
  currentVersion: number;
  nationalVersion: number;
  latestNationalVersion: number;
  /** Where the force's form differs from the national baseline it is built on. */
  overlayChanges: LeafDifference[];
  /** What the newer national version changes (empty when up to date). */
  nationalChanges: LeafDifference[];
  /** Pages both the force's overlay and the newer national version change: an upgrade needs a look. */
  conflicts: string[];
  /** Why the overlay cannot be applied to the newer national version as it stands (empty when it can). */
  upgradeProblems: FieldProblem[];
}

export type Outcome<T> = { problems: FieldProblem[]; result?: T };

export interface StaffSettings {
  realm: string;
  issuer: string | null;
  clientId: string;
  clientSecretEnv: string | null;
  rolesClaim: string;
}

/** What a force may change of its staff sign-in: the client, the secret's environment variable (never the secret), the roles claim. */
const staffSettingsSchema = z
  .object({
    clientId: identitySchema.shape.clientId,
    clientSecretEnv: identitySchema.shape.clientSecretEnv.nullable(),
    rolesClaim: identitySchema.shape.rolesClaim,
  })
  .strict();

const MAX_OVERLAY_BYTES = 200_000;
const MAX_NOTE = 500;

/**
 * A force administrator's configuration of the force's own site: its settings and branding (a draft,
 * previewed, then published), its services (on or off; overlays as drafts published as immutable
 * versions, with history, differences and roll-back) and the drift of its forms from the national
 * baseline. The force is always the verified token's. Invalid input comes back as field problems and
 * changes nothing.
 */
@Injectable()
export class ForceAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditService,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // The site: name, branding, contact numbers, promises

  async site(staff: StaffIdentity): Promise<SiteView> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, async (manager) => {
      const tenant = await this.tenant(manager, tenantId);
      const draft = await findAdminDraft(manager, tenantId, 'site', '');
      return {
        published: siteSettingsOf(tenant),
        draft: draft ? (draft.content as SiteSettings) : null,
        draftUpdatedAt: draft?.updatedAt ?? null,
        draftUpdatedByName: draft?.updatedByName ?? null,
        languages: tenant.languages,
      };
    });
  }

  /** Checks and keeps a draft of the site's settings; the public see nothing until it is published. */
  async saveSiteDraft(staff: StaffIdentity, input: unknown): Promise<Outcome<SiteView>> {
    const tenantId = administeredForce(staff);
    const parsed = siteSettingsSchema.safeParse(input);
    if (!parsed.success) return { problems: zodProblems(parsed.error) };
    if (parsed.data.branding.logoPng) {
      const png = await sanitisedPng(parsed.data.branding.logoPng);
      if (!png) return { problems: [{ field: 'branding.logoPng', message: 'The logo is not a PNG image' }] };
      parsed.data.branding.logoPng = png;
    }
    const tenant = await this.transactions.run(tenantId, (manager) => this.tenant(manager, tenantId));
    const welsh = missingWelsh(parsed.data, tenant.languages);
    if (welsh.length > 0) return { problems: welsh };
    await this.transactions.run(tenantId, (manager) => this.keepDraft(manager, tenantId, 'site', '', parsed.data, staff));
    return { problems: [], result: await this.site(staff) };
  }

  async publishSiteDraft(staff: StaffIdentity, actor: Actor): Promise<Outcome<SiteView>> {
    const tenantId = administeredForce(staff);
    const problems = await this.transactions.run(tenantId, async (manager) => {
      await this.lock(manager, tenantId, 'site');
      const draft = await findAdminDraft(manager, tenantId, 'site', '');
      if (!draft) return [{ field: 'draft', message: 'There is no draft of the site’s settings to publish.' }];
      const tenant = await this.tenant(manager, tenantId);
      const settings = draft.content as SiteSettings;
      const changes = leafSummary(siteSettingsOf(tenant), settings);
      await updateForceSettings(manager, tenantFieldsOf(settings, tenant));
      await dropAdminDraft(manager, tenantId, 'site', '');
      await this.record(manager, tenantId, actor, 'force.site-published', 'force', tenantId, { changes });
      return [];
    });
    return problems.length ? { problems } : { problems, result: await this.site(staff) };
  }

  /** The staff sign-in settings a force may change itself: names only (a secret is referenced by its environment variable, never stored). */
  async staffSettings(staff: StaffIdentity): Promise<StaffSettings> {
    const tenantId = administeredForce(staff);
    const tenant = await this.transactions.run(tenantId, (manager) => this.tenant(manager, tenantId));
    return { realm: tenant.identity.realm, issuer: tenant.identity.issuer ?? null, clientId: tenant.identity.clientId, clientSecretEnv: tenant.identity.clientSecretEnv ?? null, rolesClaim: tenant.identity.rolesClaim };
  }

  async updateStaffSettings(staff: StaffIdentity, input: unknown, actor: Actor): Promise<Outcome<StaffSettings>> {
    const tenantId = administeredForce(staff);
    const parsed = staffSettingsSchema.safeParse(input);
    if (!parsed.success) return { problems: zodProblems(parsed.error) };
    await this.transactions.run(tenantId, async (manager) => {
      await this.lock(manager, tenantId, 'site');
      const tenant = await this.tenant(manager, tenantId);
      const identity = { ...tenant.identity, clientId: parsed.data.clientId, rolesClaim: parsed.data.rolesClaim, clientSecretEnv: parsed.data.clientSecretEnv ?? undefined };
      const changes = leafDifferences(JSON.parse(JSON.stringify(tenant.identity)), JSON.parse(JSON.stringify(identity))).map((difference) => `identity.${difference.path}: ${show(difference.before)} → ${show(difference.after)}`);
      if (changes.length === 0) return;
      await updateForceSettings(manager, { identity });
      await this.record(manager, tenantId, actor, 'force.staff-settings-changed', 'force', tenantId, { changes });
    });
    return { problems: [], result: await this.staffSettings(staff) };
  }

  async discardDraft(staff: StaffIdentity, kind: 'site' | 'service', key: string): Promise<boolean> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, (manager) => dropAdminDraft(manager, tenantId, kind, key));
  }

  // ---------------------------------------------------------------------------------------------
  // Services

  async services(staff: StaffIdentity): Promise<ServiceView[]> {
    const tenantId = administeredForce(staff);
    const national = await this.latestNational();
    return this.transactions.run(tenantId, async (manager) => {
      const tenant = await this.tenant(manager, tenantId);
      const views: ServiceView[] = [];
      for (const service of national) views.push(await this.serviceView(manager, tenant, service));
      return views;
    });
  }

  async service(staff: StaffIdentity, serviceId: string): Promise<ServiceView> {
    const tenantId = administeredForce(staff);
    const latest = (await this.latestNational()).find((service) => service.id === serviceId);
    if (!latest) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(tenantId, async (manager) => this.serviceView(manager, await this.tenant(manager, tenantId), latest));
  }

  /** Switches a national service on or off for the force; switched on for the first time, it is published as the national baseline. */
  async setServiceEnabled(staff: StaffIdentity, serviceId: string, enabled: boolean, actor: Actor): Promise<ServiceView> {
    const tenantId = administeredForce(staff);
    const latest = (await this.latestNational()).find((service) => service.id === serviceId);
    if (!latest) throw AccessException.notFoundOrNoAccess();
    await this.transactions.run(tenantId, async (manager) => {
      await this.lock(manager, tenantId, 'services');
      const tenant = await this.tenant(manager, tenantId);
      const services = enabled ? [...new Set([...tenant.services, serviceId])] : tenant.services.filter((id) => id !== serviceId);
      if (services.length === tenant.services.length && services.every((id, index) => id === tenant.services[index])) return;
      if (enabled && !(await this.currentVersion(manager, tenantId, serviceId))) {
        await this.insertVersion(manager, tenantId, serviceId, { form: compileForm(latest), overlay: null, nationalVersion: latest.version }, actor, 'Switched on: the national form');
      }
      await updateForceSettings(manager, { services });
      await this.record(manager, tenantId, actor, enabled ? 'service.enabled' : 'service.disabled', 'service', serviceId, {});
    });
    return this.service(staff, serviceId);
  }

  /** Checks an overlay against the national form it builds on and keeps it as the service's draft. */
  async saveServiceDraft(staff: StaffIdentity, serviceId: string, input: unknown): Promise<Outcome<ServiceView>> {
    const tenantId = administeredForce(staff);
    const view = await this.service(staff, serviceId);
    if (Buffer.byteLength(JSON.stringify(input ?? null)) > MAX_OVERLAY_BYTES) return { problems: [{ field: 'overlay', message: `The overlay is larger than ${MAX_OVERLAY_BYTES / 1000} kB.` }] };
    const candidate = input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as object), service: serviceId, basedOnVersion: view.national.version } : input;
    const parsed = overlaySchema.safeParse(candidate);
    if (!parsed.success) return { problems: zodProblems(parsed.error) };
    const compiled = compileOverlay(view.national, parsed.data);
    if ('problems' in compiled) return { problems: compiled.problems };
    await this.transactions.run(tenantId, (manager) => this.keepDraft(manager, tenantId, 'service', serviceId, parsed.data, staff));
    return { problems: [], result: await this.service(staff, serviceId) };
  }

  /** Publishes the service's draft as a new immutable version: new journeys use it at once; drafts and reports keep theirs. */
  async publishServiceDraft(staff: StaffIdentity, serviceId: string, note: string | null, actor: Actor): Promise<Outcome<FormVersion>> {
    const tenantId = administeredForce(staff);
    const view = await this.service(staff, serviceId);
    return this.transactions.run(tenantId, async (manager) => {
      await this.lock(manager, tenantId, `service:${serviceId}`);
      const draft = await findAdminDraft(manager, tenantId, 'service', serviceId);
      if (!draft) return { problems: [{ field: 'draft', message: 'There is no draft of this service to publish.' }] };
      const overlay = draft.content as ServiceOverlay;
      const national = await this.national(overlay.basedOnVersion === view.national.version ? view.national : null, serviceId, overlay.basedOnVersion);
      const compiled = compileOverlay(national, overlay);
      if ('problems' in compiled) return { problems: compiled.problems };
      const current = await this.currentVersion(manager, tenantId, serviceId);
      if (current?.hash === formHash(compiled.form)) return { problems: [{ field: 'draft', message: 'The draft makes no change to the published form.' }] };
      const version = await this.insertVersion(manager, tenantId, serviceId, { form: compiled.form, overlay: isEmptyOverlay(overlay) ? null : overlay, nationalVersion: national.version }, actor, cleanNote(note));
      await dropAdminDraft(manager, tenantId, 'service', serviceId);
      await this.record(manager, tenantId, actor, 'form.published', 'service', serviceId, { version: version.version, changes: summary(formDifferences(current?.form ?? null, compiled.form)) });
      return { problems: [], result: version };
    });
  }

  async versions(staff: StaffIdentity, serviceId: string): Promise<FormVersion[]> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, (manager) => formVersionHistory(manager, tenantId, serviceId));
  }

  /** What changed from one version to another (either way round). */
  async versionDifferences(staff: StaffIdentity, serviceId: string, from: number, to: number): Promise<LeafDifference[]> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, async (manager) => {
      const [before, after] = await Promise.all([from, to].map((version) => formVersionOf(manager, tenantId, serviceId, version)));
      if (!before || !after) throw AccessException.notFoundOrNoAccess();
      return formDifferences(before.form, after.form);
    });
  }

  /** Publishes an earlier version's form again, as a new version (history is never rewritten). */
  async rollBack(staff: StaffIdentity, serviceId: string, toVersion: number, actor: Actor): Promise<Outcome<FormVersion>> {
    const tenantId = administeredForce(staff);
    return this.transactions.run(tenantId, async (manager) => {
      await this.lock(manager, tenantId, `service:${serviceId}`);
      const target = await formVersionOf(manager, tenantId, serviceId, toVersion);
      if (!target) throw AccessException.notFoundOrNoAccess();
      const current = (await this.currentVersion(manager, tenantId, serviceId))!;
      if (current.hash === target.hash) return { problems: [{ field: 'version', message: `Version ${toVersion} is the form the public already see.` }] };
      const version = await this.insertVersion(manager, tenantId, serviceId, { form: target.form, overlay: target.overlay, nationalVersion: target.nationalVersion }, actor, `Rolled back to version ${toVersion}`);
      await this.record(manager, tenantId, actor, 'form.rolled-back', 'service', serviceId, { version: version.version, to: toVersion, changes: summary(formDifferences(current.form, target.form)) });
      return { problems: [], result: version };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Drift from the national baseline, and upgrades

  async drift(staff: StaffIdentity): Promise<ServiceDrift[]> {
    const tenantId = administeredForce(staff);
    const latest = await this.latestNational();
    return this.transactions.run(tenantId, async (manager) => {
      const tenant = await this.tenant(manager, tenantId);
      const report: ServiceDrift[] = [];
      for (const service of latest.filter((candidate) => tenant.services.includes(candidate.id))) {
        const current = await this.currentVersion(manager, tenantId, service.id);
        if (!current) continue;
        report.push(driftOf(current, await this.national(null, service.id, current.nationalVersion), service));
      }
      return report;
    });
  }

  /** Rebuilds the force's form on the newest national version with its overlay; with `dryRun`, only says what would change. */
  async upgrade(staff: StaffIdentity, serviceId: string, dryRun: boolean, actor: Actor): Promise<Outcome<{ changes: LeafDifference[]; version: FormVersion | null }>> {
    return this.upgradeForce(administeredForce(staff), serviceId, dryRun, actor);
  }

  /** Also the national roll-out's step for one force (the caller has checked who may do it). */
  async upgradeForce(tenantId: string, serviceId: string, dryRun: boolean, actor: Actor): Promise<Outcome<{ changes: LeafDifference[]; version: FormVersion | null }>> {
    const latest = (await this.latestNational()).find((service) => service.id === serviceId);
    if (!latest) throw AccessException.notFoundOrNoAccess();
    return this.transactions.run(tenantId, async (manager) => {
      await this.lock(manager, tenantId, `service:${serviceId}`);
      const current = await this.currentVersion(manager, tenantId, serviceId);
      if (!current) throw AccessException.notFoundOrNoAccess();
      if (current.nationalVersion >= latest.version) return { problems: [{ field: 'serviceId', message: `Already on the newest national version (${latest.version}).` }] };
      const overlay = current.overlay ? { ...current.overlay, basedOnVersion: latest.version } : undefined;
      const compiled = compileOverlay(latest, overlay);
      if ('problems' in compiled) return { problems: compiled.problems };
      const changes = formDifferences(current.form, compiled.form);
      if (dryRun) return { problems: [], result: { changes, version: null } };
      const version = await this.insertVersion(manager, tenantId, serviceId, { form: compiled.form, overlay: overlay ?? null, nationalVersion: latest.version }, actor, `Upgraded to national version ${latest.version}`);
      await this.record(manager, tenantId, actor, 'form.upgraded', 'service', serviceId, { version: version.version, nationalVersion: latest.version, changes: summary(changes) });
      return { problems: [], result: { changes, version } };
    });
  }

  // ---------------------------------------------------------------------------------------------

  private async tenant(manager: EntityManager, tenantId: string): Promise<Tenant> {
    const tenant = await tenantById(manager, tenantId);
    if (!tenant) throw AccessException.notFoundOrNoAccess();
    return tenant;
  }

  /** One change at a time to a thing of a force (two administrators publishing at once take turns). */
  private async lock(manager: EntityManager, tenantId: string, what: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`front-counter:admin:${tenantId}:${what}`]);
  }

  private async keepDraft(manager: EntityManager, tenantId: string, kind: 'site' | 'service', key: string, content: object, staff: StaffIdentity): Promise<void> {
    await keepAdminDraft(manager, { tenantId, kind, key, content }, staff);
  }

  private currentVersion(manager: EntityManager, tenantId: string, serviceId: string): Promise<FormVersion | null> {
    return latestFormVersion(manager, tenantId, serviceId);
  }

  private async insertVersion(
    manager: EntityManager,
    tenantId: string,
    serviceId: string,
    content: { form: CompiledForm; overlay: ServiceOverlay | null; nationalVersion: number },
    actor: Actor,
    note: string | null,
  ): Promise<FormVersion> {
    const current = await this.currentVersion(manager, tenantId, serviceId);
    const row = manager.create(FormVersion, {
      tenantId,
      serviceId,
      version: (current?.version ?? 0) + 1,
      nationalVersion: content.nationalVersion,
      form: content.form,
      overlay: content.overlay,
      hash: formHash(content.form),
      publishedBy: actor.subject,
      publishedByName: actor.name,
      note,
    });
    await insertFormVersion(manager, row);
    return (await formVersionOf(manager, tenantId, serviceId, row.version))!;
  }

  private async record(manager: EntityManager, tenantId: string, actor: Actor, action: string, subjectType: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
    await this.audit.record(manager, { tenantId, actorType: 'staff', actorId: actor.subject, action, subjectType, subjectId, details: { actorName: actor.name, ...details }, requestId: actor.requestId });
  }

  /** The newest version of every national service. */
  private async latestNational(): Promise<ServiceDefinition[]> {
    return latestNationalServices(this.dataSource);
  }

  private async national(known: ServiceDefinition | null, serviceId: string, version: number): Promise<ServiceDefinition> {
    if (known) return known;
    const definition = await nationalDefinition(this.dataSource, serviceId, version);
    if (!definition) throw AccessException.notFoundOrNoAccess();
    return definition;
  }

  private async serviceView(manager: EntityManager, tenant: Tenant, latest: ServiceDefinition): Promise<ServiceView> {
    const current = await this.currentVersion(manager, tenant.id, latest.id);
    const national = current && current.nationalVersion !== latest.version ? await this.national(null, latest.id, current.nationalVersion) : latest;
    const draftRow = await findAdminDraft(manager, tenant.id, 'service', latest.id);
    let draft: ServiceView['draft'] = null;
    if (draftRow) {
      const overlay = draftRow.content as ServiceOverlay;
      // A draft made before an upgrade may no longer apply: shown with its problems, not lost.
      const compiled = compileOverlay(overlay.basedOnVersion === national.version ? national : await this.national(null, latest.id, overlay.basedOnVersion), overlay);
      draft = { overlay, form: 'form' in compiled ? compiled.form : null, problems: 'problems' in compiled ? compiled.problems : [], updatedAt: draftRow.updatedAt, updatedByName: draftRow.updatedByName };
    }
    return { serviceId: latest.id, title: latest.title, enabled: tenant.services.includes(latest.id), current, latestNationalVersion: latest.version, national, draft };
  }
}

/**
 * A PNG logo as it is kept: decoded, checked to be a PNG, scaled to fit 800 by 240 pixels, and
 * re-encoded by sharp, which drops every metadata chunk. Null when it is not a readable PNG.
 */
async function sanitisedPng(base64: string): Promise<string | null> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 8 || bytes.subarray(0, 8).compare(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) !== 0) return null;
  try {
    // Loaded on first use: sharp and libvips hold memory that only a logo upload needs.
    const { default: sharp } = await import('sharp');
    const image = sharp(bytes, { limitInputPixels: 25_000_000 });
    if ((await image.metadata()).format !== 'png') return null;
    return (await image.resize({ width: 800, height: 240, fit: 'inside', withoutEnlargement: true }).png({ compressionLevel: 9 }).toBuffer()).toString('base64');
  } catch {
    return null;
  }
}

function compileOverlay(national: ServiceDefinition, overlay: ServiceOverlay | undefined): { form: CompiledForm } | { problems: FieldProblem[] } {
  try {
    return { form: compileForm(national, overlay) };
  } catch (error) {
    if (error instanceof OverlayError) return { problems: textProblems(error.problems) };
    throw error;
  }
}

function driftOf(current: FormVersion, national: ServiceDefinition, latest: ServiceDefinition): ServiceDrift {
  const overlayChanges = formDifferences(compileForm(national), current.form);
  const nationalChanges = latest.version > current.nationalVersion ? formDifferences(compileForm(national), compileForm(latest)) : [];
  const ours = pagesTouched(overlayChanges);
  const conflicts = [...pagesTouched(nationalChanges)].filter((page) => ours.has(page)).sort();
  const upgrade = latest.version > current.nationalVersion ? compileOverlay(latest, current.overlay ? { ...current.overlay, basedOnVersion: latest.version } : undefined) : { form: current.form };
  return {
    serviceId: current.serviceId,
    title: latest.title,
    currentVersion: current.version,
    nationalVersion: current.nationalVersion,
    latestNationalVersion: latest.version,
    overlayChanges,
    nationalChanges,
    conflicts,
    upgradeProblems: 'problems' in upgrade ? upgrade.problems : [],
  };
}

function isEmptyOverlay(overlay: ServiceOverlay): boolean {
  const { service: _service, basedOnVersion: _based, ...rest } = overlay;
  return Object.values(rest).every((value) => (Array.isArray(value) ? value.length === 0 : Object.values(value as object).every((part) => (part && typeof part === 'object' ? Object.keys(part).length === 0 : !part))));
}

function cleanNote(note: string | null | undefined): string | null {
  const text = note?.trim().slice(0, MAX_NOTE);
  return text ? text : null;
}

const show = (value: unknown) => (value === undefined ? '(none)' : typeof value === 'string' && value.length > 80 ? JSON.stringify(`${value.slice(0, 77)}...`) : JSON.stringify(value));

/** Differences as lines for the audit trail (at most 50). */
function summary(differences: LeafDifference[]): string[] {
  const lines = differences.slice(0, 50).map((difference) => `${difference.path}: ${show(difference.before)} → ${show(difference.after)}`);
  if (differences.length > 50) lines.push(`and ${differences.length - 50} more`);
  return lines;
}

function leafSummary(before: SiteSettings, after: SiteSettings): string[] {
  return leafDifferences(JSON.parse(JSON.stringify(before)), JSON.parse(JSON.stringify(after))).map((difference) =>
    difference.path === 'branding.logoSvg' || difference.path === 'branding.logoPng' ? `${difference.path}: ${difference.before ? (difference.after ? 'replaced' : 'removed') : 'added'}` : `${difference.path}: ${show(difference.before)} → ${show(difference.after)}`,
  );
}
