import type { CompiledForm, FormAnswers, PersonRole } from '@front-counter/forms';
import type { REPORT_STATUSES, SCAN_STATES, TRIAGE_DECISIONS } from './report-document.schema.js';

// The report document's shape in TypeScript, as report-document.schema.ts describes it (the schema is
// the published description; the tests check every document built validates against it).

export type ReportStatusName = (typeof REPORT_STATUSES)[number];
export type TriageDecisionName = (typeof TRIAGE_DECISIONS)[number];
export type ScanState = (typeof SCAN_STATES)[number];

export interface DocumentChoice {
  value: string;
  label: string;
}

export interface DocumentAddress {
  lines: string[];
  town?: string;
  postcode?: string;
}

export interface DocumentMoney {
  amount: number;
  currency: 'GBP';
}

/** The "add another" item an object was described in. */
export interface DocumentGroup {
  page: string;
  item: number;
}

export type DocumentOccurred =
  | { exact: true; date: string; time?: string; dateTime?: string }
  | { exact: false; from: string; to: string; description?: string };

export interface DocumentEvent {
  type: string;
  categories: DocumentChoice[];
  description?: string;
  occurred?: DocumentOccurred;
}

export interface DocumentPerson {
  roles: PersonRole[];
  title?: string;
  name?: string;
  previousNames?: string;
  dateOfBirth?: string;
  placeOfBirth?: string;
  email?: string;
  phone?: string;
  address?: DocumentAddress;
  description?: string;
  contact?: string;
  /** The reporter only: how they asked to hear from the force (the chosen option's value). */
  contactBy?: string;
  whereabouts?: string;
  account?: string;
  drivingLicence?: string;
  group?: DocumentGroup;
}

export interface DocumentVehicle {
  role: 'victim' | 'suspect' | 'reporter' | 'involved';
  registration?: string;
  make?: string;
  model?: string;
  makeAndModel?: string;
  colour?: string;
  description?: string;
  insurance?: string;
  group?: DocumentGroup;
}

export interface DocumentProperty {
  role: 'stolen' | 'lost' | 'found' | 'damaged';
  description?: string;
  category?: DocumentChoice;
  makeAndModel?: string;
  colour?: string;
  serialNumber?: string;
  value?: DocumentMoney;
  group?: DocumentGroup;
}

export interface DocumentLocation {
  role: 'incident' | 'lost' | 'found' | 'handed-in';
  name?: string;
  description?: string;
  address?: DocumentAddress;
  uprn?: string;
  coordinates?: { latitude: number; longitude: number };
  group?: DocumentGroup;
}

export interface DocumentAnswer {
  page: string;
  question: string;
  item?: number;
  type: string;
  label: string;
  value: unknown;
  valueText: string;
}

export interface DocumentRouting {
  queue: string;
  priority: number;
  tags: string[];
  rule: string | null;
  triageBy?: string;
  replyBy?: string;
}

export interface DocumentDuplicate {
  reference: string;
  reasons: string[];
  status: 'possible' | 'confirmed' | 'dismissed';
}

export interface DocumentTriageDecision {
  decision: TriageDecisionName;
  by: { id: string; name: string | null };
  at: string;
  note?: string;
  detail?: Record<string, string>;
}

export interface DocumentEvidenceFile {
  id: string;
  question?: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  scanState: ScanState;
  downloadUrl?: string;
  downloadUrlExpiresAt?: string;
}

/** A report as forces' systems receive it (schema version 1). */
export interface ReportDocument {
  schemaVersion: 1;
  id: string;
  reference: string;
  force: { slug: string; name: string };
  service: { id: string; title: string };
  formVersion: { id: string; version: number; nationalVersion: number };
  submittedAt: string;
  language: 'en' | 'cy';
  status: ReportStatusName;
  event: DocumentEvent;
  persons: DocumentPerson[];
  objects: { vehicles: DocumentVehicle[]; property: DocumentProperty[] };
  locations: DocumentLocation[];
  answers: DocumentAnswer[];
  routing: DocumentRouting;
  flags: string[];
  duplicates: DocumentDuplicate[];
  triage: DocumentTriageDecision[];
  evidence: DocumentEvidenceFile[];
}

type Instant = Date | string;

/**
 * What the document is made from. The form and answers give the POLE structure and the answers list;
 * everything else comes from where it is kept (reports, triage, evidence) and is passed in as plain data.
 */
export interface ReportDocumentInput {
  /** The compiled form of the form version the report was made on. */
  form: CompiledForm;
  /** The report's answers as it keeps them (the pages on the reporter's path). */
  answers: FormAnswers;
  report: {
    id: string;
    reference: string;
    submittedAt: Instant;
    language: 'en' | 'cy';
    status: ReportStatusName;
    flags: string[];
  };
  force: { slug: string; name: string };
  formVersion: { id: string; version: number };
  routing: { queue: string; priority: number; tags: string[]; rule: string | null; triageBy?: Instant; replyBy?: Instant };
  duplicates?: DocumentDuplicate[];
  triage?: (Omit<DocumentTriageDecision, 'at'> & { at: Instant })[];
  /** The evidence manifest, with a signed download link (and its expiry) for each file that may be downloaded. */
  evidence?: (Omit<DocumentEvidenceFile, 'downloadUrlExpiresAt'> & { downloadUrlExpiresAt?: Instant })[];
}
