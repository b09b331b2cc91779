import { Field, Int, ObjectType } from '@nestjs/graphql';
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
