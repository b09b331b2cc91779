import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { REPORTS_PORT, type AddedFile, type PublicForce, type ReportsPort, type TrackedReport } from '@front-counter/evidence';
import { deadDrafts, findReport, JourneysService, lockLiveDraft, parseReference, ReportLife, ReportsModule, type ReportStatus } from '@front-counter/reports';
import { trackedReport } from './tracking.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Evidence's view of drafts and reports (its ReportsPort), answered by their owners: the journey
 * service and the report's life in reports, tracking sessions here in casework.
 */
@Injectable()
export class EvidenceReportsAdapter implements ReportsPort {
  constructor(
    private readonly journeys: JourneysService,
    private readonly life: ReportLife,
  ) {}

  fileQuestion(force: PublicForce, serviceId: string, session: string, questionId: string) {
    return this.journeys.fileQuestion(force, serviceId, session, questionId);
  }

  liveDraftId(force: PublicForce, serviceId: string, session: string) {
    return this.journeys.liveDraftId(force, serviceId, session);
  }

  async lockLiveDraft(manager: EntityManager, draftId: string) {
    return (await lockLiveDraft(manager, draftId)) !== undefined;
  }

  deadDrafts(manager: EntityManager, draftIds: string[]) {
    return deadDrafts(manager, draftIds);
  }

  trackedReport(manager: EntityManager, trackingToken: string, options: { lock: boolean }) {
    return trackedReport(manager, trackingToken, options);
  }

  async reportId(manager: EntityManager, idOrReference: string) {
    const parsed = parseReference(idOrReference);
    const where = UUID.test(idOrReference) ? { id: idOrReference } : 'reference' in parsed ? { reference: parsed.reference } : null;
    return where ? (await findReport(manager, where))?.id : undefined;
  }

  evidenceAdded(manager: EntityManager, tenantId: string, report: TrackedReport, files: AddedFile[], requestId: string | undefined) {
    return this.life.evidenceAdded(manager, tenantId, { id: report.id, status: report.status as ReportStatus }, files, requestId);
  }

  fileNotProcessed(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }) {
    return this.life.fileNotProcessed(manager, file);
  }

  fileQuarantined(manager: EntityManager, file: { tenantId: string; reportId: string; fileId: string; name: string }) {
    return this.life.fileQuarantined(manager, file);
  }
}

/** Provides evidence's REPORTS_PORT to the whole application (api and worker load it beside EvidenceModule). */
@Global()
@Module({
  imports: [ReportsModule],
  providers: [EvidenceReportsAdapter, { provide: REPORTS_PORT, useExisting: EvidenceReportsAdapter }],
  exports: [REPORTS_PORT],
})
export class EvidenceReportsModule {}
