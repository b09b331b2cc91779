import { Injectable } from '@nestjs/common';
import { AuditService } from '@front-counter/audit';
import { TenantTransactions } from '@front-counter/database';
import { notifyReportChange, recordReportEvent } from '@front-counter/reports';

/**
 * Marks SLA breaches as their deadlines pass (the worker calls it every few seconds), so each is a
 * step in the report's timeline and open supervisor pages hear of it at once.
 */
@Injectable()
export class SlaMonitor {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditService,
  ) {}

  /** Returns how many breaches were newly marked, force by force. */
  async markBreaches(tenantIds: string[]): Promise<number> {
    let marked = 0;
    for (const tenantId of tenantIds) {
      marked += await this.transactions.run(tenantId, async (manager) => {
        // An UPDATE through TypeORM's query() answers [rows, affected].
        const [triage]: [{ id: string }[], number] = await manager.query(
          `UPDATE reports SET triage_breached_at = now() WHERE triaged_at IS NULL AND triage_breached_at IS NULL AND triage_by < now() AND status <> 'closed' RETURNING id`,
        );
        const [reply]: [{ id: string }[], number] = await manager.query(
          `UPDATE reports SET reply_breached_at = now() WHERE first_reply_at IS NULL AND reply_breached_at IS NULL AND reply_by < now() AND status <> 'closed' RETURNING id`,
        );
        for (const [rows, kind] of [[triage, 'triage'], [reply, 'reply']] as const) {
          for (const { id } of rows) {
            await recordReportEvent(manager, { tenantId, reportId: id, kind: `sla-breached:${kind}`, actorType: 'system' });
            await this.audit.record(manager, { tenantId, actorType: 'system', action: `report.sla-breached`, subjectType: 'report', subjectId: id, details: { deadline: kind } });
            await notifyReportChange(manager, { tenantId, reportId: id, kind: `sla-breached:${kind}` });
          }
        }
        return triage.length + reply.length;
      });
    }
    return marked;
  }
}
