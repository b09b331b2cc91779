import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';

export interface TokenOptions {
  realm: string;
  roles?: string[];
  subject?: string;
  name?: string;
  audience?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Keycloak's typ claim: "Bearer" for access tokens, "ID" for ID tokens. */
  typ?: string;
  extraClaims?: Record<string, unknown>;
  /** Sign with a key this issuer does not publish. */
  foreignKey?: boolean;
  /** Put another issuer in the token. */
  issuer?: string;
}

export interface TestIssuer {
  /** Base URL: realms are `${url}/realms/<realm>`, as on Keycloak. */
  url: string;
  issuerFor(realm: string): string;
  token(options: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * A minimal OIDC issuer for tests that need tokens shaped on purpose (expired, wrong audience, signed
 * by another key): one RSA key published at every realm's Keycloak-style JWKS address. The product
 * fetches the keys over real HTTP exactly as it does from Keycloak.
 */
export async function startTestIssuer(): Promise<TestIssuer> {
  const own = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(own.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((request, response) => {
    if (/^\/realms\/[a-z0-9-]+\/protocol\/openid-connect\/certs$/.test(request.url ?? '')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuerFor = (realm: string) => `${url}/realms/${realm}`;
  return {
    url,
    issuerFor,
    async token(options) {
      const key: CryptoKey = options.foreignKey ? foreign.privateKey : own.privateKey;
      const subject = options.subject ?? `${options.realm}-${(options.roles ?? ['none']).join('-')}`;
      return new SignJWT({
        typ: options.typ ?? 'Bearer',
        azp: 'front-counter-staff',
        name: options.name ?? `Test ${(options.roles ?? []).join(' ')} (${options.realm})`,
        preferred_username: subject,
        realm_access: { roles: options.roles ?? [] },
        ...options.extraClaims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(options.issuer ?? issuerFor(options.realm))
        .setSubject(subject)
        .setAudience(options.audience ?? 'front-counter')
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 300))
        .sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
