import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiClient } from './api-client.js';

@Controller('health')
export class HealthController {
  constructor(private readonly api: ApiClient) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready when the api (and through it the database) answers. */
  @Get('ready')
  async ready() {
    if (!(await this.api.ready())) throw new ServiceUnavailableException({ status: 'unavailable', api: 'unreachable' });
    return { status: 'ok', api: 'ok' };
  }
}
