import { questionsOf, questionTypeOf } from '@front-counter/public-kit';
import type { Condition, DocumentMapping, PageDefinition, QuestionDefinition, QuestionType, ServiceDefinition } from './definition.schema.js';

/** Questions a condition tests, with the values it compares them to. */
export function conditionTerms(condition: Condition): { question: string; values: (string | number | boolean)[] }[] {
  if ('all' in condition) return condition.all.flatMap(conditionTerms);
  if ('any' in condition) return condition.any.flatMap(conditionTerms);
  if ('not' in condition) return conditionTerms(condition.not);
  if ('equals' in condition) return [{ question: condition.question, values: [condition.equals] }];
  if ('oneOf' in condition) return [{ question: condition.question, values: condition.oneOf }];
  if ('includes' in condition) return [{ question: condition.question, values: [condition.includes] }];
  return [{ question: condition.question, values: [] }];
}

export { questionsOf };

/** The values a question's answer can take, where it is a choice. */
export function choiceValues(question: QuestionDefinition): string[] | undefined {
  return questionTypeOf(question).choices?.(question);
}

/** Where each page may go next: its rules' targets, or the following page in the list. */
export function successors(pages: PageDefinition[], index: number): string[] {
  const page = pages[index];
  if (page.type === 'exit') return [];
  if (page.next?.length) return page.next.map((rule) => rule.goto);
  const following = pages[index + 1];
  return following ? [following.id] : [];
}

/**
 * The checks a schema cannot express, each message naming the page and question: unique ids,
 * routing targets and condition values that exist, every page reachable, the emergency gate first,
 * check your answers then the declaration at the end, required questions with their error message.
 */
export function checkServiceStructure(service: ServiceDefinition): string[] {
  const problems: string[] = [];
  const pages = service.pages;
  const pageIds = new Map<string, PageDefinition>();
  const questions = new Map<string, { question: QuestionDefinition; page: PageDefinition }>();
  for (const page of pages) {
    if (pageIds.has(page.id)) problems.push(`pages.${page.id}: page id is used twice`);
    pageIds.set(page.id, page);
    for (const question of questionsOf(page)) {
      if (questions.has(question.id)) problems.push(`pages.${page.id}.questions.${question.id}: question id is also used on page ${questions.get(question.id)!.page.id}`);
      questions.set(question.id, { question, page });
      if (question.required && !question.errors.required) problems.push(`pages.${page.id}.questions.${question.id}: a required question needs errors.required (a specific message, in English and Welsh)`);
      const values = choiceValues(question);
      if (values && new Set(values).size !== values.length) problems.push(`pages.${page.id}.questions.${question.id}: option values must be unique`);
    }
    problems.push(...documentMappingProblems(page));
  }

  const slots = new Set<string>();
  for (const page of pages) {
    if (page.slotAfter) {
      if (slots.has(page.slotAfter)) problems.push(`pages.${page.id}: slot "${page.slotAfter}" is declared twice`);
      slots.add(page.slotAfter);
    }
    if (page.type === 'exit' && page.next?.length) problems.push(`pages.${page.id}: an exit page ends the journey and cannot have next rules`);
    if (page.next?.length && page.next[page.next.length - 1].when) problems.push(`pages.${page.id}.next: the last rule must have no "when", so that every answer leads somewhere`);
    for (const [index, rule] of (page.next ?? []).entries()) {
      if (!pageIds.has(rule.goto)) problems.push(`pages.${page.id}.next[${index}]: goes to unknown page "${rule.goto}"`);
      if (!rule.when && index < page.next!.length - 1) problems.push(`pages.${page.id}.next[${index}]: a rule without "when" must be the last`);
      for (const term of rule.when ? conditionTerms(rule.when) : []) {
        const found = questions.get(term.question);
        if (!found) {
          problems.push(`pages.${page.id}.next[${index}]: condition tests unknown question "${term.question}"`);
          continue;
        }
        if (found.page.type === 'repeat') problems.push(`pages.${page.id}.next[${index}]: condition tests "${term.question}", which is inside a repeating group`);
        const allowed = choiceValues(found.question);
        for (const value of term.values) {
          if (allowed && !allowed.includes(String(value))) problems.push(`pages.${page.id}.next[${index}]: "${term.question}" has no option "${value}" (options: ${allowed.join(', ')})`);
        }
      }
    }
  }

  // The emergency gate comes first: page one must be able to route to an emergency exit.
  const first = pages[0];
  const emergencyExits = pages.filter((page) => page.type === 'exit' && page.exit === 'emergency').map((page) => page.id);
  if (first.type !== 'question' || !(first.next ?? []).some((rule) => rule.when && emergencyExits.includes(rule.goto))) {
    problems.push(`pages.${first.id}: the first page must be the emergency gate, with a rule going to an exit page of kind "emergency"`);
  }

  const checkAnswers = pages.filter((page) => page.type === 'check-answers');
  const declarations = pages.filter((page) => page.type === 'declaration');
  if (checkAnswers.length !== 1) problems.push(`pages: needs exactly one check-answers page (found ${checkAnswers.length})`);
  if (declarations.length !== 1) problems.push(`pages: needs exactly one declaration page (found ${declarations.length})`);
  if (checkAnswers.length === 1 && declarations.length === 1) {
    const from = pages.indexOf(checkAnswers[0]);
    if (!successors(pages, from).every((target) => target === declarations[0].id) || successors(pages, from).length !== 1) {
      problems.push(`pages.${checkAnswers[0].id}: check your answers must lead straight to the declaration`);
    }
    if (declarations[0].next?.length) problems.push(`pages.${declarations[0].id}: the declaration submits the report and cannot have next rules`);
  }
  for (const [index, page] of pages.entries()) {
    if (page.type === 'check-answers' || page.type === 'declaration' || page.type === 'exit') continue;
    if (successors(pages, index).length === 0) problems.push(`pages.${page.id}: goes nowhere (the last page before it must route somewhere)`);
  }

  const reachable = new Set<string>([first.id]);
  const queue = [first.id];
  while (queue.length > 0) {
    const current = queue.shift();
    const index = pages.findIndex((page) => page.id === current);
    if (index < 0 || pages[index].type === 'declaration') continue;
    for (const target of successors(pages, index)) {
      if (!reachable.has(target)) {
        reachable.add(target);
        queue.push(target);
      }
    }
  }
  for (const page of pages) if (!reachable.has(page.id)) problems.push(`pages.${page.id}: cannot be reached from the first page`);

  // No loops: a reporter must never be routed back to a page already on their path.
  const state = new Map<string, 'open' | 'done'>();
  const visit = (pageId: string, trail: string[]): void => {
    if (state.get(pageId) === 'done') return;
    if (state.get(pageId) === 'open') {
      problems.push(`pages.${pageId}: routing loops back to it (${[...trail.slice(trail.indexOf(pageId)), pageId].join(' → ')})`);
      return;
    }
    state.set(pageId, 'open');
    const index = pages.findIndex((page) => page.id === pageId);
    if (index >= 0 && pages[index].type !== 'declaration') for (const target of successors(pages, index)) if (pageIds.has(target)) visit(target, [...trail, pageId]);
    state.set(pageId, 'done');
  };
  visit(first.id, []);
  return problems;
}

const TEXT: QuestionType[] = ['text', 'textarea'];
const CHOICE: QuestionType[] = ['radios', 'select', 'checkboxes', 'yes-no'];

/** The question types whose answers can be each detail of the report document. */
const MAPPABLE_TYPES: Record<string, Record<string, QuestionType[]>> = {
  person: {
    title: ['text'],
    name: ['text'],
    previousNames: TEXT,
    dateOfBirth: ['date'],
    placeOfBirth: ['text'],
    email: ['email'],
    phone: ['phone'],
    address: ['address'],
    description: TEXT,
    contact: TEXT,
    whereabouts: TEXT,
    account: TEXT,
    drivingLicence: ['text'],
  },
  vehicle: { registration: ['vehicle-registration'], make: ['text'], model: ['text'], makeAndModel: ['text'], colour: ['text'], description: TEXT, insurance: TEXT },
  property: { description: TEXT, category: ['radios', 'select'], makeAndModel: ['text'], colour: ['text'], serialNumber: ['text'], value: ['number'] },
  location: { place: ['location', 'address'], name: ['text'], description: TEXT },
  event: { occurredAt: ['approximate-datetime', 'date'], description: TEXT, category: ['radios', 'select', 'checkboxes'] },
};

/** What a mapping describes, for messages: "the stolen property's value". */
function mappingName(mapping: DocumentMapping): { kind: string; field: string; label: string } {
  if ('event' in mapping) return { kind: 'event', field: mapping.event, label: `the event's ${mapping.event}` };
  if ('person' in mapping) return { kind: 'person', field: mapping.field, label: `the ${mapping.person}'s ${mapping.field}` };
  if ('vehicle' in mapping) return { kind: 'vehicle', field: mapping.field, label: `the ${mapping.vehicle} vehicle's ${mapping.field}` };
  if ('property' in mapping) return { kind: 'property', field: mapping.field, label: `the ${mapping.property} property's ${mapping.field}` };
  if ('location' in mapping) return { kind: 'location', field: mapping.field ?? 'place', label: `the ${mapping.location} location's ${mapping.field ?? 'place'}` };
  return { kind: 'reporterRoles', field: '', label: "the reporter's roles" };
}

const article = (type: string) => (/^[aeiou]/.test(type) ? 'an' : 'a');

/**
 * The `document:` mappings that make no sense: a detail given by a question of the wrong type (a
 * registration from a text question, a value from anything but a number), the reporter or the event
 * inside a repeating group (there is one of each), another person's detail on a question that already
 * gives the reporter's, roles for options the question does not have, and one page giving the same
 * detail twice.
 */
function documentMappingProblems(page: PageDefinition): string[] {
  const problems: string[] = [];
  const given = new Map<string, string>();
  for (const question of questionsOf(page)) {
    const mapping = question.document;
    const reporterDetail = question.reporter ? `the reporter's ${question.reporter}` : undefined;
    if (reporterDetail && !given.has(reporterDetail)) given.set(reporterDetail, question.id);
    if (question.reporter === 'contactBy' && question.type !== 'radios') problems.push(`pages.${page.id}.questions.${question.id}.reporter: contactBy (how the reporter wants to hear from the force) needs a radios question, not ${article(question.type)} ${question.type} question`);
    if (!mapping) continue;
    const at = `pages.${page.id}.questions.${question.id}.document`;
    const { kind, field, label } = mappingName(mapping);
    if (kind === 'reporterRoles') {
      const options = choiceValues(question);
      if (!CHOICE.includes(question.type) || !options) problems.push(`${at}: reporterRoles needs a choice question (radios, select, checkboxes or yes-no), not ${article(question.type)} ${question.type} question`);
      else for (const option of Object.keys((mapping as { reporterRoles: Record<string, string> }).reporterRoles)) if (!options.includes(option)) problems.push(`${at}.reporterRoles: "${question.id}" has no option "${option}" (options: ${options.join(', ')})`);
    } else {
      const types = MAPPABLE_TYPES[kind][field];
      if (!types.includes(question.type)) problems.push(`${at}: ${label} must come from ${types.map((type) => `${article(type)} ${type}`).join(' or ')} question, not ${article(question.type)} ${question.type} question`);
      else if (field === 'value' && question.type === 'number' && !(question.min !== undefined && question.min >= 0)) {
        problems.push(`${at}: ${label} is an amount of money in pounds, so the number question needs min: 0 (or more)`);
      }
    }
    const once = 'event' in mapping || 'reporterRoles' in mapping || ('person' in mapping && mapping.person === 'reporter');
    if (page.type === 'repeat' && once) problems.push(`${at}: ${label} cannot come from a repeating group, which gives one object per item (there is one ${kind === 'event' ? 'event' : 'reporter'})`);
    if (question.reporter && 'person' in mapping && mapping.person !== 'reporter') problems.push(`${at}: the question gives the reporter's ${question.reporter} (reporter: ${question.reporter}), so it cannot also give ${label}`);
    if (label === reporterDetail) problems.push(`${at}: not needed: "reporter: ${question.reporter}" already gives ${label}`);
    else if (kind !== 'reporterRoles' && !(kind === 'event' && field === 'category')) {
      if (given.has(label)) problems.push(`${at}: ${label} is already given by "${given.get(label)}" on this page`);
      else given.set(label, question.id);
    }
  }
  return problems;
}
