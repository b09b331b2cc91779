import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { FormVersion } from '@front-counter/forms';
import { JSONScalar } from '@front-counter/forms';
import { contrastRatio } from '@front-counter/tenancy';
import { CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { ForceAdminService, type Actor, type ServiceView, type SiteView } from './force-admin.service.js';
import {
  AdminServiceModel,
  AdminServicePayload,
  AdminSiteModel,
  AdminSitePayload,
  FormChangeModel,
  FormVersionModel,
  FormVersionPayload,
  ServiceDriftModel,
  UpgradePayload,
} from './force-admin.models.js';
import type { SiteSettings } from './site-settings.js';

const serviceId = () => Args('serviceId', { type: () => String, description: 'A national service id, e.g. report-a-crime.' });
const actorOf = (staff: StaffIdentity, request?: FastifyRequest): Actor => ({ subject: staff.subject, name: staff.name, requestId: request?.id ? String(request.id) : undefined });

export function versionModel(version: FormVersion, withContent = false): FormVersionModel {
  return {
    id: version.id,
    version: version.version,
    nationalVersion: version.nationalVersion,
    publishedAt: version.publishedAt,
    publishedBy: version.publishedByName ?? (version.publishedBy === 'tenant-sync' ? 'tenant files' : version.publishedBy),
    note: version.note,
    hasOverlay: version.overlay !== null,
    ...(withContent ? { form: version.form, overlay: version.overlay } : {}),
  };
}

const settingsModel = (settings: SiteSettings) => ({ settings, contrast: Math.round(contrastRatio(settings.branding.brandColour, '#ffffff') * 100) / 100 });
const siteModel = (site: SiteView): AdminSiteModel => ({
  published: settingsModel(site.published),
  draft: site.draft ? settingsModel(site.draft) : null,
  draftUpdatedAt: site.draftUpdatedAt,
  draftUpdatedByName: site.draftUpdatedByName,
  languages: site.languages,
});
const serviceModel = (view: ServiceView): AdminServiceModel => ({
  serviceId: view.serviceId,
  title: view.title,
  enabled: view.enabled,
  current: view.current ? versionModel(view.current, true) : null,
  latestNationalVersion: view.latestNationalVersion,
  national: view.national,
  draft: view.draft,
});

/**
 * Force administrators (role force-admin of the force's own realm): the force's site settings and
 * branding, its services' forms and their drift from the national baseline. The force is the token's;
 * anyone else gets "not found". Invalid input comes back as `problems` by field and changes nothing.
 */
@Resolver()
export class ForceAdminResolver {
  constructor(private readonly admin: ForceAdminService) {}

  @Query(() => AdminSiteModel, { description: 'The force’s published site settings and any unpublished draft.' })
  @StaffOnly(Permission.AdministerForce)
  async adminSite(@CurrentStaff() staff: StaffIdentity): Promise<AdminSiteModel> {
    return siteModel(await this.admin.site(staff));
  }

  @Mutation(() => AdminSitePayload, { description: 'Checks and keeps a draft of the site settings (whole settings, as adminSite gives them). The public see nothing until it is published.' })
  @StaffOnly(Permission.AdministerForce)
  async saveSiteDraft(@CurrentStaff() staff: StaffIdentity, @Args('settings', { type: () => JSONScalar }) settings: unknown): Promise<AdminSitePayload> {
    const outcome = await this.admin.saveSiteDraft(staff, settings);
    return { problems: outcome.problems, site: outcome.result ? siteModel(outcome.result) : null };
  }

  @Mutation(() => AdminSitePayload, { description: 'Publishes the site draft: every instance serves it within seconds.' })
  @StaffOnly(Permission.AdministerForce)
  async publishSiteDraft(@CurrentStaff() staff: StaffIdentity, @Context('req') request?: FastifyRequest): Promise<AdminSitePayload> {
    const outcome = await this.admin.publishSiteDraft(staff, actorOf(staff, request));
    return { problems: outcome.problems, site: outcome.result ? siteModel(outcome.result) : null };
  }

  @Mutation(() => Boolean, { description: 'Throws the site draft away. False when there was none.' })
  @StaffOnly(Permission.AdministerForce)
  async discardSiteDraft(@CurrentStaff() staff: StaffIdentity): Promise<boolean> {
    return this.admin.discardDraft(staff, 'site', '');
  }

  @Query(() => [AdminServiceModel], { description: 'Every national service, as this force has it.' })
  @StaffOnly(Permission.AdministerForce)
  async adminServices(@CurrentStaff() staff: StaffIdentity): Promise<AdminServiceModel[]> {
    return (await this.admin.services(staff)).map(serviceModel);
  }

  @Query(() => AdminServiceModel)
  @StaffOnly(Permission.AdministerForce)
  async adminService(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string): Promise<AdminServiceModel> {
    return serviceModel(await this.admin.service(staff, id));
  }

  @Mutation(() => AdminServiceModel, { description: 'Switches a national service on or off on the force’s site.' })
  @StaffOnly(Permission.AdministerForce)
  async setServiceEnabled(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string, @Args('enabled') enabled: boolean, @Context('req') request?: FastifyRequest): Promise<AdminServiceModel> {
    return serviceModel(await this.admin.setServiceEnabled(staff, id, enabled, actorOf(staff, request)));
  }

  @Mutation(() => AdminServicePayload, { description: 'Checks an overlay (texts, slots, disabledPages, files, exitLinks) against the national form and keeps it as the service’s draft.' })
  @StaffOnly(Permission.AdministerForce)
  async saveServiceDraft(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string, @Args('overlay', { type: () => JSONScalar }) overlay: unknown): Promise<AdminServicePayload> {
    const outcome = await this.admin.saveServiceDraft(staff, id, overlay);
    return { problems: outcome.problems, service: outcome.result ? serviceModel(outcome.result) : null };
  }

  @Mutation(() => Boolean, { description: 'Throws a service’s draft away. False when there was none.' })
  @StaffOnly(Permission.AdministerForce)
  async discardServiceDraft(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string): Promise<boolean> {
    return this.admin.discardDraft(staff, 'service', id);
  }

  @Mutation(() => FormVersionPayload, { description: 'Publishes the service’s draft as a new immutable version. Reports and journeys already begun keep the version they began with.' })
  @StaffOnly(Permission.AdministerForce)
  async publishServiceDraft(
    @CurrentStaff() staff: StaffIdentity,
    @serviceId() id: string,
    @Args('note', { type: () => String, nullable: true, description: 'Why (shown in the history), up to 500 characters.' }) note: string | null,
    @Context('req') request?: FastifyRequest,
  ): Promise<FormVersionPayload> {
    const outcome = await this.admin.publishServiceDraft(staff, id, note, actorOf(staff, request));
    return { problems: outcome.problems, version: outcome.result ? versionModel(outcome.result) : null };
  }

  @Query(() => [FormVersionModel], { description: 'Every published version of the force’s form, newest first.' })
  @StaffOnly(Permission.AdministerForce)
  async serviceVersions(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string): Promise<FormVersionModel[]> {
    return (await this.admin.versions(staff, id)).map((version) => versionModel(version));
  }

  @Query(() => [FormChangeModel], { description: 'What differs between two versions of the force’s form.' })
  @StaffOnly(Permission.AdministerForce)
  async serviceVersionDifferences(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string, @Args('from', { type: () => Int }) from: number, @Args('to', { type: () => Int }) to: number): Promise<FormChangeModel[]> {
    return this.admin.versionDifferences(staff, id, from, to);
  }

  @Mutation(() => FormVersionPayload, { description: 'Publishes an earlier version’s form again, as a new version.' })
  @StaffOnly(Permission.AdministerForce)
  async rollBackService(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string, @Args('toVersion', { type: () => Int }) toVersion: number, @Context('req') request?: FastifyRequest): Promise<FormVersionPayload> {
    const outcome = await this.admin.rollBack(staff, id, toVersion, actorOf(staff, request));
    return { problems: outcome.problems, version: outcome.result ? versionModel(outcome.result) : null };
  }

  @Query(() => [ServiceDriftModel], { description: 'For each service the force offers: where its form differs from the national baseline, and what a newer national version would change.' })
  @StaffOnly(Permission.AdministerForce)
  async driftReport(@CurrentStaff() staff: StaffIdentity): Promise<ServiceDriftModel[]> {
    return this.admin.drift(staff);
  }

  @Mutation(() => UpgradePayload, { description: 'Rebuilds the force’s form on the newest national version, keeping its overlay. With dryRun, only shows what would change.' })
  @StaffOnly(Permission.AdministerForce)
  async upgradeService(@CurrentStaff() staff: StaffIdentity, @serviceId() id: string, @Args('dryRun', { defaultValue: false }) dryRun: boolean, @Context('req') request?: FastifyRequest): Promise<UpgradePayload> {
    const outcome = await this.admin.upgrade(staff, id, dryRun, actorOf(staff, request));
    return { problems: outcome.problems, changes: outcome.result?.changes ?? [], version: outcome.result?.version ? versionModel(outcome.result.version) : null };
  }
}
