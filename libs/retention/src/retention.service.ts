import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '@front-counter/audit';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { TenantTransactions } from '@front-counter/database';
import { deleteFilesOfSubmission, deleteUnsentFilesOfDrafts, EvidenceService } from '@front-counter/evidence';
import { deleteEventsAbout, enqueue, pruneDelivered, type OutboxHandler } from '@front-counter/outbox';
import { deleteDrafts, deleteDraftsOfReport, deleteReport, draftsPastExpiry, settledReportsBefore } from '@front-counter/reports';
import { listForces } from '@front-counter/tenancy';
import { deleteObjectsHandler, storedObjectKeys } from './evidence-objects.js';
import { retentionCutoff, retentionPeriod, type RetentionPeriod } from './retention-policy.js';
import { reportFacts, retentionPolicies, type EvidenceFileObjects } from './retention.queries.js';

/** What one run did. */
export interface RetentionRun {
  /** The time the run worked to (the clock's, not the database's). */
  at: Date;
  reportsDeleted: number;
  draftsDeleted: number;
  outboxEventsPruned: number;
  /** Services whose newest national version sets no retention period: their reports were kept. */
  servicesWithoutRetention: string[];
  /** What could not be done; tried again on the next run. Ids and database messages only, never personal data. */
  failures: { forceId: string; reportId?: string; step: 'reports' | 'drafts' | 'outbox'; error: string }[];
}

/**
 * Retention: deletes each force's reports once they are past their service's retention period (counted
 * from when the report was settled), with everything of them, and drafts past their expiry; prunes
 * delivered outbox events. Force by force, each batch one transaction under the force's row-level
 * security. The stored objects of deleted evidence are recorded in the same transaction as an outbox
 * event and deleted when it is delivered, so a crash at any point leaves neither rows without their
 * deletion finishing on the next run, nor objects nobody will delete. Each deleted report leaves an
 * audit record holding no personal data: its reference, service, dates and counts of what went.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditService,
    private readonly evidence: EvidenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The outbox events retention writes, with their handlers, for the worker's dispatcher to deliver. */
  get outboxHandlers(): { 'evidence.delete-objects': OutboxHandler<'evidence.delete-objects'> } {
    return { 'evidence.delete-objects': deleteObjectsHandler(this.evidence.store) };
  }

  /** One run, as of `now`: every force, suspended ones too (a suspension deletes nothing and keeps nothing longer). */
  async run(now: Date): Promise<RetentionRun> {
    const run: RetentionRun = { at: now, reportsDeleted: 0, draftsDeleted: 0, outboxEventsPruned: 0, servicesWithoutRetention: [], failures: [] };
    const forces = await listForces(this.dataSource, { ordered: true });
    for (const { id: forceId } of forces) {
      const step = async (name: RetentionRun['failures'][number]['step'], work: () => Promise<void>) =>
        work().catch((error: unknown) => run.failures.push({ forceId, step: name, error: (error as Error).message }));
      await step('reports', () => this.deleteReportsPastRetention(forceId, now, run));
      await step('drafts', async () => void (run.draftsDeleted += await this.deleteExpiredDrafts(forceId, now)));
      await step('outbox', async () => void (run.outboxEventsPruned += await this.pruneDeliveredOutbox(forceId, now)));
    }
    return run;
  }

  private get batchSize(): number {
    return this.config.retention.batchSize;
  }

  private async deleteReportsPastRetention(forceId: string, now: Date, run: RetentionRun): Promise<void> {
    const policies = await this.transactions.run(forceId, (manager) => retentionPolicies(manager, forceId));
    for (const policy of policies) {
      const period = retentionPeriod(policy.national, policy.forceDays);
      if (!period) {
        if (!run.servicesWithoutRetention.includes(policy.serviceId)) run.servicesWithoutRetention.push(policy.serviceId);
        continue;
      }
      const cutoff = retentionCutoff(now, period.days);
      // Reports that failed this run are left for the next, not picked again in the next batch.
      const failed: string[] = [];
      for (;;) {
        const batch = await this.transactions.run(forceId, async (manager) => {
          const ids = await settledReportsBefore(manager, policy.serviceId, cutoff, this.batchSize, failed);
          let deleted = 0;
          for (const reportId of ids) {
            // One report that cannot be deleted does not hold back the rest of its batch.
            await manager.query('SAVEPOINT retention_report');
            try {
              if (await this.deleteReport(manager, forceId, reportId, period, now)) deleted++;
              await manager.query('RELEASE SAVEPOINT retention_report');
            } catch (error) {
              await manager.query('ROLLBACK TO SAVEPOINT retention_report');
              failed.push(reportId);
              run.failures.push({ forceId, reportId, step: 'reports', error: (error as Error).message });
            }
          }
          return { found: ids.length, deleted };
        });
        run.reportsDeleted += batch.deleted;
        if (batch.found < this.batchSize) break;
      }
    }
  }

  /** Deletes one locked report and everything of it, records its stored objects for deletion and audits it; false if it had gone already. */
  private async deleteReport(manager: EntityManager, forceId: string, reportId: string, period: RetentionPeriod, now: Date): Promise<boolean> {
    const facts = await reportFacts(manager, reportId);
    if (!facts) return false;
    // Its evidence files' rows (kept, so their stored objects can be deleted after), its drafts, then the report.
    const files = await deleteFilesOfSubmission(manager, facts.id, facts.draftId);
    const drafts = await deleteDraftsOfReport(manager, facts.id, facts.draftId);
    await deleteReport(manager, facts.id);
    // After the report and its drafts: the database keeps undelivered events of a report that still exists.
    const outboxEvents = await deleteEventsAbout(manager, { reportIds: [facts.id], draftIds: [facts.draftId] });
    const storedObjects = await this.recordObjectDeletions(manager, forceId, files);
    await this.audit.record(manager, {
      tenantId: forceId,
      actorType: 'system',
      action: 'report.deleted',
      subjectType: 'report',
      subjectId: facts.id,
      reason: `past its retention period: kept ${period.days} days after it was settled`,
      details: {
        reference: facts.reference,
        serviceId: facts.serviceId,
        formVersion: facts.formVersion,
        settledAs: facts.status,
        transferred: facts.transferred,
        submittedAt: new Date(facts.submittedAt).toISOString(),
        settledAt: new Date(facts.settledAt).toISOString(),
        deletedAsOf: now.toISOString(),
        retention: period,
        deleted: {
          answeredPages: facts.answeredPages,
          evidenceFiles: files.length,
          storedObjects,
          drafts,
          timelineEvents: facts.timelineEvents,
          duplicateLinks: facts.duplicateLinks,
          trackingCodes: facts.trackingCodes,
          trackingSessions: facts.trackingSessions,
          outboxEvents,
        },
      },
    });
    return true;
  }

  /** Deletes drafts past their expiry with the files stored for them, a batch to a transaction; returns how many. */
  private async deleteExpiredDrafts(forceId: string, now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.transactions.run(forceId, async (manager) => {
        const expired = await draftsPastExpiry(manager, now, this.batchSize);
        if (expired.length === 0) return { found: 0, deleted: 0 };
        const draftIds = expired.map((draft) => draft.id);
        const files = await deleteUnsentFilesOfDrafts(manager, draftIds);
        const drafts = await deleteDrafts(manager, draftIds);
        const outboxEvents = await deleteEventsAbout(manager, { draftIds });
        const storedObjects = await this.recordObjectDeletions(manager, forceId, files);
        await this.audit.record(manager, {
          tenantId: forceId,
          actorType: 'system',
          action: 'drafts.deleted',
          subjectType: 'draft',
          reason: 'past their expiry',
          details: { drafts, sent: expired.filter((draft) => draft.sent).length, evidenceFiles: files.length, storedObjects, outboxEvents, deletedAsOf: now.toISOString() },
        });
        return { found: expired.length, deleted: drafts };
      });
      total += batch.deleted;
      if (batch.found < this.batchSize) return total;
    }
  }

  /** Deletes delivered outbox events older than the configured period, a batch to a transaction; returns how many. */
  private async pruneDeliveredOutbox(forceId: string, now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.retention.keepDeliveredOutboxHours * 60 * 60 * 1000);
    let total = 0;
    for (;;) {
      const pruned = await this.transactions.run(forceId, (manager) => pruneDelivered(manager, before, this.batchSize));
      total += pruned;
      if (pruned < this.batchSize) return total;
    }
  }

  /** Writes the deleted files' stored objects as one pending deletion, in the caller's transaction; returns how many keys. */
  private async recordObjectDeletions(manager: EntityManager, forceId: string, files: EvidenceFileObjects[]): Promise<number> {
    const keys = storedObjectKeys(files);
    if (keys.length > 0) await enqueue(manager, forceId, 'evidence.delete-objects', { keys });
    return keys.length;
  }
}
