import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { IdentityException } from './identity.exception.js';
import { knownRoles, type StaffRole } from './roles.js';

/** Signatures we accept: asymmetric only (no `none`, no HMAC with a guessable secret). */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384'];

/** What a force (or the national team) trusts: its issuer, the audience tokens must be for, where roles are. */
export interface TrustedIssuer {
  /** The tenant this issuer signs for (null: the national programme team's realm). */
  tenantId: string | null;
  /** That tenant's slug, for logs and metrics only (never for access decisions). */
  force?: string;
  issuer: string;
  audience: string;
  /** Dotted path of the roles claim; Keycloak's is realm_access.roles. */
  rolesClaim: string;
  /** Where the issuer's signing keys are; defaults to Keycloak's `<issuer>/protocol/openid-connect/certs`. */
  jwksUri?: string;
}

export interface StaffIdentity {
  tenantId: string | null;
  /** The force's slug, for logs and metrics only: access decisions use tenantId. */
  force?: string;
  subject: string;
  name: string | null;
  roles: StaffRole[];
  issuer: string;
  expiresAt: Date;
  /** The OAuth2 client the token was issued to (`azp`), e.g. the force's records system. */
  client?: string;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), payload);
}

/**
 * Verifies staff bearer tokens: signature against the issuer's JWKS, an algorithm allow-list, an
 * issuer that must be one a tenant trusts (which decides the tenant: never a header or argument),
 * the audience, expiry, and that it is an access token, not an ID token.
 */
export class TokenVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(
    private readonly issuers: (issuer: string) => Promise<TrustedIssuer | null>,
    private readonly keySetFor: (trusted: TrustedIssuer) => JWTVerifyGetKey = (trusted) => createRemoteJWKSet(new URL(trusted.jwksUri ?? `${trusted.issuer}/protocol/openid-connect/certs`)),
  ) {}

  async verify(token: string | undefined): Promise<StaffIdentity> {
    if (!token || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new IdentityException('no bearer token, or not a signed JWT');
    let issuerClaim: unknown;
    try {
      const header = decodeProtectedHeader(token);
      if (!ALLOWED_ALGORITHMS.includes(String(header.alg))) throw new IdentityException(`algorithm ${String(header.alg)} is not allowed`);
      issuerClaim = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).iss;
    } catch (error) {
      if (error instanceof IdentityException) throw error;
      throw new IdentityException('token cannot be decoded');
    }
    const trusted = typeof issuerClaim === 'string' ? await this.issuers(issuerClaim) : null;
    if (!trusted) throw new IdentityException(`issuer ${String(issuerClaim).slice(0, 200)} is not trusted by any force`);
    let keySet = this.keySets.get(trusted.issuer);
    if (!keySet) this.keySets.set(trusted.issuer, (keySet = this.keySetFor(trusted)));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, { issuer: trusted.issuer, audience: trusted.audience, algorithms: ALLOWED_ALGORITHMS, requiredClaims: ['exp', 'sub'], clockTolerance: 30 }));
    } catch (error) {
      const reason = error instanceof errors.JOSEError ? `${error.code}: ${error.message}` : String(error);
      throw new IdentityException(reason);
    }
    // Keycloak marks access tokens typ "Bearer" and ID tokens typ "ID"; an ID token carries a nonce or at_hash.
    if (payload.typ === 'ID' || payload.nonce !== undefined || payload.at_hash !== undefined) throw new IdentityException('an ID token was given where an access token is needed');
    return {
      tenantId: trusted.tenantId,
      force: trusted.force,
      subject: String(payload.sub),
      name: typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : null,
      roles: knownRoles(claimAt(payload, trusted.rolesClaim)),
      issuer: trusted.issuer,
      expiresAt: new Date(Number(payload.exp) * 1000),
      ...(typeof payload.azp === 'string' ? { client: payload.azp } : {}),
    };
  }
}
