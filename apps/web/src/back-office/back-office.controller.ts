import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { onwardHeaders } from '@front-counter/logging';
import { jsonReply, type WebAnswer } from '../pages/web-reply.js';

const FILE_HEADERS = ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'cache-control', 'content-security-policy'];

/**
 * A force's back-office system downloads a report's evidence through the links in the report
 * document, on the force's own site: the signed link is the capability (valid DELIVERY_LINK_HOURS),
 * the api checks it and the file again and audits the download as the destination it was made for.
 */
@Controller('back-office')
export class BackOfficeController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('evidence/:token')
  async evidence(@Param('token') token: string, @Req() request: FastifyRequest): Promise<WebAnswer> {
    const response = /^[\w-]+\.[\w-]+$/.test(token) && token.length < 2000 ? await fetch(`${this.config.api.url}/evidence/${encodeURIComponent(token)}`, { headers: onwardHeaders(String(request.id)) }) : null;
    if (!response?.ok || !response.body) {
      await response?.body?.cancel();
      return jsonReply({ error: 'NOT_FOUND', message: 'This link has expired or does not exist' }, 404, { 'cache-control': 'no-store' });
    }
    const headers = new Headers();
    for (const header of FILE_HEADERS) {
      const value = response.headers.get(header);
      if (value) headers.set(header, value);
    }
    return new Response(response.body, { status: 200, headers });
  }
}
