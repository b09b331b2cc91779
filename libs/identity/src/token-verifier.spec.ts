import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { IdentityException } from './identity.exception.js';
import { StaffRole } from './roles.js';
import { TokenVerifier, type TrustedIssuer } from './token-verifier.js';

const NORTHSHIRE: TrustedIssuer = { tenantId: '11111111-1111-4111-8111-111111111111', issuer: 'https://idp.example/realms/northshire', audience: 'front-counter', rolesClaim: 'realm_access.roles' };
const EASTMARCH: TrustedIssuer = { tenantId: '22222222-2222-4222-8222-222222222222', issuer: 'https://idp.example/realms/eastmarch', audience: 'front-counter', rolesClaim: 'groups' };

describe('TokenVerifier', () => {
  let keys: { northshire: CryptoKey; eastmarch: CryptoKey; stranger: CryptoKey };
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const [northshire, eastmarch, stranger] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256'), generateKeyPair('RS256')]);
    keys = { northshire: northshire.privateKey, eastmarch: eastmarch.privateKey, stranger: stranger.privateKey };
    const jwks = {
      [NORTHSHIRE.issuer]: createLocalJWKSet({ keys: [{ ...(await exportJWK(northshire.publicKey)), kid: 'n1', alg: 'RS256' }] }),
      [EASTMARCH.issuer]: createLocalJWKSet({ keys: [{ ...(await exportJWK(eastmarch.publicKey)), kid: 'e1', alg: 'ES256' }] }),
    };
    const trusted = new Map([NORTHSHIRE, EASTMARCH].map((issuer) => [issuer.issuer, issuer]));
    verifier = new TokenVerifier(async (issuer) => trusted.get(issuer) ?? null, (issuer) => jwks[issuer.issuer]);
  });

  const sign = (claims: JWTPayload, options: { key?: CryptoKey; alg?: string; kid?: string; issuer?: string; audience?: string; expires?: string } = {}) =>
    new SignJWT({ typ: 'Bearer', realm_access: { roles: ['call-handler'] }, ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'n1' })
      .setIssuer(options.issuer ?? NORTHSHIRE.issuer)
      .setAudience(options.audience ?? 'front-counter')
      .setSubject('handler-1')
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '5m')
      .sign(options.key ?? keys.northshire);

  it('accepts a force’s access token; the tenant comes from its issuer and only known roles count', async () => {
    const token = await sign({ realm_access: { roles: ['call-handler', 'supervisor', 'superuser', 'offline_access'] }, preferred_username: 'pc.jones' });
    await expect(verifier.verify(token)).resolves.toEqual({
      tenantId: NORTHSHIRE.tenantId,
      subject: 'handler-1',
      name: 'pc.jones',
      roles: [StaffRole.CallHandler, StaffRole.Supervisor],
      issuer: NORTHSHIRE.issuer,
      expiresAt: expect.any(Date),
    });
  });

  it('reads roles from the claim each issuer is configured with', async () => {
    const token = await sign({ groups: ['force-admin'] }, { key: keys.eastmarch, alg: 'ES256', kid: 'e1', issuer: EASTMARCH.issuer });
    await expect(verifier.verify(token)).resolves.toMatchObject({ tenantId: EASTMARCH.tenantId, roles: [StaffRole.ForceAdmin] });
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    ['a wrong audience', () => sign({}, { audience: 'another-service' }), /aud/],
    ['an untrusted issuer', () => sign({}, { issuer: 'https://idp.example/realms/elsewhere' }), /not trusted/],
    ['another force’s issuer with this force’s key', () => sign({}, { issuer: EASTMARCH.issuer }), /ERR_JWKS_NO_MATCHING_KEY|signature/],
    ['a key the issuer never published', () => sign({}, { key: keys.stranger }), /signature/],
    ['an expired token', () => sign({}, { expires: '-5m' }), /exp/],
    ['an ID token in place of an access token', () => sign({ typ: 'ID', nonce: 'n' }), /ID token/],
    ['alg: none', async () => `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: NORTHSHIRE.issuer, aud: 'front-counter', sub: 'x', exp: 9999999999 })).toString('base64url')}.`, /not a signed JWT|algorithm none/],
    ['an HMAC-signed token', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(NORTHSHIRE.issuer).setAudience('front-counter').setSubject('x').setExpirationTime('5m').sign(new TextEncoder().encode('a-guessable-shared-secret-value!')), /algorithm HS256 is not allowed/],
    ['a tampered payload', async () => { const [header, , signature] = (await sign({})).split('.'); return `${header}.${Buffer.from(JSON.stringify({ iss: NORTHSHIRE.issuer, aud: 'front-counter', sub: 'admin', exp: 9999999999, realm_access: { roles: ['national-admin'] } })).toString('base64url')}.${signature}`; }, /signature/],
    ['rubbish', async () => 'not-a-token', /not a signed JWT/],
  ];

  it.each(refused)('refuses %s with one 401 answer, the reason kept for the log', async (_case, make, reason) => {
    const attempt = verifier.verify(await make());
    await expect(attempt).rejects.toBeInstanceOf(IdentityException);
    await expect(verifier.verify(await make())).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED', publicMessage: expect.stringMatching(/^Sign in again/), reason: expect.stringMatching(reason) });
  });

  it('refuses a missing token', async () => {
    await expect(verifier.verify(undefined)).rejects.toMatchObject({ status: 401 });
  });
});
