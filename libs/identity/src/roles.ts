/** Staff roles. Anything a token claims beyond these is ignored; deny by default. */
export enum StaffRole {
  CallHandler = 'call-handler',
  Supervisor = 'supervisor',
  ForceAdmin = 'force-admin',
  NationalAdmin = 'national-admin',
}

const KNOWN = new Set<string>(Object.values(StaffRole));

export function knownRoles(claimed: unknown): StaffRole[] {
  return Array.isArray(claimed) ? [...new Set(claimed.filter((role): role is StaffRole => typeof role === 'string' && KNOWN.has(role)))].sort() : [];
}
