import { randomUUID } from 'node:crypto';
import { Controller, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { WebBadRequest } from '../bad-requests/bad-request.js';
import { discardParts, formParts, partsFailure } from '../bad-requests/multipart-parts.js';
import { UploadFlash } from '../journey/upload-flash.js';
import { PageRenderer, type RequestSite } from '../pages/page-renderer.js';
import { jsonReply } from '../pages/web-reply.js';
import { CurrentSession } from '../sessions/session.interceptor.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { TrackingApi, type TrackingError } from './tracking-api.js';
import { TrackingPageController } from './tracking-page-controller.js';
import { TrackingPage, type TrackingSession, TrackingSessions } from './tracking-sessions.js';
import { trackingText } from './tracking-text.js';

/** The reporter adds files to a tracked report. */
@Controller('track')
@TrackingPage()
export class TrackingFilesController extends TrackingPageController {
  constructor(api: TrackingApi, pages: PageRenderer, sessions: TrackingSessions) {
    super(api, pages, sessions);
  }

  /**
   * The reporter adds files (multipart, works without JavaScript): each is streamed on to the api as
   * it arrives, after the form's anti-forgery field, which comes first. Refusals name the file. The
   * api holds the form's files until the whole form has been read, then they go on the report
   * together; a form that breaks part-way (cut off, over a limit, text the site cannot keep) is
   * refused with a page saying what was wrong, and the files it had sent are discarded.
   */
  @Post('report/files')
  async addFiles(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest, @CurrentSession() cookie: TrackingSession) {
    const state = cookie.read(site.tenant.slug);
    if (!state?.token || !request.isMultipart()) {
      // A form that cannot be read is refused as such, even where the visitor is sent elsewhere.
      if (request.isMultipart()) await discardParts(request);
      return state?.token ? this.redirect('/track/report') : this.timedOut(cookie, site, state);
    }
    const errors: TrackingError[] = [];
    const batch = randomUUID();
    let csrf: string | undefined;
    let added = 0;
    const discard = () =>
      added === 0 ? Promise.resolve() : this.api.discardFiles(request, state.token!, batch).catch((error: Error) => request.log.warn({ err: { message: error.message } }, 'the files of a broken form were left for the clean-up'));
    try {
      for await (const part of formParts(request)) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf' && csrf !== undefined) throw new WebBadRequest('malformed-form');
          if (part.fieldname === '_csrf') csrf = String(part.value ?? '');
          continue;
        }
        if (part.fieldname !== 'files' || !part.filename || !cookie.validCsrf(state, csrf ?? '')) {
          part.file.resume();
          continue;
        }
        const outcome = await this.api.uploadFile(request, state.token, batch, part.filename, part.file);
        const name = part.filename.replace(/^.*[\\/]/, '').slice(0, 100);
        if ('error' in outcome) {
          if (outcome.error.code === 'TRACKING_SESSION_ENDED') {
            await discard();
            return this.timedOut(cookie, site, state);
          }
          errors.push({ field: 'files', message: { en: `${name}: ${outcome.error.message.en}`, cy: `${name}: ${outcome.error.message.cy}` } });
        } else added++;
      }
    } catch (error) {
      await discard();
      throw partsFailure(error, request);
    }
    if (added > 0 && !(await this.api.confirmFiles(request, state.token, batch))) return this.timedOut(cookie, site, state);
    if (!cookie.validCsrf(state, csrf ?? '')) return this.redirect('/track/report');
    if (added === 0 && errors.length === 0) errors.push({ field: 'files', message: { en: trackingText('en', 'chooseFile'), cy: trackingText('cy', 'chooseFile') } });
    const fromScript = UploadFlash.fromScript(request);
    if (errors.length > 0 && fromScript) {
      if (added > 0) cookie.write({ ...state, notice: 'files-added' });
      cookie.writeFlash('/track/report', errors);
      return jsonReply({ location: '/track/report' });
    }
    if (errors.length > 0) {
      const tracked = await this.api.report(request, state.token);
      if (!tracked.report) return this.timedOut(cookie, site, state);
      return this.html(this.reportPage(site, request, { ...state, token: state.token }, tracked.report, { value: '', errors: [], sent: false, filesAdded: added > 0, fileErrors: errors }), 400);
    }
    cookie.write({ ...state, notice: 'files-added' });
    if (fromScript) return jsonReply({ location: '/track/report' });
    return this.redirect('/track/report');
  }
}
