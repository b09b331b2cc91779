import path from 'node:path';
import { nextPageId, type AnswerValue, type FormAnswers } from './answers.js';
import { compileForm, type CompiledForm } from './compile.js';
import { choiceValues, conditionTerms } from './definition-check.js';
import type { PageDefinition, QuestionDefinition } from './definition.schema.js';
import { loadNationalServices, parseServiceDefinition } from './national-services.js';
import { overlaySchema } from './overlay.schema.js';

const services = loadNationalServices(path.resolve('tenants/_national/services'));

/** Any valid answer of a question's type (routing only ever reads choices). */
function someAnswer(question: QuestionDefinition): AnswerValue {
  switch (question.type) {
    case 'number':
      return 1;
    case 'checkboxes':
      return [question.options[0].value];
    case 'date':
      return '2024-01-01';
    case 'approximate-datetime':
      return { kind: 'exact', date: '2024-01-01' };
    case 'address':
      return { line1: '1 High Street', town: 'Northtown', postcode: 'AB1 2CD' };
    case 'location':
      return { kind: 'description', description: 'The park' };
    default:
      return choiceValues(question)?.[0] ?? 'x';
  }
}

/** The alternatives worth trying on a page: every value of every choice a routing rule reads. */
function alternatives(form: CompiledForm, page: PageDefinition, routed: Set<string>): FormAnswers[string][] {
  if (page.type === 'repeat') return [{ items: [{}], done: true }];
  if (page.type !== 'question') return [{}];
  let combinations: Record<string, AnswerValue>[] = [{}];
  for (const question of page.questions) {
    const values = routed.has(question.id) ? (choiceValues(question) ?? [someAnswer(question)]) : [someAnswer(question)];
    const options = question.type === 'checkboxes' && routed.has(question.id) ? values.map((value) => [value as string]) : values;
    combinations = combinations.flatMap((combination) => options.map((value) => ({ ...combination, [question.id]: value as AnswerValue })));
  }
  return combinations;
}

/**
 * Walks every path through a form, trying each value of every question a routing rule reads, and
 * returns the pages reached and the rules that fired (page id and rule index).
 */
function explore(form: CompiledForm): { pages: Set<string>; rules: Set<string> } {
  const routed = new Set(form.pages.flatMap((page) => (page.next ?? []).flatMap((rule) => (rule.when ? conditionTerms(rule.when).map((term) => term.question) : []))));
  const pages = new Set<string>();
  const rules = new Set<string>();
  const seen = new Set<string>();
  const queue: { pageId: string; answers: FormAnswers }[] = [{ pageId: form.pages[0].id, answers: {} }];
  while (queue.length > 0) {
    const { pageId, answers } = queue.pop()!;
    const page = form.pages.find((candidate) => candidate.id === pageId)!;
    pages.add(pageId);
    if (page.type === 'exit' || page.type === 'declaration') continue;
    for (const pageAnswers of alternatives(form, page, routed)) {
      const next = { ...answers, [pageId]: pageAnswers };
      const flat = Object.assign({}, ...Object.values(next).filter((value) => !('items' in (value as object))));
      const ruleIndex = (page.next ?? []).findIndex((rule) => !rule.when || conditionHolds(rule.when, flat));
      if (ruleIndex >= 0) rules.add(`${pageId}#${ruleIndex}`);
      const target = nextPageId(form, page, next);
      if (!target) continue;
      // Only the routed answers can change where the walk goes from here.
      const key = `${target}|${JSON.stringify([...routed].sort().map((id) => flat[id]))}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ pageId: target, answers: next });
    }
  }
  return { pages, rules };
}

import { evaluate } from './answers.js';
const conditionHolds = evaluate;

describe('the national service catalogue', () => {
  it('has every service the issue lists, each valid in its schema and structure', () => {
    expect(services.map((service) => service.id).sort()).toEqual([
      'apply-firearm-certificate',
      'contact-us',
      'report-a-crime',
      'report-a-road-traffic-collision',
      'report-antisocial-behaviour',
      'report-found-property',
      'report-lost-property',
      'submit-dashcam-footage',
      'tell-us-about-possible-crime',
    ]);
  });

  it.each(services.map((service) => [service.id, service] as const))('%s starts with the emergency gate and is bilingual throughout', (_id, service) => {
    const gate = service.pages[0];
    expect(gate.type).toBe('question');
    expect(gate.next?.some((rule) => service.pages.find((page) => page.id === rule.goto && page.type === 'exit' && page.exit === 'emergency'))).toBe(true);
    const texts: { en: string; cy: string }[] = [];
    const collect = (value: unknown) => {
      if (!value || typeof value !== 'object') return;
      if ('en' in value && typeof (value as { en: unknown }).en === 'string') texts.push(value as { en: string; cy: string });
      Object.values(value).forEach(collect);
    };
    collect(service);
    expect(texts.length).toBeGreaterThan(20);
    expect(texts.filter((text) => !text.cy?.trim())).toEqual([]);
  });

  it.each(services.map((service) => [service.id, service] as const))('%s: every page and every routing branch can be reached', (_id, service) => {
    const form = compileForm(service);
    const { pages, rules } = explore(form);
    expect(form.pages.map((page) => page.id).filter((id) => !pages.has(id))).toEqual([]);
    const conditional = form.pages.flatMap((page) => (page.next ?? []).map((rule, index) => (rule.when ? `${page.id}#${index}` : undefined)).filter(Boolean));
    expect(conditional.filter((rule) => !rules.has(rule!))).toEqual([]);
  });

  it('report-a-crime sends fraud and cyber crime to Action Fraud, and has branches for each crime type', () => {
    const crime = compileForm(services.find((service) => service.id === 'report-a-crime')!);
    const actionFraud = crime.pages.find((page) => page.type === 'exit' && page.exit === 'action-fraud');
    expect(actionFraud && 'link' in actionFraud && actionFraud.link?.url).toMatch(/^https:\/\/www\.actionfraud\.police\.uk/);
    expect(explore(crime).rules.size).toBeGreaterThan(15);
  });

  it('names the file, page and question of a problem in a definition', () => {
    const broken = `
id: broken
version: 1
title: { en: Broken, cy: Wedi torri }
summary: { en: Broken, cy: Wedi torri }
startPage: { body: [{ en: Start, cy: Dechrau }] }
pages:
  - id: emergency
    type: question
    questions:
      - id: emergency
        type: yes-no
        label: { en: In danger?, cy: Mewn perygl? }
        errors: { required: { en: Select, cy: Dewiswch } }
    next: [{ when: { question: emergency, equals: "yes" }, goto: call-999 }, { goto: what }]
  - id: call-999
    type: exit
    exit: emergency
    title: { en: Call 999, cy: Ffoniwch 999 }
    body: [{ en: Call, cy: Ffoniwch }]
  - id: what
    type: question
    questions:
      - id: what
        type: radios
        label: { en: What?, cy: Beth? }
        options: [{ value: a, label: { en: A } }, { value: b, label: { en: B, cy: B } }]
`;
    const { problems } = parseServiceDefinition(path.resolve('tenants/_national/services/broken.yaml'), broken);
    expect(problems).toEqual([expect.stringMatching(/broken\.yaml:\d+: pages\.what\.questions\.what\.options\.a\.label\.cy: Welsh text is required$/)]);
  });
});

describe('a force’s limits for file questions', () => {
  const dashcam = services.find((service) => service.id === 'submit-dashcam-footage')!;
  const overlayOf = (files: Record<string, unknown>) => overlaySchema.parse({ service: dashcam.id, basedOnVersion: dashcam.version, files });
  const footage = (form: CompiledForm) => form.pages.flatMap((page) => ('questions' in page ? page.questions : [])).find((question) => question.id === 'footage')!;

  it('sets the kinds, the number of files and the size per kind of the force’s effective form only', () => {
    const national = footage(compileForm(dashcam));
    expect(national).toMatchObject({ type: 'file', accept: ['video', 'image'], maxFiles: 5 });
    expect('maxSizeMb' in national ? national.maxSizeMb : undefined).toBeUndefined();
    const own = footage(compileForm(dashcam, overlayOf({ footage: { maxFiles: 3, maxSizeMb: { video: 4096 } } })));
    expect(own).toMatchObject({ type: 'file', accept: ['video', 'image'], maxFiles: 3, maxSizeMb: { video: 4096 } });
  });

  it('refuses limits for a question that takes no files, or a size that is not a whole number of MB', () => {
    expect(() => compileForm(dashcam, overlayOf({ whatHappened: { maxFiles: 2 } }))).toThrow(/files\.whatHappened: no file question "whatHappened" in submit-dashcam-footage/);
    expect(() => overlayOf({ footage: { maxSizeMb: { video: 1.5 } } })).toThrow(/int/i);
    expect(() => overlayOf({ footage: { accept: ['executable'] } })).toThrow();
  });
});
