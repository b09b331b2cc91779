import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { DataSource } from 'typeorm';
import { brandingVersion } from './branding.js';
import { localhostSlug, normaliseHost } from '@front-counter/public-kit';
import type { LanguageCode, PublicTenantModel } from './public-tenant.model.js';
import { TenantDomain } from './tenant-domain.entity.js';
import { issuerOf } from './tenant-identity.js';
import { Tenant } from './tenant.entity.js';
import { RegistryChanges } from './registry-changes.js';
import { TenancyException } from './tenancy.exception.js';

/** Finds forces in the public registry (tenants, tenant_domains), which needs no tenant set. */
@Injectable()
export class TenantsService {
  /** Host to force, briefly (TENANT_CACHE_SECONDS): a page view costs no registry lookup. */
  private readonly byHost = new Map<string, { tenant: Tenant | null; expires: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    changes: RegistryChanges,
  ) {
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
    const cached = this.byHost.get(hostname);
    if (cached && cached.expires > Date.now()) return cached.tenant;
    const tenant = await this.lookUpHost(hostname);
    if (this.byHost.size > 10_000) this.byHost.clear();
    this.byHost.set(hostname, { tenant, expires: Date.now() + this.config.web.tenantCacheSeconds * 1000 });
    return tenant;
  }

  private async lookUpHost(hostname: string): Promise<Tenant | null> {
    const domain = await this.dataSource.getRepository(TenantDomain).findOne({ where: { hostname }, relations: { tenant: { domains: true } } });
    if (domain?.tenant) return domain.tenant;
    const slug = this.config.tenants.allowLocalhostSlugs ? localhostSlug(hostname) : undefined;
    return slug ? this.findBySlug(slug) : null;
  }

  async findById(id: string): Promise<Tenant | null> {
    return this.dataSource.getRepository(Tenant).findOne({ where: { id }, relations: { domains: true } });
  }

  async findBySlug(slug: string): Promise<Tenant | null> {
    return this.dataSource.getRepository(Tenant).findOne({ where: { slug }, relations: { domains: true } });
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
