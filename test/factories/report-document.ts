import type { CompiledForm, FormAnswers } from '@front-counter/forms';
import type { ReportDocumentInput } from '@front-counter/report-document';

/** The metadata of a submitted report (Northshire, awaiting triage, national default routing) around a form and its answers. */
export function reportDocumentInput(form: CompiledForm, answers: FormAnswers, overrides: Partial<Omit<ReportDocumentInput, 'form' | 'answers'>> = {}): ReportDocumentInput {
  return {
    form,
    answers,
    report: { id: '4b0c5d2e-8f1a-4c3b-9d7e-6a5b4c3d2e1f', reference: '7KQ2MX9P4', submittedAt: '2025-06-14T09:30:00.000Z', language: 'en', status: 'awaiting-triage', flags: [] },
    force: { slug: 'northshire', name: 'Northshire Police' },
    formVersion: { id: '0f1e2d3c-4b5a-4697-8877-665544332211', version: 3 },
    routing: { queue: 'general', priority: 3, tags: [], rule: null, triageBy: '2025-06-14T10:15:00.000Z', replyBy: '2025-06-16T09:30:00.000Z' },
    ...overrides,
  };
}
