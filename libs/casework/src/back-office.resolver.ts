import { Injectable } from '@nestjs/common';
import { Args, Context, Field, InputType, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { TenantTransactions } from '@front-counter/database';
import { AccessException, CurrentStaff, Permission, StaffOnly, type StaffIdentity } from '@front-counter/identity';
import { findReport, parseReference, ReportLife } from '@front-counter/reports';
import { CaseworkException } from './casework.exception.js';

/** A records system's own reference for a report: short and printable (as one answered to a delivery). */
const EXTERNAL_REFERENCE = /^[\w./ -]{1,64}$/;
// Control characters other than line breaks have no place in text shown to the reporter.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

@InputType('BackOfficeUpdateInput', { description: 'What the force’s records system has to say about a report: any of its reference, a status and a message for the reporter.' })
export class BackOfficeUpdateInput {
  @Field(() => String, { nullable: true, description: 'The records system’s own reference (a crime or incident number): letters, digits, / . - _ and spaces, up to 64.' })
  reference?: string | null;

  @Field(() => String, { nullable: true, description: 'The report’s status in the records system, in words the reporter understands (e.g. "An officer has been assigned"), up to 200 characters.' })
  status?: string | null;

  @Field(() => String, { nullable: true, description: 'A message for the reporter: shown when they track the report and e-mailed to them. Up to 5,000 characters.' })
  messageToReporter?: string | null;
}

@ObjectType('BackOfficeUpdatePayload')
export class BackOfficeUpdatePayload {
  @Field({ description: 'Front Counter’s reference for the report.' })
  reference: string;

  @Field(() => String, { nullable: true, description: 'The records system’s reference now on the report.' })
  externalReference: string | null;

  @Field({ description: 'Whether a status or message was added to the report’s timeline.' })
  timelineUpdated: boolean;
}

function text(value: string | null | undefined, field: string, max: number): string | null {
  const trimmed = (value ?? '').trim();
  if (!trimmed) return null;
  if (trimmed.length > max) throw CaseworkException.invalidInput(`${field} must be ${max.toLocaleString('en-GB')} characters or fewer`);
  if (CONTROL.test(trimmed)) throw CaseworkException.invalidInput(`${field} must not contain control characters`);
  return trimmed;
}

/**
 * The inbound api for a force's records system: signed in with OAuth2 client credentials from the
 * force's own identity provider (a service account with the back-office role), it gives a report its
 * crime or incident number, a status and messages for the reporter. Each is a step of the report's
 * timeline that staff see (and the reporter, when tracking), and audited as the client.
 */
@Injectable()
@Resolver()
export class BackOfficeResolver {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly life: ReportLife,
  ) {}

  @Mutation(() => BackOfficeUpdatePayload, { description: 'For the force’s records system (client credentials, back-office role): a report’s reference in that system, its status there and a message for the reporter.' })
  @StaffOnly(Permission.UpdateFromBackOffice)
  async backOfficeUpdate(
    @CurrentStaff() client: StaffIdentity,
    @Args('report', { type: () => String, description: 'Front Counter’s reference for the report (7KQ-2MX-9P4 or 7KQ2MX9P4).' }) reference: string,
    @Args('update') update: BackOfficeUpdateInput,
    @Context('req') request?: FastifyRequest,
  ): Promise<BackOfficeUpdatePayload> {
    if (!client.tenantId) throw AccessException.notFoundOrNoAccess();
    const externalReference = text(update.reference, 'reference', 64);
    if (externalReference && !EXTERNAL_REFERENCE.test(externalReference)) throw CaseworkException.invalidInput('reference may hold only letters, digits, spaces and / . - _');
    const status = text(update.status, 'status', 200);
    const message = text(update.messageToReporter, 'messageToReporter', 5000);
    if (!externalReference && !status && !message) throw CaseworkException.invalidInput('give at least one of reference, status and messageToReporter');
    const parsed = parseReference(reference);
    if (!('reference' in parsed)) throw AccessException.notFoundOrNoAccess();
    const source = client.client ?? client.subject;
    const requestId = request?.id ? String(request.id) : undefined;
    return this.transactions.run(client.tenantId, async (manager) => {
      const report = await findReport(manager, { reference: parsed.reference }, { lock: true });
      if (!report) throw AccessException.notFoundOrNoAccess();
      if (externalReference) await this.life.externalReferenceReceived(manager, report, { reference: externalReference, source, requestId });
      if (status || message) await this.life.backOfficeUpdated(manager, report, { source, status, message, requestId });
      return { reference: report.reference, externalReference: report.externalReference, timelineUpdated: Boolean(status || message) };
    });
  }
}
