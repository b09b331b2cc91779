import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum LanguageCode {
  en = 'en',
  cy = 'cy',
}
registerEnumType(LanguageCode, { name: 'Language', description: 'A language a force publishes its site in.' });

@ObjectType('LocalizedText', { description: 'A text in English and, for forces that serve Wales, Welsh.' })
export class LocalizedTextModel {
  @Field()
  en: string;

  @Field(() => String, { nullable: true })
  cy?: string | null;
}

@ObjectType('TenantBranding')
export class TenantBrandingModel {
  @Field({ description: 'Header and button colour, #rrggbb; meets WCAG AA contrast with white text.' })
  brandColour: string;

  @Field({ description: 'Accent colour, #rrggbb.' })
  secondaryColour: string;

  @Field(() => LocalizedTextModel)
  logoText: LocalizedTextModel;

  @Field({ description: 'Whether the force has a logo (SVG or PNG), served by the force site as an image.' })
  hasLogo: boolean;

  @Field(() => String, { nullable: true, description: 'svg or png; null without a logo.' })
  logoType: 'svg' | 'png' | null;

  @Field(() => String, { nullable: true, description: 'The PNG logo, base64 (re-encoded without metadata).' })
  logoPng: string | null;

  @Field(() => String, { nullable: true, description: 'The SVG logo, checked for active or external content at load.' })
  logoSvg: string | null;
}

@ObjectType('TenantContact')
export class TenantContactModel {
  @Field({ description: 'Non-emergency number, usually 101.' })
  nonEmergency: string;

  @Field({ description: 'Text relay number for 999 (deaf, hard of hearing or speech-impaired callers).' })
  textRelayEmergency: string;

  @Field(() => String, { nullable: true })
  textRelayNonEmergency?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;
}

@ObjectType('TenantPromises', { description: 'What the force promises the public.' })
export class TenantPromisesModel {
  @Field(() => Int)
  triageWithinMinutes: number;

  @Field(() => Int)
  replyWithinHours: number;

  @Field(() => LocalizedTextModel, { nullable: true })
  whatHappensNext?: LocalizedTextModel | null;
}

@ObjectType('StaffSignIn', { description: 'Where the force’s staff sign in (public: browsers are sent there).' })
export class StaffSignInModel {
  @Field(() => String, { nullable: true, description: 'The OpenID Connect issuer, e.g. https://idp.example/realms/northshire; null when the force has none yet (no staff sign-in).' })
  issuer: string | null;

  @Field({ description: 'The client the force site signs staff in as.' })
  clientId: string;

  @Field(() => String, { nullable: true, description: 'For a confidential client: the name of the environment variable holding its secret.' })
  clientSecretEnv: string | null;
}

@ObjectType('PublicTenant', { description: 'What the public may see of a police force: its site settings and branding.' })
export class PublicTenantModel {
  @Field()
  slug: string;

  @Field(() => LocalizedTextModel)
  name: LocalizedTextModel;

  @Field(() => [LanguageCode])
  languages: LanguageCode[];

  @Field()
  primaryDomain: string;

  @Field(() => String, { nullable: true })
  website: string | null;

  @Field(() => TenantBrandingModel)
  branding: TenantBrandingModel;

  @Field(() => TenantContactModel)
  contact: TenantContactModel;

  @Field(() => TenantPromisesModel)
  promises: TenantPromisesModel;

  @Field({ description: 'Changes whenever branding changes; the force site caches its theme under it.' })
  themeVersion: string;

  @Field(() => StaffSignInModel)
  staffSignIn: StaffSignInModel;

  @Field({ description: 'Suspended by the national programme team: the site shows a notice and takes no new reports.' })
  suspended: boolean;
}
