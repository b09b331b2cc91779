import { isRepeatAnswers, type AnswerValue, type FormAnswers } from './answers.js';
import type { CompiledForm } from './compile.js';
import { questionsOf } from './definition-check.js';

/** Flags the answers raise (options chosen, yes answers, answered questions), for routing and triage. */
export function raisedFlags(form: CompiledForm, answers: FormAnswers): string[] {
  const flags = new Set<string>();
  for (const page of form.pages) {
    const pageAnswers = answers[page.id];
    if (!pageAnswers) continue;
    const records: Record<string, AnswerValue>[] = isRepeatAnswers(pageAnswers) ? pageAnswers.items : [pageAnswers];
    for (const question of questionsOf(page)) {
      for (const record of records) {
        const value = record[question.id];
        if (value === undefined) continue;
        question.flags?.forEach((flag) => flags.add(flag));
        if (question.type === 'yes-no' && value === 'yes') question.yesFlags?.forEach((flag) => flags.add(flag));
        if (question.type === 'radios' || question.type === 'select' || question.type === 'checkboxes') {
          const chosen = new Set([value].flat().map(String));
          for (const option of question.options) if (chosen.has(option.value)) option.flags?.forEach((flag) => flags.add(flag));
        }
      }
    }
  }
  return [...flags].sort();
}

/** The reporter's own contact details, from the questions that declare them. */
export function reporterDetails(form: CompiledForm, answers: FormAnswers): { name?: string; email?: string; phone?: string } {
  const details: { name?: string; email?: string; phone?: string } = {};
  for (const page of form.pages) {
    const pageAnswers = answers[page.id];
    if (!pageAnswers || isRepeatAnswers(pageAnswers)) continue;
    for (const question of questionsOf(page)) {
      const value = pageAnswers[question.id];
      if (typeof value !== 'string') continue;
      if (question.reporter === 'name' || question.reporter === 'email' || question.reporter === 'phone') details[question.reporter] = value;
    }
  }
  return details;
}
