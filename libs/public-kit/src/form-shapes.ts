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

/** The input names a question posts, so anything else on the page is refused (no mass assignment). */
export function fieldNames(question: { id: string; type: string }): string[] {
  const date = (prefix: string) => [`${prefix}-day`, `${prefix}-month`, `${prefix}-year`];
  const address = (prefix: string) => [`${prefix}-line1`, `${prefix}-line2`, `${prefix}-town`, `${prefix}-postcode`];
  switch (question.type) {
    case 'date':
      return date(question.id);
    case 'approximate-datetime':
      return [`${question.id}-kind`, ...date(question.id), `${question.id}-time`, ...date(`${question.id}-from`), ...date(`${question.id}-to`), `${question.id}-description`];
    case 'address':
      return address(question.id);
    case 'location':
      // The point comes from the device ("Use my location", with JavaScript) and goes with either kind of answer.
      return [`${question.id}-kind`, ...address(question.id), `${question.id}-description`, `${question.id}-latitude`, `${question.id}-longitude`];
    default:
      return [question.id];
  }
}
