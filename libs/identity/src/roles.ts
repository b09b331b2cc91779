/** Staff roles. Anything a token claims beyond these is ignored; deny by default. */
export enum StaffRole {
  CallHandler = 'call-handler',
  Supervisor = 'supervisor',
  ForceAdmin = 'force-admin',
  NationalAdmin = 'national-admin',
  /**
   * A force's records system, signed in as an OAuth2 client (client credentials) of the force's realm
   * whose service account has this role: it sends reports' crime numbers, status updates and messages
   * for the reporter. Never a person: it opens no staff page.
   */
  BackOffice = 'back-office',
}

const KNOWN = new Set<string>(Object.values(StaffRole));

export function knownRoles(claimed: unknown): StaffRole[] {
  return Array.isArray(claimed) ? [...new Set(claimed.filter((role): role is StaffRole => typeof role === 'string' && KNOWN.has(role)))].sort() : [];
}
