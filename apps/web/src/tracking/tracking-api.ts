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

  /**
   * Streams a file the reporter adds to their report on to the api (see ApiClient.upload), as one of
   * the form's `batch`: the api holds it until the batch is confirmed (confirmFiles) or discarded.
   */
  async uploadFile(request: FastifyRequest, token: string, batch: string, fileName: string, file: Readable): Promise<{ ok: true } | { error: { code: string; message: { en: string; cy: string } } }> {
    const { status, body } = await this.api.upload<{ file?: unknown; error?: { code: string; message: { en: string; cy: string } } }>(
      '/evidence/tracking',
      { ...this.evidenceHeaders(request, token), 'x-upload-batch': batch, 'x-file-name': encodeURIComponent(fileName) },
      file,
    );
    if (body.file) return { ok: true };
    if (body.error && status < 500) return { error: body.error };
    throw new Error(`api: evidence upload answered HTTP ${status}`);
  }

  /** The whole form was read: its files go on the report. False when the tracking session has ended meanwhile. */
  async confirmFiles(request: FastifyRequest, token: string, batch: string): Promise<boolean> {
    const { status, body } = await this.api.send<{ added?: number; error?: { code: string } }>('POST', `/evidence/tracking/batches/${batch}`, this.evidenceHeaders(request, token));
    if (typeof body.added === 'number') return true;
    if (body.error?.code === 'TRACKING_SESSION_ENDED') return false;
    throw new Error(`api: confirming uploaded files answered HTTP ${status}`);
  }

  /** The form broke part-way: the files it had sent are dropped (the api sweeps them later should this fail). */
  async discardFiles(request: FastifyRequest, token: string, batch: string): Promise<void> {
    const { status } = await this.api.send('DELETE', `/evidence/tracking/batches/${batch}`, this.evidenceHeaders(request, token));
    if (status !== 200) throw new Error(`api: discarding uploaded files answered HTTP ${status}`);
  }

  private evidenceHeaders(request: FastifyRequest, token: string): Record<string, string> {
    return { 'x-forwarded-host': request.headers.host ?? '', 'x-forwarded-proto': request.protocol, ...onwardHeaders(request.id), 'x-tracking-session': token };
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
