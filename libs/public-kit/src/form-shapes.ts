// What the api and the web both read off a compiled form and its answers. Typed by shape alone, so the
// form engine's own types (libs/forms) fit them and the web needs nothing else of the engine.

/** The questions a page asks: a question page's or a repeating group's; none on other pages. */
export function questionsOf<Question>(page: { type: string; questions?: Question[] }): Question[] {
  return page.type === 'question' || page.type === 'repeat' ? page.questions! : [];
}

/** A repeating group's answers (its items, and whether the reporter has finished adding them). */
export function isRepeatAnswers<Answers>(answers: Answers | undefined): answers is Extract<Answers, { items: unknown[] }> {
  return Boolean(answers && Array.isArray((answers as { items?: unknown }).items));
}

/** A form version's id (a UUID, lower case as PostgreSQL writes it): checked before it is sent on or looked up. */
export const FORM_VERSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
