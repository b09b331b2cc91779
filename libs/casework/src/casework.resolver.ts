import { Args, Context, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { CurrentStaff, Permission, permissionsOf, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { TenantsService } from '@front-counter/tenancy';
import {
  AuditEntryModel,
  DecisionInput,
  ForceOptionModel,
  QueueArgs,
  QueueCountModel,
  QueueItemModel,
  QueuePageModel,
  ReportChangeModel,
  ReportDetailModel,
  StaffMemberModel,
  ThriveInput,
} from './casework.models.js';
import { CaseworkService } from './casework.service.js';
import { ReportChangesService } from './report-changes.service.js';

const report = () => Args('report', { type: () => String, description: 'The report’s id or reference (7KQ-2MX-9P4 or 7KQ2MX9P4).' });
const requestIdOf = (request: FastifyRequest | undefined) => (request?.id ? String(request.id) : undefined);

/**
 * Triage for call handlers and supervisors. The force is the verified token's, never an argument:
 * an id or reference of another force's report answers exactly as one that does not exist.
 */
@Resolver()
export class CaseworkResolver {
  constructor(
    private readonly casework: CaseworkService,
    private readonly changes: ReportChangesService,
    private readonly tenants: TenantsService,
  ) {}

  @Query(() => StaffMemberModel, { description: 'Who is signed in, their force and what their roles allow.' })
  @StaffOnly(Permission.SignIn)
  async me(@CurrentStaff() staff: StaffIdentity): Promise<StaffMemberModel> {
    const force = staff.tenantId ? await this.tenants.findById(staff.tenantId) : null;
    return { subject: staff.subject, name: staff.name, roles: staff.roles, permissions: permissionsOf(staff), force: force?.slug ?? null, forceName: force?.name ?? null };
  }

  @Query(() => QueuePageModel, { description: 'The force’s reports by priority, then triage deadline.' })
  @StaffOnly(Permission.ReadQueue)
  async queue(@CurrentStaff() staff: StaffIdentity, @Args() args: QueueArgs): Promise<QueuePageModel> {
    return this.casework.queue(staff, args) as Promise<QueuePageModel>;
  }

  @Query(() => [QueueCountModel], { description: 'Reports awaiting triage in each queue.' })
  @StaffOnly(Permission.ReadQueue)
  async queueCounts(@CurrentStaff() staff: StaffIdentity): Promise<QueueCountModel[]> {
    return this.casework.queueCounts(staff);
  }

  @Query(() => [QueueItemModel], { description: 'Supervisors: open reports past a deadline or within `withinMinutes` of one.' })
  @StaffOnly(Permission.Supervise)
  async breaches(@CurrentStaff() staff: StaffIdentity, @Args('withinMinutes', { type: () => Int, defaultValue: 0 }) withinMinutes: number): Promise<QueueItemModel[]> {
    return this.casework.breaches(staff, withinMinutes) as Promise<QueueItemModel[]>;
  }

  @Query(() => ReportDetailModel, { description: 'A report with its personal data. The read is audited with `reason`.' })
  @StaffOnly(Permission.ReadReport)
  async report(
    @CurrentStaff() staff: StaffIdentity,
    @report() reference: string,
    @Args('reason', { description: 'Why you are opening it, e.g. "triage" (kept in the audit trail).' }) reason: string,
    @Context('req') request?: FastifyRequest,
  ): Promise<ReportDetailModel> {
    return this.casework.report(staff, reference, reason, requestIdOf(request)) as Promise<ReportDetailModel>;
  }

  @Query(() => [AuditEntryModel], { description: 'Supervisors: every read and change of a report in the force, oldest first. Reading it is audited too.' })
  @StaffOnly(Permission.Supervise)
  async reportAuditTrail(@CurrentStaff() staff: StaffIdentity, @report() reference: string, @Context('req') request?: FastifyRequest): Promise<AuditEntryModel[]> {
    return this.casework.auditTrail(staff, reference, requestIdOf(request));
  }

  @Query(() => [ForceOptionModel], { description: 'Forces a report can be transferred to.' })
  @StaffOnly(Permission.WorkReport)
  async transferDestinations(@CurrentStaff() staff: StaffIdentity): Promise<ForceOptionModel[]> {
    return this.casework.transferDestinations(staff);
  }

  @Mutation(() => ReportDetailModel, { description: 'Take a report to work on. Supervisors may take over with takeOver.' })
  @StaffOnly(Permission.WorkReport)
  async claimReport(@CurrentStaff() staff: StaffIdentity, @report() reference: string, @Args('takeOver', { defaultValue: false }) takeOver: boolean, @Context('req') request?: FastifyRequest) {
    return this.casework.claim(staff, reference, takeOver, requestIdOf(request));
  }

  @Mutation(() => ReportDetailModel, { description: 'Give a report back to the queue (its claimant, or a supervisor).' })
  @StaffOnly(Permission.WorkReport)
  async releaseReport(@CurrentStaff() staff: StaffIdentity, @report() reference: string, @Context('req') request?: FastifyRequest) {
    return this.casework.release(staff, reference, requestIdOf(request));
  }

  @Mutation(() => ReportDetailModel, { description: 'Record the THRIVE assessment of a report you have claimed.' })
  @StaffOnly(Permission.WorkReport)
  async recordThrive(@CurrentStaff() staff: StaffIdentity, @report() reference: string, @Args('thrive') thrive: ThriveInput, @Context('req') request?: FastifyRequest) {
    return this.casework.recordThrive(staff, reference, thrive, requestIdOf(request));
  }

  @Mutation(() => ReportDetailModel, { nullable: true, description: 'Decide on a report you have claimed, with a message for the reporter. Null after a transfer: the report has left your force.' })
  @StaffOnly(Permission.WorkReport)
  async decideReport(@CurrentStaff() staff: StaffIdentity, @report() reference: string, @Args('decision') decision: DecisionInput, @Context('req') request?: FastifyRequest) {
    return this.casework.decide(staff, reference, decision, requestIdOf(request));
  }

  @Mutation(() => ReportDetailModel, { description: 'Confirm or dismiss a possible duplicate.' })
  @StaffOnly(Permission.WorkReport)
  async resolveDuplicate(@CurrentStaff() staff: StaffIdentity, @Args('link') link: string, @Args('confirm') confirm: boolean, @Context('req') request?: FastifyRequest) {
    return this.casework.resolveDuplicate(staff, link, confirm, requestIdOf(request));
  }

  @Subscription(() => ReportChangeModel, { description: 'Changes to your force’s reports as they happen (graphql-ws; pass the token as connectionParams.authorization).' })
  @StaffOnly(Permission.ReadQueue)
  reportChanges(@CurrentStaff() staff: StaffIdentity): AsyncIterator<{ reportChanges: ReportChangeModel }> {
    const changes = this.changes.changes(staff.tenantId!);
    return (async function* () {
      for await (const change of changes) yield { reportChanges: { reportId: change.reportId, kind: change.kind } };
    })();
  }
}
