import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { onwardHeaders } from '@front-counter/logging';
import { ApiClient, ApiError } from '../api-client.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { RefreshRefused, StaffSignIn } from './staff-sign-in.js';
import type { StaffSession } from './staff-session.js';

type Text = { en: string; cy?: string | null };

export interface StaffMember {
  subject: string;
  name: string | null;
  roles: string[];
  permissions: string[];
  force: string | null;
}

export interface SlaClock {
  triageBy: string;
  replyBy: string;
  triagedAt: string | null;
  firstReplyAt: string | null;
  triageMinutesLeft: number;
  replyMinutesLeft: number;
  triageBreached: boolean;
  replyBreached: boolean;
}

export interface QueueItem {
  id: string;
  reference: string;
  serviceId: string;
  serviceTitle: Text;
  queue: string;
  priority: number;
  status: string;
  tags: string[];
  flags: string[];
  submittedAt: string;
  sla: SlaClock;
  claimedByName: string | null;
  claimedByMe: boolean;
  possibleDuplicates: number;
  transferredFrom: string | null;
}

export interface ThriveEntry {
  level: string;
  note: string;
}

export const THRIVE_PARTS = ['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'] as const;
export type ThrivePart = (typeof THRIVE_PARTS)[number];
export type ThriveInput = Record<ThrivePart, ThriveEntry>;

export interface ReportDetail extends QueueItem {
  formVersionId: string;
  formVersion: number;
  form: unknown;
  answers: Record<string, unknown>;
  reporterName: string | null;
  reporterEmail: string | null;
  reporterPhone: string | null;
  language: string;
  location: { latitude?: number; longitude?: number } | null;
  vehicleRegistrations: string[];
  routingRule: string | null;
  thrive: (ThriveInput & { recordedByName: string | null; recordedAt: string }) | null;
  outcome: { decision?: string; detail?: Record<string, string>; decidedByName?: string; decidedAt?: string } | null;
  timeline: { id: string; occurredAt: string; kind: string; actorType: string; actorName: string | null; message: string | null; details: Record<string, unknown> }[];
  duplicates: { id: string; otherReportId: string; otherReference: string; reason: string; status: string }[];
}

/** A file sent with a report, with short-lived links (null until it may be opened). */
export interface EvidenceFile {
  id: string;
  name: string;
  kind: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  scanStatus: 'PENDING' | 'CLEAN' | 'INFECTED' | 'NOT_SCANNED' | 'UNPROCESSABLE';
  scanDetail: string | null;
  source: string;
  uploadedAt: string;
  download: { path: string } | null;
  thumbnail: { path: string } | null;
}

/** One audit event about a report (supervisors only). */
export interface AuditEntry {
  id: string;
  occurredAt: string;
  actorType: string;
  actorName: string | null;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
}

export interface DecisionInput {
  decision: string;
  messageToReporter: string;
  unit?: string;
  toForce?: string;
  agency?: string;
  closeReason?: string;
  note?: string;
}

export interface QueueFilters {
  queue?: string;
  serviceId?: string;
  statuses?: string[];
  tag?: string;
  first: number;
  offset: number;
}

/** The session could not be kept going (the provider refused a refresh, or the api refused the token twice). */
export class StaffSessionEnded extends Error {}

/** One staff request: the session it carries (updated when tokens are refreshed) and where it came from. */
export interface StaffContext {
  request: FastifyRequest;
  reply: FastifyReply;
  site: RequestSite;
  session: StaffSession;
  origin: string;
  /** Set while a refresh is under way, so parallel api calls of one request wait for the same one. */
  refreshing?: Promise<void>;
}

const SLA = 'sla { triageBy replyBy triagedAt firstReplyAt triageMinutesLeft replyMinutesLeft triageBreached replyBreached }';
const ITEM = `id reference serviceId serviceTitle { en cy } queue priority status tags flags submittedAt ${SLA} claimedByName claimedByMe possibleDuplicates transferredFrom`;
const THRIVE_ENTRY = 'level note';
const DETAIL = `${ITEM} formVersionId formVersion form answers reporterName reporterEmail reporterPhone language location vehicleRegistrations routingRule outcome
  thrive { ${THRIVE_PARTS.map((part) => `${part} { ${THRIVE_ENTRY} }`).join(' ')} recordedByName recordedAt }
  timeline { id occurredAt kind actorType actorName message details }
  duplicates { id otherReportId otherReference reason status }`;
/** Refresh a little before the provider's expiry, so a token does not lapse on its way to the api. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * The staff operations of the api, called with the signed-in member's access token. An expired
 * token is refreshed first; a token the api refuses (UNAUTHENTICATED) is refreshed once and the call
 * tried again; when neither works the session has ended.
 */
@Injectable()
export class StaffApi {
  constructor(
    private readonly api: ApiClient,
    private readonly signIn: StaffSignIn,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The signed-in member as the api sees their token (used once, at sign-in). */
  me(request: FastifyRequest, accessToken: string): Promise<StaffMember> {
    return this.api
      .query<{ me: StaffMember }>('query StaffMe { me { subject name roles permissions force } }', {}, this.target(request, accessToken))
      .then((data) => data.me);
  }

  /** The national programme team's member as the api sees their token (used once, at sign-in on the national host). */
  nationalMe(request: FastifyRequest, accessToken: string): Promise<StaffMember> {
    return this.api
      .query<{ nationalMe: StaffMember }>('query NationalMe { nationalMe { subject name roles } }', {}, this.target(request, accessToken))
      .then((data) => ({ ...data.nationalMe, permissions: [], force: null }));
  }

  queue(context: StaffContext, filters: QueueFilters) {
    return this.call<{
      queue: { items: QueueItem[]; total: number };
      queueCounts: { queue: string; awaitingTriage: number; triageBreached: number }[];
      transferDestinations: { slug: string; name: Text }[];
    }>(
      context,
      `query StaffQueue($queue: String, $serviceId: String, $statuses: [ReportStatus!], $tag: String, $first: Int!, $offset: Int!) {
        queue(queue: $queue, serviceId: $serviceId, statuses: $statuses, tag: $tag, first: $first, offset: $offset) { total items { ${ITEM} } }
        queueCounts { queue awaitingTriage triageBreached }
        transferDestinations { slug name { en cy } }
      }`,
      { ...filters, statuses: filters.statuses?.length ? filters.statuses : null },
    );
  }

  async breaches(context: StaffContext, withinMinutes: number): Promise<QueueItem[]> {
    return (await this.call<{ breaches: QueueItem[] }>(context, `query StaffBreaches($within: Int!) { breaches(withinMinutes: $within) { ${ITEM} } }`, { within: withinMinutes })).breaches;
  }

  /** An audited read: the api records `reason` with it. Comes with the forces it could be transferred to. */
  async report(context: StaffContext, reference: string, reason: string): Promise<{ report: ReportDetail; forces: { slug: string; name: Text }[]; evidence: EvidenceFile[] }> {
    const data = await this.call<{ report: ReportDetail; transferDestinations: { slug: string; name: Text }[]; reportEvidence: EvidenceFile[] }>(
      context,
      `query StaffReport($report: String!, $reason: String!) {
        report(report: $report, reason: $reason) { ${DETAIL} }
        transferDestinations { slug name { en cy } }
        reportEvidence(report: $report) { id name kind mediaType sizeBytes sha256 scanStatus scanDetail source uploadedAt download { path } thumbnail { path } }
      }`,
      { report: reference, reason },
    );
    return { report: data.report, forces: data.transferDestinations, evidence: data.reportEvidence };
  }

  /** A file behind a signed link, streamed from the api (the link is the capability; the api audits the download). */
  async evidence(context: StaffContext, token: string): Promise<Response> {
    return fetch(`${this.config.api.url}/evidence/${encodeURIComponent(token)}`, { headers: onwardHeaders(context.request.id) });
  }

  /** Supervisors: every read and change of the report in the force (reading it is audited too). */
  async auditTrail(context: StaffContext, reference: string): Promise<AuditEntry[]> {
    const query = 'query StaffAuditTrail($report: String!) { reportAuditTrail(report: $report) { id occurredAt actorType actorName action reason details } }';
    return (await this.call<{ reportAuditTrail: AuditEntry[] }>(context, query, { report: reference })).reportAuditTrail;
  }

  async transferDestinations(context: StaffContext): Promise<{ slug: string; name: Text }[]> {
    return (await this.call<{ transferDestinations: { slug: string; name: Text }[] }>(context, 'query StaffForces { transferDestinations { slug name { en cy } } }', {})).transferDestinations;
  }

  async claim(context: StaffContext, reference: string, takeOver: boolean): Promise<void> {
    await this.call(context, 'mutation StaffClaim($report: String!, $takeOver: Boolean!) { claimReport(report: $report, takeOver: $takeOver) { id } }', { report: reference, takeOver });
  }

  async release(context: StaffContext, reference: string): Promise<void> {
    await this.call(context, 'mutation StaffRelease($report: String!) { releaseReport(report: $report) { id } }', { report: reference });
  }

  async recordThrive(context: StaffContext, reference: string, thrive: ThriveInput): Promise<void> {
    await this.call(context, 'mutation StaffThrive($report: String!, $thrive: ThriveInput!) { recordThrive(report: $report, thrive: $thrive) { id } }', { report: reference, thrive });
  }

  /** False when the report left the force (a transfer). */
  async decide(context: StaffContext, reference: string, decision: DecisionInput): Promise<boolean> {
    const data = await this.call<{ decideReport: { id: string } | null }>(context, 'mutation StaffDecide($report: String!, $decision: DecisionInput!) { decideReport(report: $report, decision: $decision) { id } }', { report: reference, decision });
    return data.decideReport !== null;
  }

  /** The other report's reference, for the confirmation. */
  async resolveDuplicate(context: StaffContext, link: string, confirm: boolean): Promise<string | undefined> {
    const data = await this.call<{ resolveDuplicate: { duplicates: { id: string; otherReference: string }[] } }>(
      context,
      'mutation StaffDuplicate($link: String!, $confirm: Boolean!) { resolveDuplicate(link: $link, confirm: $confirm) { duplicates { id otherReference } } }',
      { link, confirm },
    );
    return data.resolveDuplicate.duplicates.find((duplicate) => duplicate.id === link)?.otherReference;
  }

  /** A usable access token for this request (refreshed when about to expire): for the live-update stream. */
  async freshAccessToken(context: StaffContext): Promise<string> {
    if (context.session.accessExpiresAt - EXPIRY_MARGIN_MS <= Date.now()) await this.refresh(context);
    return context.session.accessToken;
  }

  private target(request: FastifyRequest, bearer: string) {
    return { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol, bearer };
  }

  /** One GraphQL operation as the signed-in member (refreshing their token as needed). */
  async call<T>(context: StaffContext, query: string, variables: Record<string, unknown>): Promise<T> {
    const bearer = await this.freshAccessToken(context);
    try {
      return await this.api.query<T>(query, variables, this.target(context.request, bearer));
    } catch (error) {
      if (!(error instanceof ApiError && error.codes.includes('UNAUTHENTICATED'))) throw error;
    }
    // Refused although not expired by our clock (revoked keys, a clock apart): refresh once, then give up.
    if (context.session.accessToken === bearer) await this.refresh(context);
    try {
      return await this.api.query<T>(query, variables, this.target(context.request, context.session.accessToken));
    } catch (error) {
      if (error instanceof ApiError && error.codes.includes('UNAUTHENTICATED')) throw new StaffSessionEnded('the api refused a refreshed token');
      throw error;
    }
  }

  private refresh(context: StaffContext): Promise<void> {
    context.refreshing ??= (async () => {
      const refreshToken = context.session.refreshToken;
      if (!refreshToken) throw new StaffSessionEnded('no refresh token');
      try {
        const settings = await this.signIn.settings(context.request);
        const tokens = await this.signIn.refresh(settings, refreshToken);
        context.session = {
          ...context.session,
          accessToken: tokens.accessToken,
          accessExpiresAt: tokens.accessExpiresAt,
          refreshToken: tokens.refreshToken,
          ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
        };
      } catch (error) {
        if (error instanceof RefreshRefused) throw new StaffSessionEnded('the provider refused the refresh token');
        throw error;
      }
    })().finally(() => {
      context.refreshing = undefined;
    });
    return context.refreshing;
  }
}
