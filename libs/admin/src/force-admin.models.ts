import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '@front-counter/forms';
import { LocalizedTextModel } from '@front-counter/tenancy';

@ObjectType('FieldProblem', { description: 'Something wrong with what was sent, named by its field (a dotted path); nothing was changed.' })
export class FieldProblemModel {
  @Field({ description: 'e.g. branding.brandColour, texts.questions.incidentDescription.hint.cy, rules."Hate crime".then.priority' })
  field: string;

  @Field()
  message: string;
}

@ObjectType('SiteSettings', { description: 'A force’s public site settings: name, branding, contact numbers and promises (JSON in the shape saveSiteDraft takes).' })
export class SiteSettingsModel {
  @Field(() => JSONScalar, { description: '{ name, website, branding: { brandColour, secondaryColour, logoText, logoSvg }, contact, promises }' })
  settings: unknown;

  @Field({ description: 'The WCAG contrast ratio of the brand colour with white text (at least 4.5).' })
  contrast: number;
}

@ObjectType('AdminSite')
export class AdminSiteModel {
  @Field(() => SiteSettingsModel)
  published: SiteSettingsModel;

  @Field(() => SiteSettingsModel, { nullable: true, description: 'Unpublished changes; the public do not see them.' })
  draft: SiteSettingsModel | null;

  @Field(() => Date, { nullable: true })
  draftUpdatedAt: Date | null;

  @Field(() => String, { nullable: true })
  draftUpdatedByName: string | null;

  @Field(() => [String])
  languages: string[];
}

@ObjectType('AdminSitePayload')
export class AdminSitePayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => AdminSiteModel, { nullable: true })
  site: AdminSiteModel | null;
}

@ObjectType('FormVersionInfo', { description: 'One published, immutable version of a force’s form.' })
export class FormVersionModel {
  @Field()
  id: string;

  @Field(() => Int)
  version: number;

  @Field(() => Int)
  nationalVersion: number;

  @Field()
  publishedAt: Date;

  @Field({ description: 'A staff member’s name, or "tenant files" for versions made from tenants/.' })
  publishedBy: string;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field({ description: 'Whether the force changes the national form (an overlay).' })
  hasOverlay: boolean;

  @Field(() => JSONScalar, { nullable: true, description: 'The effective form (only where asked for a single version).' })
  form?: unknown;

  @Field(() => JSONScalar, { nullable: true, description: 'The force’s overlay of the national form.' })
  overlay?: unknown;
}

@ObjectType('ServiceDraft')
export class ServiceDraftModel {
  @Field(() => JSONScalar, { description: 'The overlay: texts, slots, disabledPages, files, exitLinks.' })
  overlay: unknown;

  @Field(() => JSONScalar, { nullable: true, description: 'The form the public would see once it is published (null while it has problems).' })
  form: unknown;

  @Field(() => [FieldProblemModel], { description: 'Why it cannot be published as it stands (e.g. after a national upgrade).' })
  problems: FieldProblemModel[];

  @Field()
  updatedAt: Date;

  @Field(() => String, { nullable: true })
  updatedByName: string | null;
}

@ObjectType('AdminService', { description: 'A national service as one force has it.' })
export class AdminServiceModel {
  @Field()
  serviceId: string;

  @Field(() => LocalizedTextModel)
  title: LocalizedTextModel;

  @Field()
  enabled: boolean;

  @Field(() => FormVersionModel, { nullable: true, description: 'What the public see now (with its form and overlay).' })
  current: FormVersionModel | null;

  @Field(() => Int)
  latestNationalVersion: number;

  @Field(() => JSONScalar, { description: 'The national definition the force’s form is built on: its pages, questions and declared slots.' })
  national: unknown;

  @Field(() => ServiceDraftModel, { nullable: true })
  draft: ServiceDraftModel | null;
}

@ObjectType('AdminServicePayload')
export class AdminServicePayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => AdminServiceModel, { nullable: true })
  service: AdminServiceModel | null;
}

@ObjectType('FormVersionPayload')
export class FormVersionPayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => FormVersionModel, { nullable: true })
  version: FormVersionModel | null;
}

@ObjectType('FormChange', { description: 'One leaf that differs between two forms, e.g. pages.incident-details.questions.incidentDescription.hint.en.' })
export class FormChangeModel {
  @Field()
  path: string;

  @Field(() => JSONScalar, { nullable: true })
  before: unknown;

  @Field(() => JSONScalar, { nullable: true })
  after: unknown;
}

@ObjectType('ServiceDrift', { description: 'Where a force’s form differs from the national baseline, and what a newer national version would change.' })
export class ServiceDriftModel {
  @Field()
  serviceId: string;

  @Field(() => LocalizedTextModel)
  title: LocalizedTextModel;

  @Field(() => Int)
  currentVersion: number;

  @Field(() => Int)
  nationalVersion: number;

  @Field(() => Int)
  latestNationalVersion: number;

  @Field(() => [FormChangeModel])
  overlayChanges: FormChangeModel[];

  @Field(() => [FormChangeModel])
  nationalChanges: FormChangeModel[];

  @Field(() => [String], { description: 'Pages both the force and the newer national version change.' })
  conflicts: string[];

  @Field(() => [FieldProblemModel], { description: 'Why the force’s overlay does not apply to the newer national version as it stands.' })
  upgradeProblems: FieldProblemModel[];
}

@ObjectType('UpgradePayload')
export class UpgradePayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => [FormChangeModel], { description: 'What the public’s form changes by.' })
  changes: FormChangeModel[];

  @Field(() => FormVersionModel, { nullable: true, description: 'The new version (null for a dry run).' })
  version: FormVersionModel | null;
}

@ObjectType('RoutingRulesVersion', { description: 'One published, immutable version of a force’s routing rules.' })
export class RoutingRulesVersionModel {
  @Field(() => Int)
  version: number;

  @Field(() => JSONScalar, { description: '{ rules: [{ name, when, then }] } in order: the first that matches decides.' })
  rules: unknown;

  @Field()
  publishedAt: Date;

  @Field({ description: 'A staff member’s name, or "tenant files".' })
  publishedBy: string;

  @Field(() => String, { nullable: true })
  note: string | null;
}

@ObjectType('RoutingRulesPayload')
export class RoutingRulesPayload {
  @Field(() => [FieldProblemModel], { description: 'By field, e.g. rules."Hate crime".then.priority; nothing was published.' })
  problems: FieldProblemModel[];

  @Field(() => RoutingRulesVersionModel, { nullable: true })
  version: RoutingRulesVersionModel | null;
}

@ObjectType('RoutingSimulation', { description: 'Where a sample report would go: the rule that matches and what it sets.' })
export class RoutingSimulationModel {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => String, { nullable: true, description: 'The matching rule’s name; null: the national default applies.' })
  rule: string | null;

  @Field(() => String, { nullable: true, description: 'The force the report would be transferred to.' })
  transferTo: string | null;

  @Field(() => String, { nullable: true })
  queue: string | null;

  @Field(() => Int, { nullable: true })
  priority: number | null;

  @Field(() => Int, { nullable: true })
  triageWithinMinutes: number | null;

  @Field(() => Int, { nullable: true })
  replyWithinHours: number | null;

  @Field(() => [String])
  tags: string[];

  @Field(() => [String], { description: 'The flags the answers raise (and those assumed).' })
  flags: string[];

  @Field(() => Boolean, { nullable: true, description: 'Whether the location is inside the force’s area (null: no location or no area).' })
  insideArea: boolean | null;

  @Field(() => [String], { description: 'Each rule in order and whether it matches.' })
  explanation: string[];
}

@ObjectType('StaffSettings', { description: 'How the force’s staff sign in. Secrets are never stored: a confidential client’s secret is named by its environment variable.' })
export class StaffSettingsModel {
  @Field()
  realm: string;

  @Field(() => String, { nullable: true })
  issuer: string | null;

  @Field()
  clientId: string;

  @Field(() => String, { nullable: true })
  clientSecretEnv: string | null;

  @Field()
  rolesClaim: string;
}

@ObjectType('StaffSettingsPayload')
export class StaffSettingsPayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => StaffSettingsModel, { nullable: true })
  settings: StaffSettingsModel | null;
}

@ObjectType('DailyReports')
export class DailyReportsModel {
  @Field({ description: 'YYYY-MM-DD (Europe/London).' })
  day: string;

  @Field()
  serviceId: string;

  @Field(() => Int)
  reports: number;
}

@ObjectType('ChannelReports')
export class ChannelReportsModel {
  @Field()
  channel: string;

  @Field(() => Int)
  reports: number;
}

@ObjectType('ForceFigures', { description: 'Counts of a force’s reports over a period; never their contents.' })
export class ForceFiguresModel {
  @Field()
  from: Date;

  @Field()
  to: Date;

  @Field(() => Int)
  reports: number;

  @Field(() => [DailyReportsModel])
  perServicePerDay: DailyReportsModel[];

  @Field(() => Int, { description: 'Reports triaged or past their triage deadline.' })
  triageDue: number;

  @Field(() => Int)
  triagedWithinTarget: number;

  @Field(() => Float, { nullable: true, description: 'triagedWithinTarget / triageDue (0 to 1); null when none was due.' })
  triagedWithinTargetShare: number | null;

  @Field(() => Int, { description: 'Reports replied to or at least 48 hours old.' })
  replyDue: number;

  @Field(() => Int)
  repliedWithin48Hours: number;

  @Field(() => Float, { nullable: true })
  repliedWithin48HoursShare: number | null;

  @Field(() => Int)
  triageBreaches: number;

  @Field(() => Int)
  replyBreaches: number;

  @Field(() => [ChannelReportsModel], { description: 'Every report made through Front Counter is online; other channels are not known here.' })
  channels: ChannelReportsModel[];
}

@ObjectType('RoutingRulesDraft')
export class RoutingRulesDraftModel {
  @Field(() => JSONScalar)
  rules: unknown;

  @Field()
  updatedAt: Date;

  @Field(() => String, { nullable: true })
  updatedByName: string | null;
}

@ObjectType('RoutingDraftPayload')
export class RoutingDraftPayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => JSONScalar, { nullable: true })
  rules: unknown;
}
