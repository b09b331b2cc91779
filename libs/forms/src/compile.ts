import { createHash } from 'node:crypto';
import { checkServiceStructure, questionsOf } from './definition-check.js';
import type { PageDefinition, ServiceDefinition } from './definition.schema.js';
import type { ServiceOverlay } from './overlay.schema.js';

/** The effective form a force's public see: the national baseline with the force's overlay applied. */
export interface CompiledForm {
  serviceId: string;
  nationalVersion: number;
  title: ServiceDefinition['title'];
  summary: ServiceDefinition['summary'];
  startPage: ServiceDefinition['startPage'];
  allowsAnonymous: boolean;
  pages: PageDefinition[];
  /** Present only when the force's overlay lengthens the national retention period: how long it keeps the reports. */
  retention?: { days: number };
}

export class OverlayError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid service overlay:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'OverlayError';
  }
}

/** A content hash of a compiled form: a new immutable version is published only when it changes. */
export function formHash(form: CompiledForm): string {
  return createHash('sha256').update(JSON.stringify(form)).digest('hex');
}

/**
 * Applies a force's overlay to the national baseline. Every refusal names the overlay field:
 * a mandatory question cannot be removed, only optional pages switch off, slots and ids must exist.
 * The result passes the same structural checks as a national definition.
 */
export function compileForm(service: ServiceDefinition, overlay?: ServiceOverlay): CompiledForm {
  const problems: string[] = [];
  let pages: PageDefinition[] = structuredClone(service.pages);
  if (overlay) {
    if (overlay.service !== service.id) problems.push(`service: overlay is for "${overlay.service}", not "${service.id}"`);
    if (overlay.basedOnVersion > service.version) problems.push(`basedOnVersion: ${overlay.basedOnVersion} is newer than the national version ${service.version}`);
    const byId = new Map(pages.map((page) => [page.id, page]));

    for (const pageId of overlay.disabledPages) {
      const page = byId.get(pageId);
      if (!page) {
        problems.push(`disabledPages: no page "${pageId}" in ${service.id}`);
        continue;
      }
      const mandatory = questionsOf(page).filter((question) => question.mandatory);
      if (mandatory.length > 0) problems.push(`disabledPages: page "${pageId}" holds the nationally mandatory question "${mandatory[0].id}", which a force cannot remove`);
      else if (!page.optional) problems.push(`disabledPages: page "${pageId}" is not optional nationally, so a force cannot switch it off`);
    }

    for (const [questionId, texts] of Object.entries(overlay.texts.questions)) {
      const question = pages.flatMap(questionsOf).find((candidate) => candidate.id === questionId);
      if (!question) problems.push(`texts.questions.${questionId}: no such question in ${service.id}`);
      else Object.assign(question, texts);
    }
    for (const [questionId, limits] of Object.entries(overlay.files)) {
      const question = pages.flatMap(questionsOf).find((candidate) => candidate.id === questionId);
      if (question?.type !== 'file') problems.push(`files.${questionId}: no file question "${questionId}" in ${service.id}`);
      else Object.assign(question, { ...limits, maxSizeMb: limits.maxSizeMb ? { ...question.maxSizeMb, ...limits.maxSizeMb } : question.maxSizeMb });
    }
    for (const [pageId, texts] of Object.entries(overlay.texts.pages)) {
      const page = byId.get(pageId);
      if (!page) problems.push(`texts.pages.${pageId}: no such page in ${service.id}`);
      else if (!('title' in page) || texts.label || texts.hint) problems.push(`texts.pages.${pageId}: only a page title can be changed`);
      else if (texts.title) (page as { title?: unknown }).title = texts.title;
    }
    if (overlay.retention) problems.push(...retentionProblems(service, overlay.retention.days));
    for (const [pageId, link] of Object.entries(overlay.exitLinks)) {
      const page = byId.get(pageId);
      if (page?.type !== 'exit') problems.push(`exitLinks.${pageId}: no exit page "${pageId}" in ${service.id}`);
      else page.link = link;
    }

    // Disabled pages: whoever routed to one goes where it would have gone.
    const disabled = new Set(overlay.disabledPages);
    const onwards = (pageId: string, seen = new Set<string>()): string => {
      const index = pages.findIndex((page) => page.id === pageId);
      if (!disabled.has(pageId) || seen.has(pageId)) return pageId;
      seen.add(pageId);
      const page = pages[index];
      const target = page.next?.length ? page.next[page.next.length - 1].goto : pages[index + 1]?.id;
      return onwards(target, seen);
    };
    pages = pages.map((page, index) => {
      const explicit = page.next?.map((rule) => ({ ...rule, goto: onwards(rule.goto) }));
      // A page that fell through to a disabled one now names its real successor.
      const fallsThrough = !page.next?.length && page.type !== 'exit' && disabled.has(pages[index + 1]?.id);
      return { ...page, next: fallsThrough ? [{ goto: onwards(pages[index + 1].id) }] : explicit } as PageDefinition;
    });
    pages = pages.filter((page) => !disabled.has(page.id));

    // Force pages at slots: the slot page routes into them, and the last of them routes on as the slot page did.
    const slotNames = new Set(pages.map((page) => page.slotAfter).filter(Boolean));
    for (const [slot, added] of Object.entries(overlay.slots)) {
      if (!slotNames.has(slot)) {
        problems.push(`slots.${slot}: ${service.id} declares no slot "${slot}" (slots: ${[...slotNames].join(', ') || 'none'})`);
        continue;
      }
      const at = pages.findIndex((page) => page.slotAfter === slot);
      const host = pages[at];
      const hostRoutes = host.next?.length ? host.next : pages[at + 1] ? [{ goto: pages[at + 1].id }] : [];
      const inserted = added.map((page, index) => {
        if (page.next?.length) problems.push(`slots.${slot}.${page.id}: a force page cannot route (it continues where the slot continues)`);
        if (page.type !== 'question' && page.type !== 'content' && page.type !== 'repeat') problems.push(`slots.${slot}.${page.id}: a force may add question, repeat or content pages only`);
        const next = index < added.length - 1 ? [{ goto: added[index + 1].id }] : hostRoutes;
        return { ...page, next } as PageDefinition;
      });
      pages.splice(at, 1, { ...host, next: [{ goto: added[0].id }] } as PageDefinition, ...inserted);
    }
  }
  const form: CompiledForm = {
    serviceId: service.id,
    nationalVersion: service.version,
    title: service.title,
    summary: service.summary,
    startPage: service.startPage,
    allowsAnonymous: service.allowsAnonymous,
    pages,
    ...(overlay?.retention ? { retention: { days: overlay.retention.days } } : {}),
  };
  if (problems.length === 0) problems.push(...checkServiceStructure({ ...service, pages }).map((problem) => `result: ${problem}`));
  if (problems.length > 0) throw new OverlayError(problems);
  return form;
}

/** A force may only lengthen the national retention period, and only up to the national maximum. */
function retentionProblems(service: ServiceDefinition, days: number): string[] {
  const bounds = service.retention;
  if (!bounds) return [`retention.days: ${service.id} version ${service.version} sets no national retention period, so a force cannot change it`];
  if (days < bounds.defaultDays) {
    return [`retention.days: ${days} days is shorter than ${service.id}'s national retention period of ${bounds.defaultDays} days; a force may only lengthen it (up to ${bounds.maximumDays} days)`];
  }
  if (days > bounds.maximumDays) return [`retention.days: ${days} days is longer than ${service.id} allows: its national maximum is ${bounds.maximumDays} days`];
  return [];
}
