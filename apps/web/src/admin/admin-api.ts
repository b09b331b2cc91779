import { Injectable } from '@nestjs/common';
import type { SiteSettings } from '@front-counter/admin';
import type { CompiledForm } from '@front-counter/forms';
import {
  AdminDeliveriesDocument,
  AdminDestinationsDocument,
  AdminDiffDocument,
  AdminDiscardRoutingDocument,
  AdminDiscardServiceDocument,
  AdminDiscardSiteDocument,
  AdminDriftDocument,
  AdminEnableDocument,
  AdminFiguresDocument,
  AdminPublishRoutingDocument,
  AdminPublishServiceDocument,
  AdminPublishSiteDocument,
  AdminReplayDeliveriesDocument,
  AdminRollBackDocument,
  AdminRollBackRoutingDocument,
  AdminRoutingDocument,
  AdminSaveRoutingDocument,
  AdminSaveServiceDocument,
  AdminSaveSiteDocument,
  AdminServiceDocument,
  AdminServicesDocument,
  AdminSetDestinationSuspendedDocument,
  AdminSimulateDocument,
  AdminSiteDocument,
  AdminStaffSettingsDocument,
  AdminUpdateStaffSettingsDocument,
  AdminUpgradeDocument,
  AdminVersionsDocument,
  type AdminDeliveriesQuery,
  type AdminDestinationFragment,
  type AdminDriftQuery,
  type AdminFiguresQuery,
  type AdminFormChangeFragment,
  type AdminFormVersionFragment,
  type AdminProblemFragment,
  type AdminRoutingQuery,
  type AdminServiceFieldsFragment,
  type AdminSimulateQuery,
  type AdminSiteQuery,
  type AdminStaffSettingsQuery,
  type DeliveryStatus,
  type RoutingSimulationInput,
} from '../graphql/operations.generated.js';
import { StaffApi, type StaffContext } from '../staff/staff-api.js';

// The api's answers as generated from admin.graphql. Where the schema carries JSON (site settings,
// forms, overlays, rules), the types say what the api puts there.

export type { SiteSettings };
export type FieldProblem = AdminProblemFragment;
export type FormChange = AdminFormChangeFragment;
export type FormVersionInfo = AdminFormVersionFragment;
export type ServiceDrift = AdminDriftQuery['driftReport'][number];
export type Simulation = AdminSimulateQuery['simulateRouting'];
export type Figures = AdminFiguresQuery['forceFigures'];
export type StaffSettings = AdminStaffSettingsQuery['staffSettings'];
export type Destination = AdminDestinationFragment;
export type Delivery = AdminDeliveriesQuery['deliveries'][number];
export type { DeliveryStatus };

type SiteFields = AdminSiteQuery['adminSite'];
export type AdminSite = Omit<SiteFields, 'published' | 'draft'> & {
  published: { settings: SiteSettings; contrast: number };
  draft: { settings: SiteSettings; contrast: number } | null;
};

type ServiceFields = AdminServiceFieldsFragment;
type Overlay = Record<string, unknown>;
export type AdminService = Omit<ServiceFields, 'national' | 'current' | 'draft'> & {
  national: { version: number };
  current: (Omit<NonNullable<ServiceFields['current']>, 'form' | 'overlay'> & { form: CompiledForm; overlay: Overlay | null }) | null;
  draft: (Omit<NonNullable<ServiceFields['draft']>, 'form' | 'overlay'> & { form: CompiledForm | null; overlay: Overlay }) | null;
};

/** A routing rule as the pages describe it: its conditions and actions by name. */
export interface RoutingRule {
  name: string;
  when: Record<string, unknown>;
  then: Record<string, unknown>;
}

type RuleSet = { rules: RoutingRule[] };
export type RoutingVersion = Omit<AdminRoutingQuery['routingRuleVersions'][number], 'rules'> & { rules: RuleSet };
export type RoutingDraft = Omit<NonNullable<AdminRoutingQuery['routingDraft']>, 'rules'> & { rules: RuleSet };

/** The api's force administration operations, as the signed-in force administrator. */
@Injectable()
export class AdminApi {
  constructor(private readonly staff: StaffApi) {}

  async site(context: StaffContext): Promise<AdminSite> {
    return (await this.staff.call(context, AdminSiteDocument, {})).adminSite as AdminSite;
  }

  async saveSiteDraft(context: StaffContext, settings: SiteSettings): Promise<FieldProblem[]> {
    return (await this.staff.call(context, AdminSaveSiteDocument, { settings })).saveSiteDraft.problems;
  }

  async publishSiteDraft(context: StaffContext): Promise<FieldProblem[]> {
    return (await this.staff.call(context, AdminPublishSiteDocument, {})).publishSiteDraft.problems;
  }

  async discardSiteDraft(context: StaffContext): Promise<void> {
    await this.staff.call(context, AdminDiscardSiteDocument, {});
  }

  async services(context: StaffContext): Promise<AdminService[]> {
    return (await this.staff.call(context, AdminServicesDocument, {})).adminServices as AdminService[];
  }

  async service(context: StaffContext, serviceId: string): Promise<AdminService> {
    return (await this.staff.call(context, AdminServiceDocument, { id: serviceId })).adminService as AdminService;
  }

  async setEnabled(context: StaffContext, serviceId: string, enabled: boolean): Promise<void> {
    await this.staff.call(context, AdminEnableDocument, { id: serviceId, on: enabled });
  }

  async saveServiceDraft(context: StaffContext, serviceId: string, overlay: unknown): Promise<FieldProblem[]> {
    return (await this.staff.call(context, AdminSaveServiceDocument, { id: serviceId, overlay })).saveServiceDraft.problems;
  }

  async discardServiceDraft(context: StaffContext, serviceId: string): Promise<void> {
    await this.staff.call(context, AdminDiscardServiceDocument, { id: serviceId });
  }

  async publishServiceDraft(context: StaffContext, serviceId: string, note: string) {
    return (await this.staff.call(context, AdminPublishServiceDocument, { id: serviceId, note: note || null })).publishServiceDraft;
  }

  async versions(context: StaffContext, serviceId: string): Promise<FormVersionInfo[]> {
    return (await this.staff.call(context, AdminVersionsDocument, { id: serviceId })).serviceVersions;
  }

  async differences(context: StaffContext, serviceId: string, from: number, to: number): Promise<FormChange[]> {
    return (await this.staff.call(context, AdminDiffDocument, { id: serviceId, from, to })).serviceVersionDifferences;
  }

  async rollBack(context: StaffContext, serviceId: string, toVersion: number) {
    return (await this.staff.call(context, AdminRollBackDocument, { id: serviceId, to: toVersion })).rollBackService;
  }

  async drift(context: StaffContext): Promise<ServiceDrift[]> {
    return (await this.staff.call(context, AdminDriftDocument, {})).driftReport;
  }

  async upgrade(context: StaffContext, serviceId: string, dryRun: boolean) {
    return (await this.staff.call(context, AdminUpgradeDocument, { id: serviceId, dry: dryRun })).upgradeService;
  }

  async routing(context: StaffContext): Promise<{ versions: RoutingVersion[]; draft: RoutingDraft | null }> {
    const data = await this.staff.call(context, AdminRoutingDocument, {});
    return { versions: data.routingRuleVersions as RoutingVersion[], draft: data.routingDraft as RoutingDraft | null };
  }

  async saveRoutingDraft(context: StaffContext, rules: unknown): Promise<FieldProblem[]> {
    return (await this.staff.call(context, AdminSaveRoutingDocument, { rules })).saveRoutingDraft.problems;
  }

  async discardRoutingDraft(context: StaffContext): Promise<void> {
    await this.staff.call(context, AdminDiscardRoutingDocument, {});
  }

  async publishRoutingDraft(context: StaffContext, note: string) {
    return (await this.staff.call(context, AdminPublishRoutingDocument, { note: note || null })).publishRoutingDraft;
  }

  async rollBackRouting(context: StaffContext, toVersion: number) {
    return (await this.staff.call(context, AdminRollBackRoutingDocument, { to: toVersion })).rollBackRoutingRules;
  }

  async simulate(context: StaffContext, input: RoutingSimulationInput): Promise<Simulation> {
    return (await this.staff.call(context, AdminSimulateDocument, { input })).simulateRouting;
  }

  async figures(context: StaffContext, days: number): Promise<Figures> {
    return (await this.staff.call(context, AdminFiguresDocument, { days })).forceFigures;
  }

  async staffSettings(context: StaffContext): Promise<StaffSettings> {
    return (await this.staff.call(context, AdminStaffSettingsDocument, {})).staffSettings;
  }

  async destinations(context: StaffContext): Promise<Destination[]> {
    return (await this.staff.call(context, AdminDestinationsDocument, {})).destinations;
  }

  async setDestinationSuspended(context: StaffContext, name: string, suspended: boolean): Promise<Destination> {
    return (await this.staff.call(context, AdminSetDestinationSuspendedDocument, { name, suspended })).setDestinationSuspended;
  }

  async deliveries(context: StaffContext, filter: { status: DeliveryStatus | null; report: string | null; first: number }): Promise<Delivery[]> {
    return (await this.staff.call(context, AdminDeliveriesDocument, filter)).deliveries;
  }

  /** Sends these deliveries again: how many went now, and how many wait behind an earlier one or a suspension. */
  async replayDeliveries(context: StaffContext, ids: string[]): Promise<{ queued: number; waiting: number }> {
    return (await this.staff.call(context, AdminReplayDeliveriesDocument, { ids })).replayDeliveries;
  }

  async updateStaffSettings(context: StaffContext, settings: Record<string, unknown>): Promise<FieldProblem[]> {
    return (await this.staff.call(context, AdminUpdateStaffSettingsDocument, { settings })).updateStaffSettings.problems;
  }
}
