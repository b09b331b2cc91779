import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { PageRenderer, type RequestSite } from './page-renderer.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Development only (never registered in production): the e-mail this force's site has sent, as
 * written to DATA_DIR/mail when no SMTP server is configured, newest first. It lists tracking codes
 * and resume links, so it answers only a connection made to and from this machine's loopback
 * address, even when the site listens on every interface (HOST=0.0.0.0).
 */
@Controller('dev/mail')
export class DevMailController {
  constructor(
    private readonly pages: PageRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  mailbox(@CurrentSite() site: RequestSite, @Req() request: FastifyRequest): string {
    const { localAddress, remoteAddress } = request.raw.socket;
    if (!LOOPBACK.test(localAddress ?? '') || !LOOPBACK.test(remoteAddress ?? '')) throw new NotFoundException();
    const directory = this.config.mail.directory;
    const messages = existsSync(directory)
      ? readdirSync(directory)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .reverse()
          .slice(0, 50)
          .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as { to: string; subject: string; text: string; tenant: string; sentAt: string })
          .filter((message) => message.tenant === site.tenant.slug)
      : [];
    return this.pages.render(site, request, 'dev-mail', { pageTitle: 'Development mailbox', messages, directory });
  }
}
