import type { Readable } from 'node:stream';
import { Controller, Delete, Get, Logger, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainException } from '@front-counter/errors';
import { currentAppLogger } from '@front-counter/logging';
import { CurrentTenant, PublicTenantGuard, type Tenant } from '@front-counter/tenancy';
import { EvidenceService } from './evidence.service.js';
import { EvidenceRefused } from './ingest.js';

/** The headers an upload carries besides its bytes. */
export const SESSION_HEADER = 'x-journey-session';
export const FILE_NAME_HEADER = 'x-file-name';
export const TRACKING_HEADER = 'x-tracking-session';
/** The form a tracking upload belongs to (see EvidenceService.addToReport). */
export const BATCH_HEADER = 'x-upload-batch';

const SERVICE = /^[a-z][a-z0-9-]{1,60}$/;
const QUESTION = /^[a-zA-Z][a-zA-Z0-9-]{0,80}$/;

/**
 * Files over plain HTTP, since a GraphQL request is no place for a 2 GB stream. Public uploads are for
 * the force of the Host (as every public operation) and the journey of the session header; the body
 * is the file's bytes, streamed to the store as they arrive. Downloads take a signed link only.
 */
@Controller('evidence')
export class EvidenceController {
  private readonly logger = new Logger(EvidenceController.name);

  constructor(private readonly evidence: EvidenceService) {}

  @Post('journeys/:serviceId/:questionId')
  @UseGuards(PublicTenantGuard)
  async upload(@Param('serviceId') serviceId: string, @Param('questionId') questionId: string, @CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const body = request.body as Readable | undefined;
    const session = request.headers[SESSION_HEADER];
    if (!body || typeof (body as Readable).pipe !== 'function') return problem(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', { en: 'Send the file as application/octet-stream', cy: 'Anfonwch y ffeil fel application/octet-stream' });
    if (!SERVICE.test(serviceId) || !QUESTION.test(questionId) || typeof session !== 'string') {
      body.destroy();
      return problem(reply, 404, 'JOURNEY_NOT_FOUND', { en: 'There is no journey for this upload', cy: "Nid oes taith ar gyfer y llwythiad hwn" });
    }
    try {
      const file = await this.evidence.addToJourney(tenant, { serviceId, session, questionId, fileName: headerValue(request.headers[FILE_NAME_HEADER]), body, requestId: String(request.id) });
      return reply.code(201).send({ file });
    } catch (error) {
      if (error instanceof EvidenceRefused) {
        drain(body);
        return refused(reply, error);
      }
      if (error instanceof DomainException) {
        drain(body);
        return problem(reply, error.status, error.code, { en: error.publicMessage, cy: error.publicMessage });
      }
      if (clientGone(request, error)) return this.abandoned(request, reply, 'journey');
      throw error;
    }
  }

  /**
   * A reporter adds a file to a sent report through their tracking session (the session header).
   * With a batch header it is one of a form's files, held until the batch is confirmed.
   */
  @Post('tracking')
  @UseGuards(PublicTenantGuard)
  async uploadToReport(@CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const body = request.body as Readable | undefined;
    const batch = headerValue(request.headers[BATCH_HEADER]);
    if (!body || typeof (body as Readable).pipe !== 'function') return problem(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', { en: 'Send the file as application/octet-stream', cy: 'Anfonwch y ffeil fel application/octet-stream' });
    try {
      const file = await this.evidence.addToReport(tenant, { trackingToken: trackingToken(request), fileName: headerValue(request.headers[FILE_NAME_HEADER]), body, requestId: String(request.id), batch });
      return reply.code(201).send({ file });
    } catch (error) {
      if (error instanceof EvidenceRefused) {
        drain(body);
        return refused(reply, error);
      }
      if (clientGone(request, error)) return this.abandoned(request, reply, 'tracking');
      throw error;
    }
  }

  /** The web read the whole form: the batch's held files go on the report together. */
  @Post('tracking/batches/:batch')
  @UseGuards(PublicTenantGuard)
  async confirmBatch(@Param('batch') batch: string, @CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    try {
      return reply.code(200).send({ added: await this.evidence.confirmBatch(tenant, { trackingToken: trackingToken(request), batch, requestId: String(request.id) }) });
    } catch (error) {
      if (error instanceof EvidenceRefused) return refused(reply, error);
      throw error;
    }
  }

  /** The form broke part-way: the batch's held files are dropped. */
  @Delete('tracking/batches/:batch')
  @UseGuards(PublicTenantGuard)
  async discardBatch(@Param('batch') batch: string, @CurrentTenant() tenant: Tenant, @Res() reply: FastifyReply) {
    return reply.send({ discarded: await this.evidence.discardBatch(tenant, batch) });
  }

  @Get('journeys/:serviceId')
  @UseGuards(PublicTenantGuard)
  async list(@Param('serviceId') serviceId: string, @CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = request.headers[SESSION_HEADER];
    if (!SERVICE.test(serviceId) || typeof session !== 'string') return problem(reply, 404, 'JOURNEY_NOT_FOUND', { en: 'There is no journey', cy: 'Nid oes taith' });
    try {
      return reply.send({ files: await this.evidence.journeyFiles(tenant, serviceId, session) });
    } catch (error) {
      if (error instanceof DomainException) return problem(reply, 404, 'JOURNEY_NOT_FOUND', { en: 'There is no journey', cy: 'Nid oes taith' });
      throw error;
    }
  }

  @Delete('journeys/:serviceId/files/:fileId')
  @UseGuards(PublicTenantGuard)
  async remove(@Param('serviceId') serviceId: string, @Param('fileId') fileId: string, @CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const session = request.headers[SESSION_HEADER];
    if (!SERVICE.test(serviceId) || typeof session !== 'string') return problem(reply, 404, 'FILE_NOT_FOUND', { en: 'There is no such file', cy: "Nid oes ffeil o'r fath" });
    try {
      const removed = await this.evidence.removeFromJourney(tenant, serviceId, session, fileId);
      return removed ? reply.code(204).send() : problem(reply, 404, 'FILE_NOT_FOUND', { en: 'There is no such file', cy: "Nid oes ffeil o'r fath" });
    } catch (error) {
      if (error instanceof DomainException) return problem(reply, 404, 'FILE_NOT_FOUND', { en: 'There is no such file', cy: "Nid oes ffeil o'r fath" });
      throw error;
    }
  }

  /** An upload its sender abandoned: noted, and answered 400 should anyone still be listening. */
  private abandoned(request: FastifyRequest, reply: FastifyReply, through: 'journey' | 'tracking') {
    const message = `an upload through ${through} was abandoned by its sender part-way; nothing of it was kept`;
    const appLogger = currentAppLogger();
    if (appLogger) appLogger.info({ requestId: request.id, through }, message);
    else this.logger.log(message);
    if (reply.raw.destroyed || reply.sent) return reply;
    return problem(reply, 400, 'UPLOAD_ABANDONED', { en: 'The upload stopped before the end of the file', cy: "Daeth y llwytho i ben cyn diwedd y ffeil" });
  }

  /** A signed link's file: as an attachment (a thumbnail inline), never sniffed, never cached. */
  @Get(':token')
  async download(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const opened = token.length < 2000 ? await this.evidence.openLink(token, String(request.id)) : null;
    if (!opened) return problem(reply, 404, 'NOT_FOUND', { en: 'This link has expired or does not exist', cy: "Mae'r ddolen hon wedi dod i ben neu nid yw'n bodoli" });
    reply
      .header('content-type', opened.mediaType)
      .header('content-disposition', `${opened.inline ? 'inline' : 'attachment'}; filename="${asciiName(opened.fileName)}"; filename*=UTF-8''${encodeURIComponent(opened.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox");
    if (opened.sizeBytes !== null) reply.header('content-length', String(opened.sizeBytes));
    return reply.send(opened.body);
  }
}

function trackingToken(request: FastifyRequest): string {
  const token = request.headers[TRACKING_HEADER];
  return typeof token === 'string' ? token : '';
}

/**
 * Whether the upload failed because its sender went away part-way (the visitor's form was cut off,
 * so the web aborted its request): nothing was kept, and it is no fault of the api's.
 */
function clientGone(request: FastifyRequest, error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return request.raw.aborted || request.raw.socket?.destroyed === true || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as Error | null)?.message === 'aborted';
}

function problem(reply: FastifyReply, status: number, code: string, message: { en: string; cy: string }) {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}

/** A refused file: the status and code that say why, with the message in both languages. */
function refused(reply: FastifyReply, error: EvidenceRefused) {
  if (error.reason === 'session') return problem(reply, 404, 'TRACKING_SESSION_ENDED', error.text);
  const status = { size: 413, type: 415, count: 409, empty: 400, batch: 400 }[error.reason];
  return problem(reply, status, `FILE_${error.reason.toUpperCase()}`, error.text);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The rest of a refused body is read and dropped, so the client sees the answer rather than a reset connection. */
function drain(body: Readable) {
  if (!body.destroyed) body.resume();
}

function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
}
