import { AccessException, isAllowed, Permission, type StaffIdentity } from '@front-counter/identity';

/** The force a force administrator administers: their verified token's. Anyone else: "not found". */
export function administeredForce(staff: StaffIdentity): string {
  if (!isAllowed(staff, Permission.AdministerForce) || !staff.tenantId) throw AccessException.notFoundOrNoAccess();
  return staff.tenantId;
}
