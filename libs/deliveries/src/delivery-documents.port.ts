import type { EntityManager } from 'typeorm';

/** How the deliveries library reaches a report without depending on reports, evidence and forms itself. */
export const DELIVERY_DOCUMENTS = Symbol('DELIVERY_DOCUMENTS');

/** The canonical report document (a delivery envelope's `data`), JSON Schema /schemas/report/v1.json. */
export type ReportDocumentData = Record<string, unknown>;

export interface DeliveryDocuments {
  /**
   * The report's document as of now for each destination, in the force's transaction: the report is
   * read once, and each destination gets its own links to the evidence (valid `linkHours`, audited as
   * that destination). Empty: no such report here.
   */
  documentsFor(manager: EntityManager, input: { tenantId: string; reportId: string; destinations: string[]; linkHours: number }): Promise<Map<string, ReportDocumentData>>;
  /** The receiving system gave the report its own reference: kept, shown to staff and the reporter, audited. */
  externalReferenceReceived(manager: EntityManager, input: { tenantId: string; reportId: string; reference: string; source: string; deliveryId: string }): Promise<void>;
}
