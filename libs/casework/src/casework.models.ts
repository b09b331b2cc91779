import { ArgsType, Field, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar, type FormAnswers } from '@front-counter/forms';
import { ReportStatus } from '@front-counter/reports';
import { LocalizedTextModel } from '@front-counter/tenancy';

// GraphQL enum values are the keys (SCREAMING_CASE by convention); the values are what is stored.
// The statuses are the reports library's one list; the api publishes them under the same name.
registerEnumType(ReportStatus, { name: 'ReportStatus', description: 'Where a report is in triage.' });

export enum Decision {
  ALLOCATE = 'allocate',
  DISPATCH = 'dispatch',
  TRANSFER = 'transfer',
  REFER = 'refer',
  REQUEST_INFORMATION = 'request-information',
  CLOSE = 'close',
}
registerEnumType(Decision, {
  name: 'Decision',
  description: 'What a call handler decides; each goes with a message for the reporter.',
  valuesMap: {
    ALLOCATE: { description: 'Allocate to an investigation unit (unit required).' },
    DISPATCH: { description: 'Dispatch an officer now (urgent).' },
    TRANSFER: { description: 'Transfer to another force (toForce required): the report leaves this force.' },
    REFER: { description: 'Refer to another agency (agency required).' },
    REQUEST_INFORMATION: { description: 'Ask the reporter for more information; their reply returns the report to the queue.' },
    CLOSE: { description: 'Close with a reason (closeReason required).' },
  },
});

export enum ThriveLevel {
  HIGH = 'high',
  MEDIUM = 'medium',
  LOW = 'low',
}
registerEnumType(ThriveLevel, { name: 'ThriveLevel' });

export const CLOSE_REASONS = ['resolved', 'advice-given', 'no-crime', 'duplicate', 'not-a-police-matter', 'insufficient-information', 'withdrawn'] as const;

@ObjectType('StaffMember', { description: 'The signed-in staff member, from their verified token.' })
export class StaffMemberModel {
  @Field()
  subject: string;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field(() => [String])
  roles: string[];

  @Field(() => [String], { description: 'What the roles allow (see the access policy).' })
  permissions: string[];

  @Field(() => String, { nullable: true, description: 'The force slug; null for the national programme team.' })
  force: string | null;

  @Field(() => LocalizedTextModel, { nullable: true })
  forceName: LocalizedTextModel | null;
}

@ObjectType('SlaClock', { description: 'A report’s promises: triage within the force’s target, a first reply within its promise.' })
export class SlaClockModel {
  @Field()
  triageBy: Date;

  @Field()
  replyBy: Date;

  @Field(() => Date, { nullable: true })
  triagedAt: Date | null;

  @Field(() => Date, { nullable: true })
  firstReplyAt: Date | null;

  @Field(() => Int, { description: 'Minutes left to triage (negative once late); 0 once triaged.' })
  triageMinutesLeft: number;

  @Field(() => Int, { description: 'Minutes left for the first reply (negative once late); 0 once replied.' })
  replyMinutesLeft: number;

  @Field()
  triageBreached: boolean;

  @Field()
  replyBreached: boolean;
}

@InterfaceType('ReportSummary', { description: 'What every view of a report shows about it: no personal data.' })
export abstract class ReportSummaryModel {
  @Field(() => ID)
  id: string;

  @Field()
  reference: string;

  @Field()
  serviceId: string;

  @Field(() => LocalizedTextModel)
  serviceTitle: LocalizedTextModel;

  @Field()
  queue: string;

  @Field(() => Int, { description: '1 is the most urgent.' })
  priority: number;

  @Field(() => ReportStatus)
  status: ReportStatus;

  @Field(() => [String])
  tags: string[];

  @Field(() => [String])
  flags: string[];

  @Field()
  submittedAt: Date;

  @Field(() => SlaClockModel)
  sla: SlaClockModel;

  @Field(() => String, { nullable: true })
  claimedByName: string | null;

  @Field()
  claimedByMe: boolean;

  @Field(() => Int, { description: 'Possible duplicates not yet confirmed or dismissed.' })
  possibleDuplicates: number;

  @Field(() => String, { nullable: true, description: 'The force it came from, when transferred in.' })
  transferredFrom: string | null;
}

@ObjectType('QueueItem', { implements: () => [ReportSummaryModel], description: 'A report as the queue shows it: no personal data.' })
export class QueueItemModel extends ReportSummaryModel {}

@ObjectType('QueuePage')
export class QueuePageModel {
  @Field(() => [QueueItemModel])
  items: QueueItemModel[];

  @Field(() => Int)
  total: number;
}

@ObjectType('QueueCount')
export class QueueCountModel {
  @Field()
  queue: string;

  @Field(() => Int)
  awaitingTriage: number;

  @Field(() => Int)
  triageBreached: number;
}

@ArgsType()
export class QueueArgs {
  @Field(() => String, { nullable: true })
  queue?: string;

  @Field(() => String, { nullable: true })
  serviceId?: string;

  @Field(() => [ReportStatus], { nullable: true, description: 'Default: awaiting triage.' })
  statuses?: ReportStatus[];

  @Field(() => String, { nullable: true })
  tag?: string;

  @Field(() => Int, { defaultValue: 50, description: 'At most 200.' })
  first: number;

  @Field(() => Int, { defaultValue: 0 })
  offset: number;
}

@ObjectType('ThriveEntry')
export class ThriveEntryModel {
  @Field(() => ThriveLevel)
  level: ThriveLevel;

  @Field()
  note: string;
}

@ObjectType('ThriveAssessment', { description: 'Threat, harm, risk, investigation, vulnerability, engagement.' })
export class ThriveModel {
  @Field(() => ThriveEntryModel)
  threat: ThriveEntryModel;

  @Field(() => ThriveEntryModel)
  harm: ThriveEntryModel;

  @Field(() => ThriveEntryModel)
  risk: ThriveEntryModel;

  @Field(() => ThriveEntryModel)
  investigation: ThriveEntryModel;

  @Field(() => ThriveEntryModel)
  vulnerability: ThriveEntryModel;

  @Field(() => ThriveEntryModel)
  engagement: ThriveEntryModel;

  @Field(() => String, { nullable: true })
  recordedByName: string | null;

  @Field()
  recordedAt: Date;
}

@InputType('ThriveEntryInput')
export class ThriveEntryInput {
  @Field(() => ThriveLevel)
  level: ThriveLevel;

  @Field({ description: 'The handler’s reasoning, up to 2,000 characters.' })
  note: string;
}

@InputType('ThriveInput')
export class ThriveInput {
  @Field(() => ThriveEntryInput)
  threat: ThriveEntryInput;

  @Field(() => ThriveEntryInput)
  harm: ThriveEntryInput;

  @Field(() => ThriveEntryInput)
  risk: ThriveEntryInput;

  @Field(() => ThriveEntryInput)
  investigation: ThriveEntryInput;

  @Field(() => ThriveEntryInput)
  vulnerability: ThriveEntryInput;

  @Field(() => ThriveEntryInput)
  engagement: ThriveEntryInput;
}

@InputType('DecisionInput')
export class DecisionInput {
  @Field(() => Decision)
  decision: Decision;

  @Field({ description: 'Written for the reporter: shown when they track the report and e-mailed to them. Up to 5,000 characters.' })
  messageToReporter: string;

  @Field(() => String, { nullable: true, description: 'Allocate: the investigation unit.' })
  unit?: string;

  @Field(() => String, { nullable: true, description: 'Transfer: the receiving force’s slug.' })
  toForce?: string;

  @Field(() => String, { nullable: true, description: 'Refer: the agency.' })
  agency?: string;

  @Field(() => String, { nullable: true, description: `Close: one of ${CLOSE_REASONS.join(', ')}.` })
  closeReason?: string;

  @Field(() => String, { nullable: true, description: 'An internal note (not shown to the reporter).' })
  note?: string;
}

@ObjectType('TimelineEvent')
export class TimelineEventModel {
  @Field(() => ID)
  id: string;

  @Field()
  occurredAt: Date;

  @Field()
  kind: string;

  @Field()
  actorType: string;

  @Field(() => String, { nullable: true })
  actorName: string | null;

  @Field(() => String, { nullable: true, description: 'The message the reporter sees, or their own reply.' })
  message: string | null;

  @Field(() => JSONScalar)
  details: Record<string, unknown>;
}

@ObjectType('AuditEntry', { description: 'One audit event about a report: a read with its reason, or a change.' })
export class AuditEntryModel {
  @Field(() => ID)
  id: string;

  @Field()
  occurredAt: Date;

  @Field({ description: 'staff, public (the reporter) or system.' })
  actorType: string;

  @Field(() => String, { nullable: true, description: 'The staff member’s subject in their identity provider.' })
  actorId: string | null;

  @Field(() => String, { nullable: true })
  actorName: string | null;

  @Field({ description: 'What was done, e.g. report.read, report.claimed, report.decided.' })
  action: string;

  @Field(() => String, { nullable: true, description: 'Why a report was opened, as the handler gave it.' })
  reason: string | null;

  @Field(() => JSONScalar)
  details: Record<string, unknown>;
}

@ObjectType('PossibleDuplicate')
export class PossibleDuplicateModel {
  @Field(() => ID)
  id: string;

  @Field()
  otherReportId: string;

  @Field()
  otherReference: string;

  @Field()
  reason: string;

  @Field()
  status: string;
}

@ObjectType('ReportDetail', { implements: () => [ReportSummaryModel], description: 'A report with its personal data. Every read is audited with its reason.' })
export class ReportDetailModel extends ReportSummaryModel {
  @Field()
  formVersionId: string;

  @Field(() => Int)
  formVersion: number;

  @Field(() => JSONScalar, { description: 'The form version’s pages and questions, to label the answers.' })
  form: unknown;

  @Field(() => JSONScalar)
  answers: FormAnswers;

  @Field(() => String, { nullable: true })
  reporterName: string | null;

  @Field(() => String, { nullable: true })
  reporterEmail: string | null;

  @Field(() => String, { nullable: true })
  reporterPhone: string | null;

  @Field()
  language: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Latitude and longitude, when given.' })
  location: unknown;

  @Field(() => [String])
  vehicleRegistrations: string[];

  @Field(() => String, { nullable: true })
  routingRule: string | null;

  @Field(() => String, { nullable: true, description: 'The force records system’s own reference for the report (a crime or incident number), once a destination has answered one.' })
  externalReference: string | null;

  @Field(() => ThriveModel, { nullable: true })
  thrive: ThriveModel | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The last decision.' })
  outcome: unknown;

  @Field(() => [TimelineEventModel])
  timeline: TimelineEventModel[];

  @Field(() => [PossibleDuplicateModel])
  duplicates: PossibleDuplicateModel[];
}

@ObjectType('ReportChange', { description: 'A report of your force changed: refresh what shows it.' })
export class ReportChangeModel {
  @Field()
  reportId: string;

  @Field()
  kind: string;
}

@ObjectType('ForceOption', { description: 'A force a report can be transferred to.' })
export class ForceOptionModel {
  @Field()
  slug: string;

  @Field(() => LocalizedTextModel)
  name: LocalizedTextModel;
}
