// Report document: the canonical, versioned JSON document of a report that forces' own systems receive,
// and its published JSON Schema. Pure (no database, no Nest): the caller passes the form, answers and metadata.
//
//   buildReportDocument(input: ReportDocumentInput): ReportDocument
//     POLE (persons with roles, vehicles, property with values, locations, the event and its time) from the
//     answers through the `document:` mapping each question declares (libs/forms DocumentMapping), every
//     answer as asked and answered, plus routing, flags, duplicates, triage decisions and the evidence manifest.
//   validateReportDocument(document: unknown): { valid: true } | { valid: false; errors: string[] }
//     Checks a document against REPORT_DOCUMENT_SCHEMA_V1 (JSON Schema 2020-12, served at REPORT_DOCUMENT_SCHEMA_PATH).
export { REPORT_DOCUMENT_SCHEMA_V1, REPORT_DOCUMENT_SCHEMA_ID, REPORT_DOCUMENT_SCHEMA_PATH, REPORT_STATUSES, TRIAGE_DECISIONS, SCAN_STATES } from './report-document.schema.js';
export { buildReportDocument } from './build-report-document.js';
export { validateReportDocument, type ReportDocumentValidation } from './validate-report-document.js';
export type * from './report-document.js';
