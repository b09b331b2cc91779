import type { EntityManager } from 'typeorm';
import { draftFiles } from '@front-counter/evidence';
import { questionsOf, type CompiledForm, type EvidenceFileAnswer, type FormAnswers } from '@front-counter/forms';

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
