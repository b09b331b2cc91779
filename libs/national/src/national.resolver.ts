import { Args, Context, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { FieldProblemModel } from '@front-counter/admin';
import { JSONScalar } from '@front-counter/forms';
import { CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { LocalizedTextModel } from '@front-counter/tenancy';
import { NationalForcesService } from './national-forces.service.js';
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

/** The national programme team (national realm, national-admin). Anyone else: "not found". */
@Resolver()
export class NationalResolver {
  constructor(
    private readonly forces: NationalForcesService,
    private readonly onboarding: OnboardingService,
  ) {}

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
