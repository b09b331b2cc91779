import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@front-counter/database';
import type { StaffIdentity } from '@front-counter/identity';
import { administeredForce } from './administered-force.js';
import { figures, type ForceFigures } from './figures.queries.js';

export type { DailyCount, ForceFigures } from './figures.queries.js';

const MAX_DAYS = 366;

/**
 * Figures of a force's reports over the last `days` days (Europe/London days), computed inside the
 * force's own tenant transaction (row-level security applies): reports per service per day, the share
 * triaged within the force's own target, the share first replied to within 48 hours, breaches and
 * channels.
 */
@Injectable()
export class FiguresService {
  constructor(private readonly transactions: TenantTransactions) {}

  async forForce(staff: StaffIdentity, days: number): Promise<ForceFigures> {
    return this.of(administeredForce(staff), days);
  }

  /** For the national view: the caller has checked the national programme team's permission. */
  of(tenantId: string, days: number): Promise<ForceFigures> {
    const span = Math.min(Math.max(Math.trunc(days) || 30, 1), MAX_DAYS);
    return this.transactions.run(tenantId, (manager) => figures(manager, span));
  }
}
