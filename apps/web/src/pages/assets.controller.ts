import { Controller, Get, Header, NotFoundException, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ThemeService } from '../theme/theme.service.js';
import { CurrentSite } from '../tenant/current-site.decorator.js';
import { TenantLookup } from '../tenant/tenant-lookup.js';
import type { RequestSite } from './page-renderer.js';
import { bytesReply, type WebAnswer } from './web-reply.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Stylesheets and logos, addressed by content version so browsers may cache them for a year. */
@Controller('assets')
export class AssetsController {
  constructor(
    private readonly theme: ThemeService,
    private readonly lookup: TenantLookup,
  ) {}

  @Get('css/:file')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', IMMUTABLE)
  base(@Param('file') file: string): string {
    const base = this.theme.baseCss();
    if (file !== `${base.version}.css`) throw new NotFoundException();
    return base.css;
  }

  @Get('theme/:file')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', IMMUTABLE)
  themeCss(@Param('file') file: string, @CurrentSite() site: RequestSite): string {
    const theme = this.theme.themeCss(site.tenant);
    if (file !== `${theme.version}.css`) throw new NotFoundException();
    return theme.css;
  }

  @Get('logo/:file')
  async logo(@Param('file') file: string, @CurrentSite() site: RequestSite, @Req() request: FastifyRequest): Promise<WebAnswer> {
    if (!site.tenant.branding.hasLogo) throw new NotFoundException();
    const logo = await this.lookup.logo(request.headers.host ?? '', request.id);
    if (file === `${site.tenant.themeVersion}.png` && logo.png) {
      return bytesReply(Buffer.from(logo.png, 'base64'), { 'content-type': 'image/png', 'cache-control': IMMUTABLE, 'x-content-type-options': 'nosniff' });
    }
    const svg = logo.svg;
    if (file !== `${site.tenant.themeVersion}.svg` || !svg) throw new NotFoundException();
    // An SVG is only ever an image here: its own CSP forbids scripts even if opened directly.
    return bytesReply(svg, { 'content-type': 'image/svg+xml', 'cache-control': IMMUTABLE, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" });
  }
}
