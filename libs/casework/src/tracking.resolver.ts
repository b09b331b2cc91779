import { UseGuards } from '@nestjs/common';
import { Args, Context, Field, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { clientKey } from '@front-counter/rate-limits';
import { ReportStatus } from '@front-counter/reports';
import { CurrentTenant, LocalizedTextModel, PublicTenantGuard, type Tenant } from '@front-counter/tenancy';
import './casework.models.js';
import { TrackingService } from './tracking.service.js';

@ObjectType('TrackingError')
class TrackingErrorModel {
  @Field({ description: 'reference, email, code, message or session.' })
  field: string;

  @Field(() => LocalizedTextModel)
  message: LocalizedTextModel;
}

@ObjectType('TrackingCodeOutcome', { description: 'The same answer whether or not the reference and address match a report.' })
class TrackingCodeOutcomeModel {
  @Field(() => [TrackingErrorModel])
  errors: TrackingErrorModel[];
}

@ObjectType('TrackingSession')
class TrackingSessionModel {
  @Field(() => [TrackingErrorModel])
  errors: TrackingErrorModel[];

  @Field(() => String, { nullable: true, description: 'Keep it in the reporter’s session cookie; it opens this report for 30 minutes.' })
  token: string | null;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;
}

@ObjectType('TrackedEvent')
class TrackedEventModel {
  @Field({ description: 'submitted, transferred, received, reporter-replied or decision:<decision>.' })
  kind: string;

  @Field()
  occurredAt: Date;

  @Field(() => String, { nullable: true, description: 'The force’s message to the reporter, or the reporter’s own.' })
  message: string | null;

  @Field(() => LocalizedTextModel, { nullable: true })
  fromForce: LocalizedTextModel | null;

  @Field(() => LocalizedTextModel, { nullable: true })
  toForce: LocalizedTextModel | null;
}

@ObjectType('TrackedReport')
class TrackedReportModel {
  @Field()
  reference: string;

  @Field(() => LocalizedTextModel)
  serviceTitle: LocalizedTextModel;

  @Field(() => ReportStatus)
  status: ReportStatus;

  @Field()
  submittedAt: Date;

  @Field(() => [TrackedEventModel])
  timeline: TrackedEventModel[];
}

@ObjectType('TrackingView')
class TrackingViewModel {
  @Field(() => [TrackingErrorModel])
  errors: TrackingErrorModel[];

  @Field(() => TrackedReportModel, { nullable: true })
  report: TrackedReportModel | null;
}

/** The reporter's side of a report, on the force's site (the force is the Host's). */
@Resolver()
@UseGuards(PublicTenantGuard)
export class TrackingResolver {
  constructor(private readonly tracking: TrackingService) {}

  @Mutation(() => TrackingCodeOutcomeModel, { description: 'E-mails a one-time code when reference and address match a report of this force.' })
  async requestTrackingCode(@CurrentTenant() tenant: Tenant, @Args('reference') reference: string, @Args('email') email: string) {
    return this.tracking.requestCode(tenant.id, reference, email);
  }

  @Mutation(() => TrackingSessionModel, { description: 'Checks the code (10 minutes, 5 tries from each client, 25 in all) and opens a 30-minute tracking session.' })
  async verifyTrackingCode(@CurrentTenant() tenant: Tenant, @Args('reference') reference: string, @Args('code') code: string, @Context('req') request: { ip?: string } | undefined) {
    return this.tracking.verifyCode(tenant.id, reference, code, clientKey(request?.ip));
  }

  @Query(() => TrackingViewModel, { description: 'The tracked report: status, the steps that concern the reporter and the force’s messages.' })
  async trackedReport(@CurrentTenant() tenant: Tenant, @Args('token') token: string) {
    return this.tracking.tracked(tenant.id, token);
  }

  @Mutation(() => TrackingCodeOutcomeModel, { description: 'The reporter replies or adds information; the report returns to the queue.' })
  async replyToReport(@CurrentTenant() tenant: Tenant, @Args('token') token: string, @Args('message') message: string) {
    return this.tracking.reply(tenant.id, token, message);
  }
}
