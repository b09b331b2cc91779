import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import type { SessionArea } from '../sessions/session-area.js';
import { UseSession } from '../sessions/session.interceptor.js';
import { Sessions } from './session.js';
import { UploadFlash, type FlashedError } from './upload-flash.js';

/** The reporter's journey session for one request: its token, its forms' tokens, and errors flashed to the next page. */
export class JourneySession {
  constructor(
    private readonly sessions: Sessions,
    private readonly flash: UploadFlash,
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  current(): string | undefined {
    return this.sessions.current(this.request);
  }

  /** The current session, or a new one set on the reply. */
  ensure(): string {
    return this.sessions.ensure(this.request, this.reply);
  }

  csrfToken(session: string): string {
    return this.sessions.csrfToken(session);
  }

  validCsrf(session: string | undefined, token: unknown): boolean {
    return this.sessions.validCsrf(session, token);
  }

  takeFlash(path: string): FlashedError[] {
    return this.flash.take(this.request, this.reply, path);
  }

  writeFlash(path: string, errors: FlashedError[]): void {
    this.flash.write(this.request, this.reply, path, errors);
  }
}

/**
 * The public journey's session area: no session is required (each page decides where someone
 * without one goes, and a start page makes one); forms carry a token derived from the session.
 */
@Injectable()
export class JourneySessions implements SessionArea<JourneySession> {
  private readonly sessions: Sessions;
  private readonly flash: UploadFlash;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.sessions = new Sessions(config.session.secret, config.environment === 'production');
    this.flash = new UploadFlash(config.environment === 'production');
  }

  /** A form's anti-forgery token, bound to the session (the cookie is also SameSite=Lax). */
  csrfToken(session: string): string {
    return this.sessions.csrfToken(session);
  }

  open(request: FastifyRequest, reply: FastifyReply): JourneySession {
    return new JourneySession(this.sessions, this.flash, request, reply);
  }
}

/** The journey's pages: the handler takes the reporter's JourneySession with @CurrentSession(). */
export const JourneyPage = () => UseSession(JourneySessions);
