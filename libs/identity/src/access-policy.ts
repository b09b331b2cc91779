import { StaffRole } from './roles.js';
import type { StaffIdentity } from './token-verifier.js';

/** What staff may do. Every operation names one; a role has only what is listed here (deny by default). */
export enum Permission {
  /** Sign in to the force's staff pages and see who one is (every force role). */
  SignIn = 'staff:sign-in',
  /** See the force's queue (no personal data). */
  ReadQueue = 'queue:read',
  /** Open a report with its personal data (each read is audited with its reason). */
  ReadReport = 'report:read',
  /** Claim, assess (THRIVE) and decide on reports. */
  WorkReport = 'report:work',
  /** See SLA breaches as they happen; release another handler's claim. */
  Supervise = 'queue:supervise',
  /** Configure the force's site, forms and rules. */
  AdministerForce = 'force:administer',
  /** Send a report's reference, status and messages for the reporter from the force's records system. */
  UpdateFromBackOffice = 'report:back-office-update',
  /** Onboard forces and roll out national services (the national programme team's realm only). */
  AdministerNational = 'national:administer',
}

const GRANTS: Record<StaffRole, readonly Permission[]> = {
  [StaffRole.CallHandler]: [Permission.SignIn, Permission.ReadQueue, Permission.ReadReport, Permission.WorkReport],
  [StaffRole.Supervisor]: [Permission.SignIn, Permission.ReadQueue, Permission.ReadReport, Permission.WorkReport, Permission.Supervise],
  [StaffRole.ForceAdmin]: [Permission.SignIn, Permission.AdministerForce],
  [StaffRole.NationalAdmin]: [Permission.AdministerNational],
  [StaffRole.BackOffice]: [Permission.UpdateFromBackOffice],
};

const NATIONAL = new Set([Permission.AdministerNational]);

/**
 * The one access policy. A force's permissions need a token from that force's issuer (a tenant); the
 * national permission needs the national realm's (no tenant): a national-admin role claimed in a
 * force's realm grants nothing, nor a force role in the national realm.
 */
export function isAllowed(identity: StaffIdentity | null | undefined, permission: Permission): boolean {
  if (!identity) return false;
  const national = NATIONAL.has(permission);
  if (national !== (identity.tenantId === null)) return false;
  return identity.roles.some((role) => GRANTS[role]?.includes(permission));
}

export function permissionsOf(identity: StaffIdentity): Permission[] {
  return Object.values(Permission).filter((permission) => isAllowed(identity, permission));
}
