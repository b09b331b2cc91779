import { isRepeatAnswers, type AnswerValue, type FormAnswers } from './answers.js';
import type { CompiledForm } from './compile.js';
import { questionsOf } from './definition-check.js';
import type { PageDefinition, QuestionDefinition } from './definition.schema.js';

/** Flags the answers raise (options chosen, yes answers, answered questions), for routing and triage. */
export function raisedFlags(form: CompiledForm, answers: FormAnswers): string[] {
  const flags = new Set<string>();
  for (const { question, value } of answeredQuestions(form, answers)) {
    question.flags?.forEach((flag) => flags.add(flag));
    if (question.type === 'yes-no' && value === 'yes') question.yesFlags?.forEach((flag) => flags.add(flag));
    if (question.type === 'radios' || question.type === 'select' || question.type === 'checkboxes') {
      const chosen = new Set([value].flat().map(String));
      for (const option of question.options) if (chosen.has(option.value)) option.flags?.forEach((flag) => flags.add(flag));
    }
  }
  return [...flags].sort();
}

/** The reporter's own contact details, from the questions that declare them. */
export function reporterDetails(form: CompiledForm, answers: FormAnswers): { name?: string; email?: string; phone?: string; contactBy?: string } {
  const details: { name?: string; email?: string; phone?: string; contactBy?: string } = {};
  for (const page of form.pages) {
    const pageAnswers = answers[page.id];
    if (!pageAnswers || isRepeatAnswers(pageAnswers)) continue;
    for (const question of questionsOf(page)) {
      const value = pageAnswers[question.id];
      if (typeof value !== 'string') continue;
      if (question.reporter === 'name' || question.reporter === 'email' || question.reporter === 'phone' || question.reporter === 'contactBy') details[question.reporter] = value;
    }
  }
  return details;
}

/** One answered question: its page, its answer, and for a repeating group the item it belongs to (0 first). */
export interface AnsweredQuestion {
  page: PageDefinition;
  question: QuestionDefinition;
  value: AnswerValue;
  item?: number;
}

/**
 * Each answered question with its answer, in the form's order: page by page, a repeating group's
 * questions once per item (item by item). Answers of pages the form no longer has are left out.
 */
export function* answeredQuestions(form: CompiledForm, answers: FormAnswers): Generator<AnsweredQuestion> {
  for (const page of form.pages) {
    const pageAnswers = answers[page.id];
    if (!pageAnswers) continue;
    const repeating = isRepeatAnswers(pageAnswers);
    const records: Record<string, AnswerValue>[] = repeating ? pageAnswers.items : [pageAnswers];
    for (const [item, record] of records.entries()) {
      for (const question of questionsOf(page)) {
        if (record[question.id] !== undefined) yield { page, question, value: record[question.id], ...(repeating ? { item } : {}) };
      }
    }
  }
}

/** The first point (latitude, longitude) a location answer gives, for routing by force area and for duplicates. */
export function reportLocation(form: CompiledForm, answers: FormAnswers): { latitude: number; longitude: number } | null {
  for (const { question, value } of answeredQuestions(form, answers)) {
    if (question.type !== 'location' || typeof value !== 'object' || Array.isArray(value)) continue;
    const { latitude, longitude } = value as Record<string, unknown>;
    if (typeof latitude === 'number' && typeof longitude === 'number') return { latitude, longitude };
  }
  return null;
}

/** Every vehicle registration in the answers (normalised: capitals, no spaces), for possible duplicates. */
export function vehicleRegistrations(form: CompiledForm, answers: FormAnswers): string[] {
  const found = new Set<string>();
  for (const { question, value } of answeredQuestions(form, answers)) if (question.type === 'vehicle-registration' && typeof value === 'string') found.add(value);
  return [...found].sort();
}
