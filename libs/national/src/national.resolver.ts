import { Args, Context, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { FieldProblemModel, ForceFiguresModel } from '@front-counter/admin';
import { JSONScalar } from '@front-counter/forms';
import { CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { LocalizedTextModel } from '@front-counter/tenancy';
import { NationalForcesService } from './national-forces.service.js';
import { NationalServicesService } from './national-services.service.js';
import { OnboardingService } from './onboarding.service.js';

@ObjectType('ForceStatus')
export class ForceStatusModel {
  @Field()
  slug: string;

  @Field({ description: 'active or suspended.' })
  status: string;

  @Field(() => String, { nullable: true })
  statusReason: string | null;

  @Field(() => Date, { nullable: true })
  statusChangedAt: Date | null;
}

@ObjectType('OnboardingResult')
export class OnboardingResultModel {
  @Field(() => [FieldProblemModel], { description: 'What is wrong with the request, by field; nothing was created.' })
  problems: FieldProblemModel[];

  @Field()
  dryRun: boolean;

  @Field({ description: 'The force was created by this call.' })
  created: boolean;

  @Field({ description: 'The force already exists exactly as asked: nothing was done.' })
  unchanged: boolean;

  @Field(() => [String], { description: 'Everything that will be (dry run) or was created.' })
  actions: string[];

  @Field(() => String, { nullable: true })
  slug: string | null;

  @Field(() => String, { nullable: true, description: 'Where its site answers.' })
  primaryDomain: string | null;
}

@ObjectType('NationalMember', { description: 'A member of the national programme team, from their verified token.' })
export class NationalMemberModel {
  @Field()
  subject: string;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field(() => [String])
  roles: string[];
}

@ObjectType('NationalForce', { description: 'A force as the national programme team sees it.' })
export class NationalForceModel {
  @Field()
  slug: string;

  @Field(() => LocalizedTextModel)
  name: LocalizedTextModel;

  @Field()
  status: string;

  @Field(() => [String])
  domains: string[];

  @Field(() => [String])
  services: string[];

  @Field(() => Int)
  reportsLast30Days: number;

  @Field()
  createdAt: Date;
}

@ObjectType('ForceImpact', { description: 'How the newest version of a national service lands at one force.' })
export class ForceImpactModel {
  @Field()
  slug: string;

  @Field(() => Int)
  currentVersion: number;

  @Field(() => Int)
  nationalVersion: number;

  @Field()
  upToDate: boolean;

  @Field({ description: 'No overlay on the changed pages: rolled out automatically.' })
  automatic: boolean;

  @Field(() => [String], { description: 'Pages both the force and the new version change: its administrators review the upgrade.' })
  conflicts: string[];

  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];
}

@ObjectType('NationalService')
export class NationalServiceModel {
  @Field()
  id: string;

  @Field(() => Int)
  version: number;

  @Field(() => LocalizedTextModel)
  title: LocalizedTextModel;

  @Field(() => JSONScalar, { description: 'The whole definition, as in tenants/_national/services.' })
  definition: unknown;

  @Field(() => [ForceImpactModel])
  forces: ForceImpactModel[];
}

@ObjectType('NationalServicePayload')
export class NationalServicePayload {
  @Field(() => [FieldProblemModel])
  problems: FieldProblemModel[];

  @Field(() => NationalServiceModel, { nullable: true })
  service: NationalServiceModel | null;
}

@ObjectType('RollOutSkip')
export class RollOutSkipModel {
  @Field()
  slug: string;

  @Field()
  reason: string;
}

@ObjectType('RollOutResult')
export class RollOutResultModel {
  @Field(() => [String])
  upgraded: string[];

  @Field(() => [RollOutSkipModel])
  skipped: RollOutSkipModel[];
}

@ObjectType('NationalForceFigures')
export class NationalForceFiguresModel {
  @Field()
  slug: string;

  @Field(() => LocalizedTextModel)
  name: LocalizedTextModel;

  @Field()
  status: string;

  @Field(() => ForceFiguresModel)
  figures: ForceFiguresModel;
}

/** The national programme team (national realm, national-admin). Anyone else: "not found". */
@Resolver()
export class NationalResolver {
  constructor(
    private readonly forces: NationalForcesService,
    private readonly onboarding: OnboardingService,
    private readonly services: NationalServicesService,
  ) {}

  @Query(() => [NationalServiceModel], { description: 'Every national service at its newest version, with how it stands at each force offering it.' })
  @StaffOnly(Permission.AdministerNational)
  async nationalServices(@CurrentStaff() staff: StaffIdentity): Promise<NationalServiceModel[]> {
    return this.services.services(staff);
  }

  @Mutation(() => NationalServicePayload, { description: 'Publishes the next version of a national service (the whole definition, as in tenants/_national/services). Every force then sees it in its drift report. With dryRun, only checks it and shows how it would land.' })
  @StaffOnly(Permission.AdministerNational)
  async publishNationalService(@CurrentStaff() staff: StaffIdentity, @Args('definition', { type: () => JSONScalar }) definition: unknown, @Args('dryRun', { defaultValue: false }) dryRun: boolean): Promise<NationalServicePayload> {
    return this.services.publish(staff, definition, dryRun);
  }

  @Mutation(() => RollOutResultModel, { description: 'Upgrades forces to the newest version of a national service: those named, or (none named) every force that takes it automatically.' })
  @StaffOnly(Permission.AdministerNational)
  async rollOutNationalService(
    @CurrentStaff() staff: StaffIdentity,
    @Args('serviceId') serviceId: string,
    @Args('forces', { type: () => [String], nullable: true }) forces: string[] | null,
  ): Promise<RollOutResultModel> {
    return this.services.rollOut(staff, serviceId, forces);
  }

  @Query(() => [NationalForceFiguresModel], { description: 'Every force’s figures and SLA compliance over the last `days` days.' })
  @StaffOnly(Permission.AdministerNational)
  async nationalFigures(@CurrentStaff() staff: StaffIdentity, @Args('days', { type: () => Int, defaultValue: 30 }) days: number): Promise<NationalForceFiguresModel[]> {
    return this.services.nationalFigures(staff, days);
  }

  @Query(() => NationalMemberModel, { description: 'Who is signed in to the national programme team.' })
  @StaffOnly(Permission.AdministerNational)
  nationalMe(@CurrentStaff() staff: StaffIdentity): NationalMemberModel {
    return { subject: staff.subject, name: staff.name, roles: staff.roles };
  }

  @Query(() => [NationalForceModel], { description: 'Every force, with its status and domains.' })
  @StaffOnly(Permission.AdministerNational)
  async nationalForces(@CurrentStaff() staff: StaffIdentity): Promise<NationalForceModel[]> {
    return this.forces.list(staff);
  }

  @Mutation(() => OnboardingResultModel, {
    description:
      'Onboards a new force: `force` in the shape of a tenant file (tenants/_template/tenant.yaml), `routing` in the shape of routing.yaml, `logoSvg` the logo’s content. With dryRun, lists everything it would create and creates nothing. Asking again for the same force changes nothing.',
  })
  @StaffOnly(Permission.AdministerNational)
  async onboardForce(
    @CurrentStaff() staff: StaffIdentity,
    @Args('force', { type: () => JSONScalar }) force: unknown,
    @Args('routing', { type: () => JSONScalar, nullable: true }) routing: unknown,
    @Args('logoSvg', { type: () => String, nullable: true }) logoSvg: string | null,
    @Args('dryRun', { defaultValue: false }) dryRun: boolean,
    @Context('req') request?: FastifyRequest,
  ): Promise<OnboardingResultModel> {
    return this.onboarding.onboard(staff, { force, routing, logoSvg }, { dryRun, requestId: request?.id ? String(request.id) : undefined });
  }

  @Mutation(() => ForceStatusModel, { description: 'Suspend a force: its site shows a notice and takes no new reports. Nothing is deleted.' })
  @StaffOnly(Permission.AdministerNational)
  async suspendForce(
    @CurrentStaff() staff: StaffIdentity,
    @Args('slug') slug: string,
    @Args('reason', { description: 'Why (kept in the force’s audit trail), up to 500 characters.' }) reason: string,
    @Context('req') request?: FastifyRequest,
  ): Promise<ForceStatusModel> {
    return this.forces.setStatus(staff, slug, 'suspended', reason.trim().slice(0, 500) || 'No reason given', request?.id ? String(request.id) : undefined);
  }

  @Mutation(() => ForceStatusModel, { description: 'Reinstate a suspended force.' })
  @StaffOnly(Permission.AdministerNational)
  async reinstateForce(@CurrentStaff() staff: StaffIdentity, @Args('slug') slug: string, @Context('req') request?: FastifyRequest): Promise<ForceStatusModel> {
    return this.forces.setStatus(staff, slug, 'active', null, request?.id ? String(request.id) : undefined);
  }
}
