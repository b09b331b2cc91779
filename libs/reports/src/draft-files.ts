import type { EntityManager } from 'typeorm';
import { questionsOf, type CompiledForm, type EvidenceFileAnswer, type FormAnswers } from '@front-counter/forms';

/**
 * The files stored for one of a draft's file questions (the evidence library writes evidence_files;
 * a journey only reads them), oldest first. Infected files are never part of an answer.
 */
export async function draftFiles(manager: EntityManager, draftId: string, questionId: string): Promise<EvidenceFileAnswer[]> {
  return manager.query(
    `SELECT id::text, original_name AS name, size_bytes::float8 AS "sizeBytes", kind
       FROM evidence_files WHERE submission_id = $1 AND question_id = $2 AND report_id IS NULL AND scan_status <> 'infected' ORDER BY created_at, id`,
    [draftId, questionId],
  );
}

/**
 * The answers with every file question on the path answered by the files stored for it now (a file
 * removed after its page was answered is gone from the report too), and the ids of all of them.
 */
export async function withStoredFiles(manager: EntityManager, form: CompiledForm, draftId: string, answers: FormAnswers): Promise<{ answers: FormAnswers; fileIds: string[] }> {
  const result: FormAnswers = { ...answers };
  const fileIds: string[] = [];
  for (const page of form.pages) {
    const pageAnswers = result[page.id];
    if (!pageAnswers || 'items' in pageAnswers) continue;
    for (const question of questionsOf(page).filter((candidate) => candidate.type === 'file')) {
      const files = await draftFiles(manager, draftId, question.id);
      const updated = { ...(result[page.id] as Record<string, unknown>) };
      if (files.length > 0) updated[question.id] = files;
      else delete updated[question.id];
      result[page.id] = updated as FormAnswers[string];
      fileIds.push(...files.map((file) => file.id));
    }
  }
  return { answers: result, fileIds };
}
