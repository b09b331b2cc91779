import { isRepeatAnswers } from '@front-counter/public-kit';
import type { Condition, PageDefinition } from './definition.schema.js';
import type { CompiledForm } from './compile.js';

/** One answer, normalised by its question type (see libs/public-kit/src/question-types). */
export type AnswerValue =
  | string
  | number
  | string[]
  | EvidenceFileAnswer[]
  | { [part: string]: string | number | undefined | { [part: string]: string | undefined } };

/** A file question's answer: the files stored for it (the evidence library keeps the files themselves). */
export interface EvidenceFileAnswer {
  id: string;
  name: string;
  sizeBytes: number;
  kind: string;
}

/** Answers to one question page, or a repeating group's items. A page is complete once it has an entry. */
export type PageAnswers = Record<string, AnswerValue> | { items: Record<string, AnswerValue>[]; done: boolean };

/** A draft's or report's answers, by page id. */
export type FormAnswers = Record<string, PageAnswers>;

export { isRepeatAnswers };

/** Every top-level question's answer by question id (repeating groups are not addressable by conditions). */
export function answersByQuestion(answers: FormAnswers): Record<string, AnswerValue> {
  return Object.assign({}, ...Object.values(answers).filter((page) => !isRepeatAnswers(page)));
}

const isAnswered = (value: AnswerValue | undefined) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);

export function evaluate(condition: Condition, answers: Record<string, AnswerValue>): boolean {
  if ('all' in condition) return condition.all.every((part) => evaluate(part, answers));
  if ('any' in condition) return condition.any.some((part) => evaluate(part, answers));
  if ('not' in condition) return !evaluate(condition.not, answers);
  const value = answers[condition.question];
  if ('answered' in condition) return isAnswered(value) === condition.answered;
  if ('includes' in condition) return Array.isArray(value) && value.some((item) => item === condition.includes);
  if ('equals' in condition) return value !== undefined && String(value) === String(condition.equals);
  return value !== undefined && condition.oneOf.map(String).includes(String(value));
}

/** The page after `page` for these answers: the first rule that holds, else the next page in the list. */
export function nextPageId(form: CompiledForm, page: PageDefinition, answers: FormAnswers): string | undefined {
  const flat = answersByQuestion(answers);
  if (page.next?.length) return page.next.find((rule) => !rule.when || evaluate(rule.when, flat))?.goto;
  const index = form.pages.indexOf(page);
  return form.pages[index + 1]?.id;
}

export function isPageComplete(page: PageDefinition, answers: FormAnswers): boolean {
  const pageAnswers = answers[page.id];
  if (page.type === 'repeat') return isRepeatAnswers(pageAnswers) && pageAnswers.done;
  return pageAnswers !== undefined;
}

export interface JourneyPosition {
  /** Pages in the order this reporter meets them, up to and including `current`. */
  path: string[];
  /** The first page still to answer: a question page, check your answers, the declaration or an exit. */
  current: string;
}

/**
 * Walks the form from the emergency gate through the answers given, following routing, until a page
 * still needs answering, an exit, or check your answers (then the declaration). Pages off this path
 * (a branch since changed) are ignored, and their answers are never submitted.
 */
export function journeyPosition(form: CompiledForm, answers: FormAnswers): JourneyPosition {
  const byId = new Map(form.pages.map((page) => [page.id, page]));
  const path: string[] = [];
  // Routing reads only the answers of pages already on this path, never those of a branch left behind.
  const walked: FormAnswers = {};
  let page = form.pages[0];
  while (page) {
    path.push(page.id);
    if (page.type === 'exit' || page.type === 'declaration') break;
    if (page.type === 'check-answers') {
      if (!answers[page.id]) break;
    } else if (!isPageComplete(page, answers)) break;
    walked[page.id] = answers[page.id];
    const next = nextPageId(form, page, walked);
    if (!next || path.includes(next)) break; // structure checks forbid loops; never spin on bad data
    page = byId.get(next)!;
  }
  return { path, current: path[path.length - 1] };
}

/** The answers of the pages on the reporter's path, up to and including `pageId`: what routing from it may read. */
export function answersAlongPath(form: CompiledForm, answers: FormAnswers, pageId: string): FormAnswers {
  const { path } = journeyPosition(form, answers);
  const upTo = path.includes(pageId) ? path.slice(0, path.indexOf(pageId) + 1) : path;
  return Object.fromEntries(upTo.filter((id) => answers[id] !== undefined).map((id) => [id, answers[id]]));
}

/** Only the answers on the path actually taken: what a submitted report keeps. */
export function answersOnPath(form: CompiledForm, answers: FormAnswers): FormAnswers {
  const { path } = journeyPosition(form, answers);
  return Object.fromEntries(
    path.filter((pageId) => answers[pageId] !== undefined && form.pages.find((page) => page.id === pageId)?.type !== 'check-answers').map((pageId) => [pageId, answers[pageId]]),
  );
}
