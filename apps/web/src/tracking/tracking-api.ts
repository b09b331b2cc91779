import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { onwardHeaders } from '@front-counter/logging';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApiClient } from '../api-client.js';
import { RequestDocument, ReplyDocument, TrackedDocument, VerifyDocument, type ReportStatus, type TrackedQuery, type TrackingErrorsFragment } from '../graphql/operations.generated.js';

/** The api's TrackingError: the field is reference, email, code, message or session. */
export type TrackingError = TrackingErrorsFragment;

export type TrackedReport = NonNullable<TrackedQuery['trackedReport']['report']>;
export type TrackedEvent = TrackedReport['timeline'][number];
export type { ReportStatus };

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

  private call<Result, Variables>(request: FastifyRequest, document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
    return this.api.query(document, variables, { host: request.headers.host ?? '', requestId: request.id, protocol: request.protocol });
  }

  /** The same answer whether or not the reference and address match a report. */
  async requestCode(request: FastifyRequest, reference: string, email: string) {
    return (await this.call(request, RequestDocument, { reference, email })).requestTrackingCode;
  }

  async verifyCode(request: FastifyRequest, reference: string, code: string) {
    return (await this.call(request, VerifyDocument, { reference, code })).verifyTrackingCode;
  }

  async report(request: FastifyRequest, token: string) {
    return (await this.call(request, TrackedDocument, { token })).trackedReport;
  }

  async reply(request: FastifyRequest, token: string, message: string) {
    return (await this.call(request, ReplyDocument, { token, message })).replyToReport;
  }
}
