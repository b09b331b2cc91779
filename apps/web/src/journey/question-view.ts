import type { TemplateDelegate } from 'handlebars';
import type { RenderPartial, QuestionView } from '@front-counter/public-kit';
import type { ViewEngine } from '../rendering/handlebars.js';

// A question's component, redisplayed values and summary come from its type's module
// (libs/public-kit/src/question-types); here they are rendered with the web's partials.
export { questionView, valuesFromAnswer, answerSummary, type QuestionView, type QuestionViewOptions, type RenderPartial, type Language } from '@front-counter/public-kit';

const compiledByEngine = new WeakMap<ViewEngine, Map<string, TemplateDelegate>>();

/** Renders the engine's partials by name to HTML, compiling each once (as `partialWithHtml` does). */
export function partialRenderer(engine: ViewEngine): RenderPartial {
  let compiled = compiledByEngine.get(engine);
  if (!compiled) compiledByEngine.set(engine, (compiled = new Map()));
  const cache = compiled;
  return (name, params) => {
    const registered: unknown = engine.partials[name];
    let template: TemplateDelegate | undefined = typeof registered === 'function' ? (registered as TemplateDelegate) : cache.get(name);
    if (!template) {
      if (typeof registered !== 'string') throw new Error(`Unknown partial "${name}"`);
      template = engine.compile(registered);
      cache.set(name, template);
    }
    return template(params);
  };
}

/** A question's HTML: `renderQuestion(engine, questionView(question, { ...options, render: partialRenderer(engine) }))`. */
export function renderQuestion(engine: ViewEngine, view: QuestionView): string {
  return partialRenderer(engine)(view.partial, view.params);
}
