import { Args, Context, Field, ID, Int, Mutation, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { AccessException, CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { attemptsOfDeliveries, forceDeliveries, forceDestinationsWithCounts } from './deliveries.queries.js';
import { DeliveryService } from './delivery.service.js';

export enum DeliveryStatusModel {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  DEAD = 'dead',
}
registerEnumType(DeliveryStatusModel, { name: 'DeliveryStatus', description: 'PENDING: waiting for its next attempt (or behind an earlier one); DELIVERED; DEAD: every attempt for 72 hours failed, waiting for a replay.' });

@ObjectType('DeliveryAttempt', { description: 'One try at sending a delivery.' })
export class DeliveryAttemptModel {
  @Field()
  attemptedAt: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the receiver answered (none: no answer, or an e-mail destination).' })
  statusCode: number | null;

  @Field()
  ok: boolean;

  @Field(() => String, { nullable: true })
  error: string | null;

  @Field(() => Int)
  durationMs: number;
}

@ObjectType('Delivery', { description: 'One event of one report for one of the force’s back-office destinations.' })
export class DeliveryModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The webhook-id: the same on every attempt.' })
  messageId: string;

  @Field({ description: 'report.submitted, report.updated, report.transferred or triage.decided.' })
  eventType: string;

  @Field()
  destination: string;

  @Field(() => String, { nullable: true })
  reportReference: string | null;

  @Field(() => DeliveryStatusModel)
  status: DeliveryStatusModel;

  @Field({ description: 'Waiting behind an earlier delivery of the same report to the same destination that is not yet delivered.' })
  blocked: boolean;

  @Field(() => Int)
  attemptCount: number;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The receiver’s own reference for the report (a crime or incident number), if it answered one.' })
  externalReference: string | null;

  @Field(() => String, { nullable: true, description: 'Who last replayed it.' })
  replayedBy: string | null;

  @Field()
  createdAt: Date;

  @Field(() => [DeliveryAttemptModel])
  attempts: DeliveryAttemptModel[];
}

@ObjectType('Destination', { description: 'Where the force’s reports go besides its triage queue (tenant.yaml).' })
export class DestinationModel {
  @Field()
  name: string;

  @Field({ description: 'webhook or email.' })
  type: string;

  @Field({ description: 'The URL, where its address comes from, or the mailbox.' })
  address: string;

  @Field(() => [String])
  events: string[];

  @Field(() => Date, { nullable: true, description: 'Suspended since: its deliveries are made and wait.' })
  suspendedAt: Date | null;

  @Field(() => String, { nullable: true })
  suspendedBy: string | null;

  @Field({ description: 'No longer in the force’s file: kept for its deliveries’ history.' })
  retired: boolean;

  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  dead: number;
}

@ObjectType('ReplayPayload')
export class ReplayPayloadModel {
  @Field(() => Int, { description: 'Sent again now.' })
  queued: number;

  @Field(() => Int, { description: 'Reset, but waiting behind an earlier delivery of the same report (or a suspended destination).' })
  waiting: number;
}

const forceOf = (staff: StaffIdentity): string => {
  if (!staff.tenantId) throw AccessException.notFoundOrNoAccess();
  return staff.tenantId;
};

/** Force administrators: the force's destinations, every delivery with its attempts, replays and suspensions (each audited). */
@Resolver()
export class DeliveriesResolver {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly service: DeliveryService,
    private readonly audit: AuditService,
  ) {}

  @Query(() => [DestinationModel], { description: 'The force’s back-office destinations, with their waiting deliveries and dead letters.' })
  @StaffOnly(Permission.AdministerForce)
  async destinations(@CurrentStaff() staff: StaffIdentity): Promise<DestinationModel[]> {
    return this.transactions.run(forceOf(staff), (manager) => forceDestinationsWithCounts(manager));
  }

  @Query(() => [DeliveryModel], { description: 'The force’s deliveries, newest first, with every attempt.' })
  @StaffOnly(Permission.AdministerForce)
  async deliveries(
    @CurrentStaff() staff: StaffIdentity,
    @Args('status', { type: () => DeliveryStatusModel, nullable: true }) status: DeliveryStatusModel | null,
    @Args('report', { type: () => String, nullable: true, description: 'One report’s, by reference.' }) report: string | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<DeliveryModel[]> {
    return this.transactions.run(forceOf(staff), async (manager) => {
      const rows = await forceDeliveries(manager, { status, reference: report?.replaceAll('-', '').toUpperCase() ?? null, limit: Math.min(Math.max(first, 1), 200) });
      const attempts = await attemptsOfDeliveries(manager, rows.map((row) => row.id));
      return rows.map((row) => ({ ...row, status: row.status as DeliveryStatusModel, attemptCount: row.attempts, attempts: attempts.filter((attempt) => attempt.deliveryId === row.id) }));
    });
  }

  @Mutation(() => ReplayPayloadModel, { description: 'Sends these deliveries again now (dead letters get another 72 hours); delivered ones are left as they are.' })
  @StaffOnly(Permission.AdministerForce)
  async replayDeliveries(@CurrentStaff() staff: StaffIdentity, @Args('ids', { type: () => [ID] }) ids: string[], @Context('req') request?: FastifyRequest): Promise<ReplayPayloadModel> {
    const tenantId = forceOf(staff);
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id)).slice(0, 500);
    return this.transactions.run(tenantId, async (manager) => {
      const { queued, reset } = await this.service.replay(manager, tenantId, valid, staff.name ?? staff.subject);
      await this.audit.record(manager, { tenantId, actorType: 'staff', actorId: staff.subject, action: 'deliveries.replayed', subjectType: 'force', subjectId: tenantId, details: { deliveries: reset, queued: queued.length }, requestId: request?.id ? String(request.id) : undefined });
      return { queued: queued.length, waiting: reset.length - queued.length };
    });
  }

  @Mutation(() => DestinationModel, { description: 'Suspends a destination (its deliveries are made and wait) or resumes it (they go, in order).' })
  @StaffOnly(Permission.AdministerForce)
  async setDestinationSuspended(
    @CurrentStaff() staff: StaffIdentity,
    @Args('name') name: string,
    @Args('suspended') suspended: boolean,
    @Context('req') request?: FastifyRequest,
  ): Promise<DestinationModel> {
    const tenantId = forceOf(staff);
    return this.transactions.run(tenantId, async (manager) => {
      const destination = (await forceDestinationsWithCounts(manager)).find((candidate) => candidate.name === name);
      if (!destination) throw AccessException.notFoundOrNoAccess();
      const resumed = await this.service.setSuspended(manager, tenantId, destination.id, suspended ? (staff.name ?? staff.subject) : null);
      await this.audit.record(manager, { tenantId, actorType: 'staff', actorId: staff.subject, action: suspended ? 'destination.suspended' : 'destination.resumed', subjectType: 'force', subjectId: tenantId, details: { destination: name, ...(suspended ? {} : { sentAgain: resumed }) }, requestId: request?.id ? String(request.id) : undefined });
      return (await forceDestinationsWithCounts(manager)).find((candidate) => candidate.name === name)!;
    });
  }
}
