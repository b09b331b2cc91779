import type { CompiledForm, FieldError, FormAnswers, PageDefinition, QuestionDefinition } from '@front-counter/forms';
import { isRepeatAnswers, localText, questionsOf } from '@front-counter/public-kit';
import type { ViewEngine } from '../rendering/handlebars.js';
import { answerSummary, partialRenderer, questionView, renderQuestion, valuesFromAnswer } from './question-view.js';
import { escapeHtml } from '../rendering/escape-html.js';
import type messages from '../i18n/en.json';
import { translate } from '../i18n/messages.js';

type Language = 'en' | 'cy';
type Values = Record<string, string | string[] | undefined>;

export { localText as local };

/** A word of the journey's own pages (buttons, headings): the `journeyWords` section of the message catalogues. */
export type JourneyWord = keyof (typeof messages)['journeyWords'];

export const word = (key: JourneyWord, language: Language, params: Record<string, string | number> = {}) => translate(language, `journeyWords.${key}`, params) as string;

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export interface JourneyPageView {
  kind: 'question' | 'content' | 'exit' | 'repeat' | 'repeat-item' | 'check-answers' | 'declaration';
  heading: string;
  pageTitle: string;
  [key: string]: unknown;
}

/** The error summary's params: each message links to its field. */
export function errorSummary(errors: FieldError[], language: Language) {
  if (errors.length === 0) return undefined;
  return { titleText: word('errorTitle', language), errorList: errors.map((error) => ({ text: localText(error.message, language), href: `#${error.field}` })) };
}

/**
 * Each question of a form version as it first appears (nothing entered, no error) in each language:
 * the same HTML for every reporter, and versions never change, so it is rendered once per process. A
 * question is kept with its compiled form (JourneyApi holds each version once), and goes with it.
 */
const blankQuestions = new WeakMap<QuestionDefinition, Map<string, string>>();

function questionsHtml(engine: ViewEngine, questions: QuestionDefinition[], values: Values, errors: FieldError[], language: Language, isPageHeading: boolean): string[] {
  const render = partialRenderer(engine);
  const html = (question: QuestionDefinition) => renderQuestion(engine, questionView(question, { language, values, errors, isPageHeading, render }));
  const blank = errors.length === 0 && Object.values(values).every((value) => value === undefined);
  if (!blank) return questions.map(html);
  const key = `${language} ${isPageHeading}`;
  return questions.map((question) => {
    let rendered = blankQuestions.get(question);
    if (!rendered) blankQuestions.set(question, (rendered = new Map()));
    let text = rendered.get(key);
    if (text === undefined) rendered.set(key, (text = html(question)));
    return text;
  });
}

/** Saved answers as the raw values their inputs redisplay. */
export function savedValues(questions: QuestionDefinition[], answers: Record<string, unknown> | undefined): Values {
  if (!answers) return {};
  return Object.assign({}, ...questions.filter((question) => answers[question.id] !== undefined).map((question) => valuesFromAnswer(question, answers[question.id])));
}

/** A question, content, exit, check-answers or declaration page's view. */
export function pageView(
  engine: ViewEngine,
  form: CompiledForm,
  page: PageDefinition,
  state: { answers: FormAnswers; path: string[]; values?: Values; errors: FieldError[]; language: Language; serviceUrl: string; change?: boolean },
): JourneyPageView {
  const { language, errors } = state;
  switch (page.type) {
    case 'question': {
      const single = page.questions.length === 1 && !page.title;
      const values = state.values ?? savedValues(page.questions, state.answers[page.id] as Record<string, unknown> | undefined);
      const heading = single ? localText(page.questions[0].label, language) : localText(page.title, language);
      return {
        kind: 'question',
        heading,
        pageTitle: heading,
        showHeading: !single,
        intro: (page.intro ?? []).map((text) => localText(text, language)),
        questions: questionsHtml(engine, page.questions, values, errors, language, single),
      };
    }
    case 'content':
      return { kind: 'content', heading: localText(page.title, language), pageTitle: localText(page.title, language), body: page.body.map((text) => localText(text, language)) };
    case 'exit':
      return {
        kind: 'exit',
        heading: localText(page.title, language),
        pageTitle: localText(page.title, language),
        body: page.body.map((text) => localText(text, language)),
        link: page.link ? { href: page.link.url, text: localText(page.link.text, language) } : undefined,
        emergency: page.exit === 'emergency',
      };
    case 'declaration':
      return {
        kind: 'declaration',
        heading: localText(page.title, language),
        pageTitle: localText(page.title, language),
        body: page.body.map((text) => localText(text, language)),
        confirm: renderQuestionLike(engine, {
          idPrefix: 'confirm',
          name: 'confirm',
          items: [{ value: 'yes', text: localText(page.confirm, language), checked: state.values?.confirm === 'yes' }],
          errorMessage: errors.find((error) => error.field === 'confirm') ? { text: localText(errors[0].message, language), visuallyHiddenText: word('errorPrefix', language).replace(': ', '') } : undefined,
        }),
        sendLabel: word('send', language),
      };
    case 'check-answers': {
      const title = page.title ? localText(page.title, language) : word('checkTitle', language);
      return { kind: 'check-answers', heading: title, pageTitle: title, rows: summaryRows(form, state.answers, state.path, language, state.serviceUrl) };
    }
    case 'repeat':
      return repeatView(page, state.answers, language, state.serviceUrl, state.change ?? false);
  }
}

function renderQuestionLike(engine: ViewEngine, params: Record<string, unknown>): string {
  return partialRenderer(engine)('govuk/checkboxes', params);
}

/** The "add another" summary: the items so far, change and remove, add another, continue. */
export function repeatView(page: Extract<PageDefinition, { type: 'repeat' }>, answers: FormAnswers, language: Language, serviceUrl: string, change = false): JourneyPageView {
  const keep = change ? '?change=1' : '';
  const current = answers[page.id];
  const items = isRepeatAnswers(current) ? current.items : [];
  const itemName = localText(page.itemName, language);
  const first = page.questions[0];
  return {
    kind: 'repeat',
    heading: localText(page.title, language),
    pageTitle: localText(page.title, language),
    intro: (page.intro ?? []).map((text) => localText(text, language)),
    rows: items.map((item, index) => ({
      key: { text: capitalise(word('item', language, { item: itemName, number: index + 1 })) },
      value: { text: answerSummary(first, item[first.id], language) },
      actions: {
        items: [
          { href: `${serviceUrl}/${page.id}/${index}${keep}`, text: word('change', language), visuallyHiddenText: word('item', language, { item: itemName, number: index + 1 }) },
          { href: `${serviceUrl}/${page.id}/${index}/remove${keep}`, text: word('remove', language), visuallyHiddenText: word('item', language, { item: itemName, number: index + 1 }) },
        ],
      },
    })),
    noneAdded: items.length === 0 ? word('noneAdded', language) : undefined,
    canAdd: items.length < page.max,
    maxReached: items.length >= page.max ? word('maxReached', language) : undefined,
    addLabel: items.length === 0 ? word('addFirst', language, { item: itemName }) : word('addAnother', language, { item: itemName }),
    addHref: `${serviceUrl}/${page.id}/${items.length}${keep}`,
    addId: `add-${page.id}`,
  };
}

/** Check your answers: every answered page on the path, each with a change link that comes back here. */
export function summaryRows(form: CompiledForm, answers: FormAnswers, path: string[], language: Language, serviceUrl: string) {
  const rows: { key: { text: string }; value: { html: string }; actions?: { items: { href: string; text: string; visuallyHiddenText: string }[] } }[] = [];
  const byId = new Map(form.pages.map((page) => [page.id, page]));
  const lines = (text: string) => text.split('\n').map(escapeHtml).join('<br>');
  for (const pageId of path.filter((id) => answers[id] !== undefined)) {
    const page = byId.get(pageId);
    if (!page || (page.type !== 'question' && page.type !== 'repeat')) continue;
    const pageAnswers = answers[pageId];
    if (page.type === 'repeat') {
      const items = isRepeatAnswers(pageAnswers) ? pageAnswers.items : [];
      const text = items.map((item) => page.questions.map((question) => answerSummary(question, item[question.id], language)).filter(Boolean).join(', ')).join('\n');
      rows.push({
        key: { text: localText(page.title, language) },
        value: { html: lines(text || word('noneAdded', language)) },
        actions: { items: [{ href: `${serviceUrl}/${page.id}?change=1`, text: word('change', language), visuallyHiddenText: localText(page.title, language).toLowerCase() }] },
      });
      continue;
    }
    const record = pageAnswers as Record<string, unknown>;
    for (const question of questionsOf(page)) {
      const label = localText(question.shortLabel ?? question.label, language);
      rows.push({
        key: { text: label },
        value: { html: lines(answerSummary(question, record[question.id], language)) },
        actions: question.mandatory && page.id === form.pages[0].id ? undefined : { items: [{ href: `${serviceUrl}/${page.id}?change=1`, text: word('change', language), visuallyHiddenText: label.toLowerCase() }] },
      });
    }
  }
  return rows;
}
