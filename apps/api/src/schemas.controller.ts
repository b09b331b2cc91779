import { Controller, Get, Header } from '@nestjs/common';
import { REPORT_DOCUMENT_SCHEMA_V1 } from '@front-counter/report-document';

/** The published JSON Schemas of what forces' systems receive, for their developers and validators. */
@Controller('schemas')
export class SchemasController {
  @Get('report/v1.json')
  @Header('content-type', 'application/schema+json; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  @Header('access-control-allow-origin', '*')
  reportV1() {
    return REPORT_DOCUMENT_SCHEMA_V1;
  }
}
