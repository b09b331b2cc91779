// Identity: staff bearer tokens (OIDC access tokens from each force's Keycloak realm or other
// provider) verified against the issuer's keys; the tenant comes from the verified issuer only.
// One access policy decides what each role may do.
export { TokenVerifier, ALLOWED_ALGORITHMS, type TrustedIssuer, type StaffIdentity } from './token-verifier.js';
export { StaffRole, knownRoles } from './roles.js';
export { IdentityException, IdentityErrorCode } from './identity.exception.js';
export { AccessException, AccessErrorCode } from './access.exception.js';
export { Permission, isAllowed, permissionsOf } from './access-policy.js';
export { StaffAuthService } from './staff-auth.service.js';
export { StaffGuard, StaffOnly, CurrentStaff, setRequestStaff, requestStaff } from './staff-guard.js';
export { IdentityModule } from './identity.module.js';
