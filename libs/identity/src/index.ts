// Identity: staff bearer tokens (OIDC access tokens from each force's Keycloak realm or other
// provider) verified against the issuer's keys; the tenant comes from the verified issuer only.
export { TokenVerifier, ALLOWED_ALGORITHMS, type TrustedIssuer, type StaffIdentity } from './token-verifier.js';
export { StaffRole, knownRoles } from './roles.js';
export { IdentityException, IdentityErrorCode } from './identity.exception.js';
