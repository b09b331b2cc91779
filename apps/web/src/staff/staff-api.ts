import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { onwardHeaders } from '@front-counter/logging';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiClient, ApiError } from '../api-client.js';
import {
  NationalMeDocument,
  StaffAuditTrailDocument,
  StaffBreachesDocument,
  StaffClaimDocument,
  StaffDecideDocument,
  StaffDuplicateDocument,
  StaffForcesDocument,
  StaffMeDocument,
  StaffQueueDocument,
  StaffReleaseDocument,
  StaffReportDocument,
  StaffThriveDocument,
  type Decision,
  type DecisionInput,
  type ReportStatus,
  type StaffAuditTrailQuery,
  type StaffMeQuery,
  type StaffQueueItemFragment,
  type StaffQueueQueryVariables,
  type StaffReportQuery,
  type ThriveInput,
} from '../graphql/operations.generated.js';
import type { RequestSite } from '../pages/page-renderer.js';
import { RefreshRefused, StaffSignIn } from './staff-sign-in.js';
import type { StaffSession } from './staff-session.js';

export type StaffMember = StaffMeQuery['me'];
export type QueueItem = StaffQueueItemFragment;
export type { Decision, DecisionInput, ReportStatus, ThriveInput };

/** The parts of a THRIVE assessment, in the order the page asks them. */
export const THRIVE_PARTS = ['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'] as const;
export type ThrivePart = (typeof THRIVE_PARTS)[number];

type ReportFields = StaffReportQuery['report'];
type TimelineEvent = ReportFields['timeline'][number];

/** The api's report detail; what it carries as JSON (answers, location, last decision, event details) in the shapes the api writes. */
export type ReportDetail = Omit<ReportFields, 'answers' | 'location' | 'outcome' | 'timeline'> & {
  answers: Record<string, unknown>;
  location: { latitude?: number; longitude?: number } | null;
  outcome: { decision?: string; detail?: Record<string, string>; decidedByName?: string; decidedAt?: string } | null;
  timeline: (Omit<TimelineEvent, 'details'> & { details: Record<string, unknown> })[];
};

/** A file sent with a report, with short-lived links (null until it may be opened). */
export type EvidenceFile = StaffReportQuery['reportEvidence'][number];

/** One audit event about a report (supervisors only); its details are JSON. */
export type AuditEntry = Omit<StaffAuditTrailQuery['reportAuditTrail'][number], 'details'> & { details: Record<string, unknown> };

export type QueueFilters = Omit<StaffQueueQueryVariables, 'statuses'> & { statuses?: ReportStatus[] };

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
  /** The reply leaves the session's cookie as it was (a file streamed through). */
  keepCookie?: boolean;
}

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
    return this.api.query(StaffMeDocument, {}, this.target(request, accessToken)).then((data) => data.me);
  }

  /** The national programme team's member as the api sees their token (used once, at sign-in on the national host). */
  nationalMe(request: FastifyRequest, accessToken: string): Promise<StaffMember> {
    return this.api.query(NationalMeDocument, {}, this.target(request, accessToken)).then((data) => ({ ...data.nationalMe, permissions: [], force: null }));
  }

  queue(context: StaffContext, filters: QueueFilters) {
    return this.call(context, StaffQueueDocument, { ...filters, statuses: filters.statuses?.length ? filters.statuses : null });
  }

  async breaches(context: StaffContext, withinMinutes: number): Promise<QueueItem[]> {
    return (await this.call(context, StaffBreachesDocument, { within: withinMinutes })).breaches;
  }

  /** An audited read: the api records `reason` with it. Comes with the forces it could be transferred to. */
  async report(context: StaffContext, reference: string, reason: string) {
    const data = await this.call(context, StaffReportDocument, { report: reference, reason });
    return { report: data.report as ReportDetail, forces: data.transferDestinations, evidence: data.reportEvidence };
  }

  /** A file behind a signed link, streamed from the api (the link is the capability; the api audits the download). */
  async evidence(context: StaffContext, token: string): Promise<Response> {
    return fetch(`${this.config.api.url}/evidence/${encodeURIComponent(token)}`, { headers: onwardHeaders(context.request.id) });
  }

  /** Supervisors: every read and change of the report in the force (reading it is audited too). */
  async auditTrail(context: StaffContext, reference: string): Promise<AuditEntry[]> {
    return (await this.call(context, StaffAuditTrailDocument, { report: reference })).reportAuditTrail as AuditEntry[];
  }

  async transferDestinations(context: StaffContext) {
    return (await this.call(context, StaffForcesDocument, {})).transferDestinations;
  }

  async claim(context: StaffContext, reference: string, takeOver: boolean): Promise<void> {
    await this.call(context, StaffClaimDocument, { report: reference, takeOver });
  }

  async release(context: StaffContext, reference: string): Promise<void> {
    await this.call(context, StaffReleaseDocument, { report: reference });
  }

  async recordThrive(context: StaffContext, reference: string, thrive: ThriveInput): Promise<void> {
    await this.call(context, StaffThriveDocument, { report: reference, thrive });
  }

  /** False when the report left the force (a transfer). */
  async decide(context: StaffContext, reference: string, decision: DecisionInput): Promise<boolean> {
    const data = await this.call(context, StaffDecideDocument, { report: reference, decision });
    return data.decideReport !== null;
  }

  /** The other report's reference, for the confirmation. */
  async resolveDuplicate(context: StaffContext, link: string, confirm: boolean): Promise<string | undefined> {
    const data = await this.call(context, StaffDuplicateDocument, { link, confirm });
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
  async call<Result, Variables>(context: StaffContext, document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
    const bearer = await this.freshAccessToken(context);
    try {
      return await this.api.query(document, variables, this.target(context.request, bearer));
    } catch (error) {
      if (!(error instanceof ApiError && error.codes.includes('UNAUTHENTICATED'))) throw error;
    }
    // Refused although not expired by our clock (revoked keys, a clock apart): refresh once, then give up.
    if (context.session.accessToken === bearer) await this.refresh(context);
    try {
      return await this.api.query(document, variables, this.target(context.request, context.session.accessToken));
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
