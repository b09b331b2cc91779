import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@front-counter/config';
import { DELIVERY_DOCUMENTS, type DeliveryDocuments, type ReportDocumentData } from '@front-counter/deliveries';
import { EvidenceModule, EvidenceService } from '@front-counter/evidence';
import { FormCatalogue, type FormAnswers } from '@front-counter/forms';
import { localText } from '@front-counter/public-kit';
import { buildReportDocument, type ReportStatusName, type TriageDecisionName } from '@front-counter/report-document';
import { findReport, ReportLife, ReportsModule } from '@front-counter/reports';
import { forceSiteUrl, primaryHostname, tenantById } from '@front-counter/tenancy';
import { duplicateLinks, staffTimeline } from './queue.queries.js';

/**
 * The deliveries library's view of a report (its DeliveryDocuments port): the canonical report
 * document built from the report, its form version, routing, duplicates, triage decisions and
 * evidence (with links for the back office on the force's site), and the report's life for the
 * reference a receiving system answers with.
 */
@Injectable()
export class DeliveryDocumentsAdapter implements DeliveryDocuments {
  constructor(
    private readonly catalogue: FormCatalogue,
    private readonly evidence: EvidenceService,
    private readonly life: ReportLife,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async documentsFor(manager: EntityManager, input: { tenantId: string; reportId: string; destinations: string[]; linkHours: number }): Promise<Map<string, ReportDocumentData>> {
    const documents = new Map<string, ReportDocumentData>();
    const report = await findReport(manager, { id: input.reportId });
    const tenant = await tenantById(manager, input.tenantId);
    if (!report || !tenant || input.destinations.length === 0) return documents;
    const version = await this.catalogue.published(input.tenantId, report.formVersionId);
    if (!version) return documents;
    // Read once for every destination; only the evidence links are each destination's own.
    const site = forceSiteUrl(this.config, { slug: tenant.slug, primaryDomain: await primaryHostname(manager, tenant.id) });
    const timeline: { kind: string; occurredAt: Date; actorId?: string; actorName: string | null; details: Record<string, string> }[] = await staffTimeline(manager, report.id);
    const duplicates: { otherReference: string; reason: string; status: 'possible' | 'confirmed' | 'dismissed' }[] = await duplicateLinks(manager, report.id);
    for (const destination of input.destinations) {
      const files = await this.evidence.backOfficeLinks(manager, input.tenantId, report.id, destination, input.linkHours);
      const document = buildReportDocument({
        form: version.form,
        answers: report.answers as FormAnswers,
        report: { id: report.id, reference: report.reference, submittedAt: report.submittedAt, language: report.language as 'en' | 'cy', status: report.status as ReportStatusName, flags: report.flags },
        force: { slug: tenant.slug, name: localText(tenant.name, 'en') },
        formVersion: { id: version.id, version: version.version },
        routing: { queue: report.queue, priority: report.priority, tags: report.tags, rule: report.routingRule, triageBy: report.triageBy, replyBy: report.replyBy },
        duplicates: duplicates.map((duplicate) => ({ reference: duplicate.otherReference, reasons: [duplicate.reason], status: duplicate.status })),
        triage: timeline
          .filter((event) => event.kind.startsWith('decision:'))
          .map((event) => ({ decision: event.kind.slice('decision:'.length) as TriageDecisionName, by: { id: event.actorId ?? 'unknown', name: event.actorName }, at: event.occurredAt })),
        evidence: files.map(({ file, link }) => ({
          id: file.id,
          question: file.questionId,
          fileName: file.originalName,
          mediaType: link && file.kind === 'image' ? 'image/jpeg' : file.mediaType,
          size: Number(file.sizeBytes),
          sha256: file.sha256,
          scanState: file.scanStatus,
          ...(link ? { downloadUrl: `${site}/back-office${link.path}`, downloadUrlExpiresAt: link.expiresAt } : {}),
        })),
      });
      documents.set(destination, document as unknown as ReportDocumentData);
    }
    return documents;
  }

  async externalReferenceReceived(manager: EntityManager, input: { tenantId: string; reportId: string; reference: string; source: string; deliveryId: string }): Promise<void> {
    const report = await findReport(manager, { id: input.reportId }, { lock: true });
    if (report) await this.life.externalReferenceReceived(manager, report, { reference: input.reference, source: input.source, deliveryId: input.deliveryId });
  }
}

/** Provides the deliveries library's DELIVERY_DOCUMENTS to the worker and the api. */
@Global()
@Module({
  imports: [ReportsModule, EvidenceModule],
  providers: [DeliveryDocumentsAdapter, { provide: DELIVERY_DOCUMENTS, useExisting: DeliveryDocumentsAdapter }],
  exports: [DELIVERY_DOCUMENTS],
})
export class DeliveryDocumentsModule {}
