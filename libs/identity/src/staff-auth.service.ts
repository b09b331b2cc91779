import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TimedCache } from '@front-counter/caching';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { forceIdentities, issuerOf, RegistryChanges } from '@front-counter/tenancy';
import { TokenVerifier, type StaffIdentity, type TrustedIssuer } from './token-verifier.js';

interface TenantIdentityRow {
  id: string;
  slug: string;
  identity: { realm: string; issuer?: string; audience: string; rolesClaim?: string };
}

/**
 * Authenticates staff requests: the bearer token's issuer must be one a force (or the national team)
 * trusts, and that decides the force. Forces' issuers are read from the public tenant registry and
 * cached briefly, so a newly onboarded force can sign in without a restart.
 */
@Injectable()
export class StaffAuthService {
  /** The forces' issuers as last read, under one key: kept for TENANT_CACHE_SECONDS (at least a second). */
  private readonly issuers: TimedCache<'forces', { loadedAt: number; byIssuer: Map<string, TrustedIssuer> }>;
  private readonly verifier = new TokenVerifier((issuer) => this.trustedIssuer(issuer));

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    changes: RegistryChanges,
  ) {
    this.issuers = new TimedCache({ ttlMs: Math.max(config.web.tenantCacheSeconds, 1) * 1000, maxEntries: 1 });
    // A force onboarded, or its identity provider changed, on any instance: read the issuers again.
    changes.subscribe((change) => {
      if (change.table === 'tenants') this.issuers.clear();
    });
  }

  private async trustedIssuer(issuer: string): Promise<TrustedIssuer | null> {
    const { national } = this.config.identity;
    if (issuer === national.issuer) return { tenantId: null, force: 'national', issuer, audience: national.audience, rolesClaim: 'realm_access.roles' };
    let known = this.issuers.get('forces');
    // An unknown issuer re-reads the registry, so a force onboarded a moment ago is found; at most once
    // a second, so tokens naming made-up issuers cannot cost a registry query each.
    if (!known || (!known.byIssuer.has(issuer) && Date.now() - known.loadedAt > 1000)) {
      // Suspended forces included: a suspension stops new reports, not the work on the ones it has.
      const rows: TenantIdentityRow[] = await forceIdentities(this.dataSource);
      const byIssuer = new Map<string, TrustedIssuer>();
      for (const row of rows) {
        const trusted = issuerOf(row.identity, this.config.identity.defaultIssuerBase);
        if (trusted === null) continue; // no staff sign-in for this force (production without IDP_URL or an issuer of its own)
        byIssuer.set(trusted, { tenantId: row.id, force: row.slug, issuer: trusted, audience: row.identity.audience, rolesClaim: row.identity.rolesClaim ?? 'realm_access.roles' });
      }
      known = { loadedAt: Date.now(), byIssuer };
      this.issuers.set('forces', known);
    }
    return known.byIssuer.get(issuer) ?? null;
  }

  /** Verifies `Authorization: Bearer <token>`; throws IdentityException (401) for anything else. */
  async authenticate(authorization: string | undefined): Promise<StaffIdentity> {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
    return this.verifier.verify(match?.[1]);
  }
}
