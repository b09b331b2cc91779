import { Inject, Injectable } from '@nestjs/common';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { normaliseHost } from '@front-counter/public-kit';
import { ApiClient, ApiError } from '../api-client.js';
import { PublicTenantDocument, TenantLogoDocument } from '../graphql/operations.generated.js';
import type { PublicTenant } from './public-tenant.js';

/**
 * Finds the force for a Host through the api, remembering answers (found or not) for a few seconds
 * (TENANT_CACHE_SECONDS) so a page view costs no extra round trip.
 */
@Injectable()
export class TenantLookup {
  /** Bounded: unknown hosts must not grow it without limit. */
  private readonly cache: TimedCache<string, Promise<PublicTenant | null>>;

  constructor(
    private readonly api: ApiClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new TimedCache({ ttlMs: config.web.tenantCacheSeconds * 1000, maxEntries: 10_000 });
  }

  async forHost(rawHost: string | undefined, requestId: string): Promise<PublicTenant | null> {
    const host = normaliseHost(rawHost);
    if (!host) return null;
    return this.cache.getOrLoad(host, () => this.lookUp(host, requestId));
  }

  private async lookUp(host: string, requestId: string): Promise<PublicTenant | null> {
    let tenant: PublicTenant | null;
    try {
      tenant = (await this.api.query(PublicTenantDocument, {}, { host, requestId })).tenant as PublicTenant;
    } catch (error) {
      if (!(error instanceof ApiError && error.codes.includes('TENANT_NOT_FOUND'))) throw error;
      tenant = null;
    }
    return tenant;
  }

  async logo(host: string, requestId: string): Promise<{ svg: string | null; png: string | null }> {
    const data = await this.api.query(TenantLogoDocument, {}, { host, requestId });
    return { svg: data.tenant.branding.logoSvg, png: data.tenant.branding.logoPng };
  }
}
