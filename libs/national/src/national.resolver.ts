import { Args, Context, Field, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { NationalForcesService } from './national-forces.service.js';

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

/** The national programme team (national realm, national-admin). Anyone else: "not found". */
@Resolver()
export class NationalResolver {
  constructor(private readonly forces: NationalForcesService) {}

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
