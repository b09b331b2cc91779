import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { UploadFlash, type FlashedError } from '../journey/upload-flash.js';
import type { SessionArea } from '../sessions/session-area.js';
import { UseSession } from '../sessions/session.interceptor.js';
import { TrackingCookie, type TrackingState } from './tracking-cookie.js';

/** The reporter's tracking state for one request: read, replaced or cleared, its forms' tokens, and errors flashed to the next page. */
export class TrackingSession {
  constructor(
    private readonly cookie: TrackingCookie,
    private readonly flash: UploadFlash,
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  read(force: string): TrackingState | undefined {
    return this.cookie.read(this.request, force);
  }

  fresh(force: string, carry: Partial<Pick<TrackingState, 'reference' | 'notice'>> = {}): TrackingState {
    return this.cookie.fresh(force, carry);
  }

  write(state: TrackingState): void {
    this.cookie.write(this.request, this.reply, state);
  }

  clear(): void {
    this.cookie.clear(this.request, this.reply);
  }

  validCsrf(state: TrackingState | undefined, token: unknown): boolean {
    return this.cookie.validCsrf(state, token);
  }

  takeFlash(path: string): FlashedError[] {
    return this.flash.take(this.request, this.reply, path);
  }

  writeFlash(path: string, errors: FlashedError[]): void {
    this.flash.write(this.request, this.reply, path, errors);
  }
}

/**
 * Tracking's session area: the steps of "track your report" kept in one signed cookie on /track
 * (see TrackingCookie); each page decides where someone without the step it needs goes.
 */
@Injectable()
export class TrackingSessions implements SessionArea<TrackingSession> {
  private readonly cookie: TrackingCookie;
  private readonly flash: UploadFlash;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cookie = new TrackingCookie(config.session.secret, config.environment === 'production');
    this.flash = new UploadFlash(config.environment === 'production');
  }

  /** The anti-forgery token of this state's forms (the cookie is also SameSite=Lax). */
  csrfToken(state: TrackingState): string {
    return this.cookie.csrfToken(state);
  }

  open(request: FastifyRequest, reply: FastifyReply): TrackingSession {
    return new TrackingSession(this.cookie, this.flash, request, reply);
  }
}

/** Tracking's pages: the handler takes the reporter's TrackingSession with @CurrentSession(). */
export const TrackingPage = () => UseSession(TrackingSessions);
