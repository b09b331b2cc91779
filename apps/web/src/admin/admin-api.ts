import { Injectable } from '@nestjs/common';
import type { CompiledForm } from '@front-counter/forms';
import { StaffApi, type StaffContext } from '../staff/staff-api.js';

type Text = { en: string; cy?: string | null };

export interface FieldProblem {
  field: string;
  message: string;
}

/** The site settings, in the shape the api's saveSiteDraft takes. */
export interface SiteSettings {
  name: Text;
  website: string | null;
  branding: { brandColour: string; secondaryColour: string; logoText: Text; logoSvg: string | null; logoPng?: string | null };
  contact: { nonEmergency: string; textRelayEmergency: string; textRelayNonEmergency?: string; email?: string };
  promises: { triageWithinMinutes: number; replyWithinHours: number; whatHappensNext?: Text };
}

export interface AdminSite {
  published: { settings: SiteSettings; contrast: number };
  draft: { settings: SiteSettings; contrast: number } | null;
  draftUpdatedAt: string | null;
  draftUpdatedByName: string | null;
  languages: string[];
}

export interface FormVersionInfo {
  id: string;
  version: number;
  nationalVersion: number;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
  hasOverlay: boolean;
  form?: CompiledForm;
  overlay?: Record<string, unknown> | null;
}

export interface AdminService {
  serviceId: string;
  title: Text;
  enabled: boolean;
  current: FormVersionInfo | null;
  latestNationalVersion: number;
  national: { version: number };
  draft: { overlay: Record<string, unknown>; form: CompiledForm | null; problems: FieldProblem[]; updatedAt: string; updatedByName: string | null } | null;
}

export interface FormChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface ServiceDrift {
  serviceId: string;
  title: Text;
  currentVersion: number;
  nationalVersion: number;
  latestNationalVersion: number;
  overlayChanges: FormChange[];
  nationalChanges: FormChange[];
  conflicts: string[];
  upgradeProblems: FieldProblem[];
}

export interface RoutingRule {
  name: string;
  when: Record<string, unknown>;
  then: Record<string, unknown>;
}

export interface RoutingVersion {
  version: number;
  rules: { rules: RoutingRule[] };
  publishedAt: string;
  publishedBy: string;
  note: string | null;
}

export interface Simulation {
  problems: FieldProblem[];
  rule: string | null;
  transferTo: string | null;
  queue: string | null;
  priority: number | null;
  triageWithinMinutes: number | null;
  replyWithinHours: number | null;
  tags: string[];
  flags: string[];
  insideArea: boolean | null;
  explanation: string[];
}

export interface Figures {
  from: string;
  to: string;
  reports: number;
  perServicePerDay: { day: string; serviceId: string; reports: number }[];
  triageDue: number;
  triagedWithinTarget: number;
  triagedWithinTargetShare: number | null;
  replyDue: number;
  repliedWithin48Hours: number;
  repliedWithin48HoursShare: number | null;
  triageBreaches: number;
  replyBreaches: number;
  channels: { channel: string; reports: number }[];
}

export interface StaffSettings {
  realm: string;
  issuer: string | null;
  clientId: string;
  clientSecretEnv: string | null;
  rolesClaim: string;
}

const PROBLEMS = 'problems { field message }';
const SITE = `published { settings contrast } draft { settings contrast } draftUpdatedAt draftUpdatedByName languages`;
const VERSION = 'id version nationalVersion publishedAt publishedBy note hasOverlay';
const SERVICE = `serviceId title { en cy } enabled current { ${VERSION} form overlay } latestNationalVersion national draft { overlay form ${PROBLEMS} updatedAt updatedByName }`;

/** The api's force administration operations, as the signed-in force administrator. */
@Injectable()
export class AdminApi {
  constructor(private readonly staff: StaffApi) {}

  async site(context: StaffContext): Promise<AdminSite> {
    return (await this.staff.call<{ adminSite: AdminSite }>(context, `query AdminSite { adminSite { ${SITE} } }`, {})).adminSite;
  }

  async saveSiteDraft(context: StaffContext, settings: SiteSettings): Promise<FieldProblem[]> {
    const query = `mutation AdminSaveSite($settings: JSON!) { saveSiteDraft(settings: $settings) { ${PROBLEMS} } }`;
    return (await this.staff.call<{ saveSiteDraft: { problems: FieldProblem[] } }>(context, query, { settings })).saveSiteDraft.problems;
  }

  async publishSiteDraft(context: StaffContext): Promise<FieldProblem[]> {
    return (await this.staff.call<{ publishSiteDraft: { problems: FieldProblem[] } }>(context, `mutation AdminPublishSite { publishSiteDraft { ${PROBLEMS} } }`, {})).publishSiteDraft.problems;
  }

  async discardSiteDraft(context: StaffContext): Promise<void> {
    await this.staff.call(context, 'mutation AdminDiscardSite { discardSiteDraft }', {});
  }

  async services(context: StaffContext): Promise<AdminService[]> {
    return (await this.staff.call<{ adminServices: AdminService[] }>(context, `query AdminServices { adminServices { ${SERVICE} } }`, {})).adminServices;
  }

  async service(context: StaffContext, serviceId: string): Promise<AdminService> {
    return (await this.staff.call<{ adminService: AdminService }>(context, `query AdminService($id: String!) { adminService(serviceId: $id) { ${SERVICE} } }`, { id: serviceId })).adminService;
  }

  async setEnabled(context: StaffContext, serviceId: string, enabled: boolean): Promise<void> {
    await this.staff.call(context, 'mutation AdminEnable($id: String!, $on: Boolean!) { setServiceEnabled(serviceId: $id, enabled: $on) { enabled } }', { id: serviceId, on: enabled });
  }

  async saveServiceDraft(context: StaffContext, serviceId: string, overlay: unknown): Promise<FieldProblem[]> {
    const query = `mutation AdminSaveService($id: String!, $overlay: JSON!) { saveServiceDraft(serviceId: $id, overlay: $overlay) { ${PROBLEMS} } }`;
    return (await this.staff.call<{ saveServiceDraft: { problems: FieldProblem[] } }>(context, query, { id: serviceId, overlay })).saveServiceDraft.problems;
  }

  async discardServiceDraft(context: StaffContext, serviceId: string): Promise<void> {
    await this.staff.call(context, 'mutation AdminDiscardService($id: String!) { discardServiceDraft(serviceId: $id) }', { id: serviceId });
  }

  async publishServiceDraft(context: StaffContext, serviceId: string, note: string): Promise<{ problems: FieldProblem[]; version: FormVersionInfo | null }> {
    const query = `mutation AdminPublishService($id: String!, $note: String) { publishServiceDraft(serviceId: $id, note: $note) { ${PROBLEMS} version { ${VERSION} } } }`;
    return (await this.staff.call<{ publishServiceDraft: { problems: FieldProblem[]; version: FormVersionInfo | null } }>(context, query, { id: serviceId, note: note || null })).publishServiceDraft;
  }

  async versions(context: StaffContext, serviceId: string): Promise<FormVersionInfo[]> {
    return (await this.staff.call<{ serviceVersions: FormVersionInfo[] }>(context, `query AdminVersions($id: String!) { serviceVersions(serviceId: $id) { ${VERSION} } }`, { id: serviceId })).serviceVersions;
  }

  async differences(context: StaffContext, serviceId: string, from: number, to: number): Promise<FormChange[]> {
    const query = 'query AdminDiff($id: String!, $from: Int!, $to: Int!) { serviceVersionDifferences(serviceId: $id, from: $from, to: $to) { path before after } }';
    return (await this.staff.call<{ serviceVersionDifferences: FormChange[] }>(context, query, { id: serviceId, from, to })).serviceVersionDifferences;
  }

  async rollBack(context: StaffContext, serviceId: string, toVersion: number): Promise<{ problems: FieldProblem[]; version: FormVersionInfo | null }> {
    const query = `mutation AdminRollBack($id: String!, $to: Int!) { rollBackService(serviceId: $id, toVersion: $to) { ${PROBLEMS} version { ${VERSION} } } }`;
    return (await this.staff.call<{ rollBackService: { problems: FieldProblem[]; version: FormVersionInfo | null } }>(context, query, { id: serviceId, to: toVersion })).rollBackService;
  }

  async drift(context: StaffContext): Promise<ServiceDrift[]> {
    const query = `query AdminDrift { driftReport { serviceId title { en cy } currentVersion nationalVersion latestNationalVersion overlayChanges { path before after } nationalChanges { path before after } conflicts upgradeProblems { field message } } }`;
    return (await this.staff.call<{ driftReport: ServiceDrift[] }>(context, query, {})).driftReport;
  }

  async upgrade(context: StaffContext, serviceId: string, dryRun: boolean): Promise<{ problems: FieldProblem[]; changes: FormChange[]; version: FormVersionInfo | null }> {
    const query = `mutation AdminUpgrade($id: String!, $dry: Boolean!) { upgradeService(serviceId: $id, dryRun: $dry) { ${PROBLEMS} changes { path before after } version { ${VERSION} } } }`;
    return (await this.staff.call<{ upgradeService: { problems: FieldProblem[]; changes: FormChange[]; version: FormVersionInfo | null } }>(context, query, { id: serviceId, dry: dryRun })).upgradeService;
  }

  async routing(context: StaffContext): Promise<{ versions: RoutingVersion[]; draft: { rules: { rules: RoutingRule[] }; updatedAt: string; updatedByName: string | null } | null }> {
    const data = await this.staff.call<{ routingRuleVersions: RoutingVersion[]; routingDraft: { rules: { rules: RoutingRule[] }; updatedAt: string; updatedByName: string | null } | null }>(
      context,
      'query AdminRouting { routingRuleVersions { version rules publishedAt publishedBy note } routingDraft { rules updatedAt updatedByName } }',
      {},
    );
    return { versions: data.routingRuleVersions, draft: data.routingDraft };
  }

  async saveRoutingDraft(context: StaffContext, rules: unknown): Promise<FieldProblem[]> {
    const query = `mutation AdminSaveRouting($rules: JSON!) { saveRoutingDraft(rules: $rules) { ${PROBLEMS} } }`;
    return (await this.staff.call<{ saveRoutingDraft: { problems: FieldProblem[] } }>(context, query, { rules })).saveRoutingDraft.problems;
  }

  async discardRoutingDraft(context: StaffContext): Promise<void> {
    await this.staff.call(context, 'mutation AdminDiscardRouting { discardRoutingDraft }', {});
  }

  async publishRoutingDraft(context: StaffContext, note: string): Promise<{ problems: FieldProblem[]; version: { version: number } | null }> {
    const query = `mutation AdminPublishRouting($note: String) { publishRoutingDraft(note: $note) { ${PROBLEMS} version { version } } }`;
    return (await this.staff.call<{ publishRoutingDraft: { problems: FieldProblem[]; version: { version: number } | null } }>(context, query, { note: note || null })).publishRoutingDraft;
  }

  async rollBackRouting(context: StaffContext, toVersion: number): Promise<{ problems: FieldProblem[]; version: { version: number } | null }> {
    const query = `mutation AdminRollBackRouting($to: Int!) { rollBackRoutingRules(toVersion: $to) { ${PROBLEMS} version { version } } }`;
    return (await this.staff.call<{ rollBackRoutingRules: { problems: FieldProblem[]; version: { version: number } | null } }>(context, query, { to: toVersion })).rollBackRoutingRules;
  }

  async simulate(context: StaffContext, input: Record<string, unknown>): Promise<Simulation> {
    const query = `query AdminSimulate($input: RoutingSimulationInput!) { simulateRouting(input: $input) { ${PROBLEMS} rule transferTo queue priority triageWithinMinutes replyWithinHours tags flags insideArea explanation } }`;
    return (await this.staff.call<{ simulateRouting: Simulation }>(context, query, { input })).simulateRouting;
  }

  async figures(context: StaffContext, days: number): Promise<Figures> {
    const query = `query AdminFigures($days: Int!) { forceFigures(days: $days) { from to reports perServicePerDay { day serviceId reports } triageDue triagedWithinTarget triagedWithinTargetShare replyDue repliedWithin48Hours repliedWithin48HoursShare triageBreaches replyBreaches channels { channel reports } } }`;
    return (await this.staff.call<{ forceFigures: Figures }>(context, query, { days })).forceFigures;
  }

  async staffSettings(context: StaffContext): Promise<StaffSettings> {
    return (await this.staff.call<{ staffSettings: StaffSettings }>(context, 'query AdminStaffSettings { staffSettings { realm issuer clientId clientSecretEnv rolesClaim } }', {})).staffSettings;
  }

  async updateStaffSettings(context: StaffContext, settings: Record<string, unknown>): Promise<FieldProblem[]> {
    const query = `mutation AdminUpdateStaffSettings($settings: JSON!) { updateStaffSettings(settings: $settings) { ${PROBLEMS} } }`;
    return (await this.staff.call<{ updateStaffSettings: { problems: FieldProblem[] } }>(context, query, { settings })).updateStaffSettings.problems;
  }
}
