import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { onwardHeaders } from '@front-counter/logging';
import { ApiClient } from '../api-client.js';

/** LocalizedText: Welsh may be missing (then English is shown). */
type Text = { en: string; cy: string | null };

/** The api's TrackingError: the field is reference, email, code, message or session. */
export interface TrackingError {
  field: string;
  message: Text;
}

export type ReportStatus = 'AWAITING_TRIAGE' | 'AWAITING_REPORTER' | 'ALLOCATED' | 'DISPATCHED' | 'REFERRED' | 'CLOSED';

export interface TrackedEvent {
  kind: string;
  occurredAt: string;
  message: string | null;
  fromForce: Text | null;
  toForce: Text | null;
}

export interface TrackedReport {
  reference: string;
  serviceTitle: Text;
  status: ReportStatus;
  submittedAt: string;
  timeline: TrackedEvent[];
}

const ERRORS = 'errors { field message { en cy } }';

/** The reporter's tracking operations of the api, for the request's force (its Host is passed on). */
@Injectable()
export class TrackingApi {
  constructor(private readonly api: ApiClient) {}

  /** Streams a file the reporter adds to their report on to the api (see ApiClient.upload). */
  async uploadFile(request: FastifyRequest, token: string, fileName: string, file: Readable): Promise<{ ok: true } | { error: { code: string; message: { en: string; cy: string } } }> {
    const { status, body } = await this.api.upload<{ file?: unknown; error?: { code: string; message: { en: string; cy: string } } }>(
      '/evidence/tracking',
      {
        'x-forwarded-host': request.headers.host ?? '',
        'x-forwarded-proto': request.protocol,
        ...onwardHeaders(request.id),
        'x-tracking-session': token,
        'x-file-name': encodeURIComponent(fileName),
      },
      file,
    );
    if (body.file) return { ok: true };
    if (body.error && status < 500) return { error: body.error };
    throw new Error(`api: evidence upload answered HTTP ${status}`);
  }

  private call<T>(request: FastifyRequest, query: string, variables: Record<string, unknown>): Promise<T> {
    return this.api.query<T>(query, variables, { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol });
  }

  /** The same answer whether or not the reference and address match a report. */
  async requestCode(request: FastifyRequest, reference: string, email: string): Promise<{ errors: TrackingError[] }> {
    return (await this.call<{ requestTrackingCode: { errors: TrackingError[] } }>(request, `mutation Request($reference: String!, $email: String!) { requestTrackingCode(reference: $reference, email: $email) { ${ERRORS} } }`, { reference, email }))
      .requestTrackingCode;
  }

  async verifyCode(request: FastifyRequest, reference: string, code: string): Promise<{ errors: TrackingError[]; token: string | null; expiresAt: string | null }> {
    return (
      await this.call<{ verifyTrackingCode: { errors: TrackingError[]; token: string | null; expiresAt: string | null } }>(
        request,
        `mutation Verify($reference: String!, $code: String!) { verifyTrackingCode(reference: $reference, code: $code) { ${ERRORS} token expiresAt } }`,
        { reference, code },
      )
    ).verifyTrackingCode;
  }

  async report(request: FastifyRequest, token: string): Promise<{ errors: TrackingError[]; report: TrackedReport | null }> {
    return (
      await this.call<{ trackedReport: { errors: TrackingError[]; report: TrackedReport | null } }>(
        request,
        `query Tracked($token: String!) { trackedReport(token: $token) { ${ERRORS} report { reference serviceTitle { en cy } status submittedAt timeline { kind occurredAt message fromForce { en cy } toForce { en cy } } } } }`,
        { token },
      )
    ).trackedReport;
  }

  async reply(request: FastifyRequest, token: string, message: string): Promise<{ errors: TrackingError[] }> {
    return (await this.call<{ replyToReport: { errors: TrackingError[] } }>(request, `mutation Reply($token: String!, $message: String!) { replyToReport(token: $token, message: $message) { ${ERRORS} } }`, { token, message })).replyToReport;
  }
}
