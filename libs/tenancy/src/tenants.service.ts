import { Inject, Injectable } from '@nestjs/common';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { DataSource } from 'typeorm';
import { brandingVersion } from './branding.js';
import { localhostSlug, normaliseHost } from '@front-counter/public-kit';
import type { LanguageCode, PublicTenantModel } from './public-tenant.model.js';
import { issuerOf } from './tenant-identity.js';
import type { Tenant } from './tenant.entity.js';
import { tenantOfHostname, tenantWithDomains } from './tenants.repository.js';
import { RegistryChanges } from './registry-changes.js';
import { TenancyException } from './tenancy.exception.js';

/** Finds forces in the public registry (tenants, tenant_domains), which needs no tenant set. */
@Injectable()
export class TenantsService {
  /** Host to force, briefly (TENANT_CACHE_SECONDS): a page view costs no registry lookup. */
  private readonly byHost: TimedCache<string, Promise<Tenant | null>>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    changes: RegistryChanges,
  ) {
    this.byHost = new TimedCache({ ttlMs: config.web.tenantCacheSeconds * 1000, maxEntries: 10_000 });
    // Another instance (or tenant sync) changed a force: what this one cached may be stale.
    changes.subscribe(() => this.byHost.clear());
  }

  /** The force for a public request: by explicit slug, or else by the request's host. */
  async findPublic(lookup: { slug?: string | null; host?: string }): Promise<PublicTenantModel> {
    let tenant: Tenant | null;
    if (lookup.slug !== undefined && lookup.slug !== null) {
      if (!/^[a-z][a-z0-9-]{1,39}$/.test(lookup.slug)) throw TenancyException.invalidRequest('slug must be lower-case letters, digits and hyphens.');
      tenant = await this.findBySlug(lookup.slug);
    } else {
      tenant = await this.findByHost(lookup.host);
    }
    if (!tenant) throw TenancyException.notFound();
    return this.toPublic(tenant);
  }

  async findByHost(host: string | undefined): Promise<Tenant | null> {
    const hostname = normaliseHost(host);
    if (!hostname) return null;
    return this.byHost.getOrLoad(hostname, () => this.lookUpHost(hostname));
  }

  private async lookUpHost(hostname: string): Promise<Tenant | null> {
    const tenant = await tenantOfHostname(this.dataSource, hostname);
    if (tenant) return tenant;
    const slug = this.config.tenants.allowLocalhostSlugs ? localhostSlug(hostname) : undefined;
    return slug ? this.findBySlug(slug) : null;
  }

  async findById(id: string): Promise<Tenant | null> {
    return tenantWithDomains(this.dataSource, { id });
  }

  async findBySlug(slug: string): Promise<Tenant | null> {
    return tenantWithDomains(this.dataSource, { slug });
  }

  toPublic(tenant: Tenant): PublicTenantModel {
    const primary = tenant.domains?.find((domain) => domain.isPrimary) ?? tenant.domains?.[0];
    return {
      slug: tenant.slug,
      name: tenant.name,
      languages: tenant.languages as unknown as LanguageCode[],
      primaryDomain: primary?.hostname ?? `${tenant.slug}.localhost`,
      website: tenant.website,
      branding: {
        brandColour: tenant.branding.brandColour,
        secondaryColour: tenant.branding.secondaryColour,
        logoText: tenant.branding.logo.text,
        hasLogo: Boolean(tenant.branding.logoSvg || tenant.branding.logoPng),
        logoType: tenant.branding.logoSvg ? 'svg' : tenant.branding.logoPng ? 'png' : null,
        logoSvg: tenant.branding.logoSvg,
        logoPng: tenant.branding.logoPng ?? null,
      },
      contact: tenant.contact,
      promises: tenant.promises,
      themeVersion: brandingVersion(tenant.branding),
      staffSignIn: { issuer: issuerOf(tenant.identity, this.config.identity.defaultIssuerBase), clientId: tenant.identity.clientId ?? 'front-counter-staff', clientSecretEnv: tenant.identity.clientSecretEnv ?? null },
      suspended: tenant.status !== 'active',
    };
  }
}
