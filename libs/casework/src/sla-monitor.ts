import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@front-counter/database';
import { ReportLife } from '@front-counter/reports';

/**
 * Marks SLA breaches as their deadlines pass (the worker calls it every few seconds), so each is a
 * step in the report's timeline and open supervisor pages hear of it at once.
 */
@Injectable()
export class SlaMonitor {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly life: ReportLife,
  ) {}

  /** Returns how many breaches were newly marked, force by force. */
  async markBreaches(tenantIds: string[]): Promise<number> {
    let marked = 0;
    for (const tenantId of tenantIds) {
      marked += await this.transactions.run(tenantId, (manager) => this.life.deadlinesMissed(manager, tenantId));
    }
    return marked;
  }
}
