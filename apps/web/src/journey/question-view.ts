import type { RenderPartial, QuestionView } from '@front-counter/public-kit';
import { compiledPartial, type ViewEngine } from '../rendering/handlebars.js';

// A question's component, redisplayed values and summary come from its type's module
// (libs/public-kit/src/question-types); here they are rendered with the web's partials.
export { questionView, valuesFromAnswer, answerSummary, type QuestionView, type QuestionViewOptions, type RenderPartial, type Language } from '@front-counter/public-kit';

/** Renders the engine's partials by name to HTML (createViewEngine registers them compiled). */
export function partialRenderer(engine: ViewEngine): RenderPartial {
  return (name, params) => compiledPartial(engine, name)(params);
}

/** A question's HTML: `renderQuestion(engine, questionView(question, { ...options, render: partialRenderer(engine) }))`. */
export function renderQuestion(engine: ViewEngine, view: QuestionView): string {
  return partialRenderer(engine)(view.partial, view.params);
}
