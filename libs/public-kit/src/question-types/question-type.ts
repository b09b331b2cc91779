import type { MessageKey } from './messages.js';
import type { FieldError, Language, ParsedAnswer, Question, RawValues, Text } from './question.js';
import { str } from './saved-answers.js';
import type { QuestionTexts } from './texts/index.js';

/** Renders a partial to HTML. Composite questions need it for their nested inputs. */
export type RenderPartial = (partial: string, params: object) => string;

/**
 * One question as a govuk-frontend component: which partial (`govuk/radios`) and its macro params.
 * Every input's id is its name (exactly `fieldNames(question)`), so an error summary link `#<field>`
 * focuses it. An error is shown on the component that holds the failing input: the question's own
 * component, or, for an input inside a conditional reveal or an address, that nested input.
 */
export interface QuestionView {
  partial: string;
  params: Record<string, unknown>;
}

export type ErrorMessageParams = { text: string; visuallyHiddenText: string } | undefined;

/** What a type's `view` works from: the question's texts in the page's language, its values and its error. */
export interface ViewContext {
  id: string;
  language: Language;
  /** The components' own words in the page's language. */
  texts: QuestionTexts;
  t(text: Text): string;
  /** Raw posted values by input name (re-displayed exactly as typed after an error), or `valuesFromAnswer`. */
  values: RawValues;
  /** One input's value as posted. */
  value(name: string): string | undefined;
  /** This question's error: one naming it, or naming one of its inputs. */
  error: FieldError | undefined;
  /** An error as a component's `errorMessage` param. */
  errorMessage(shown: FieldError | undefined): ErrorMessageParams;
  hint: { text: string } | undefined;
  /** The label, or (for a fieldset) the legend: the page's h1 when the question is the page's only one. */
  label: Record<string, unknown>;
  legend: Record<string, unknown>;
  /** Renders a nested component; throws when the caller gave no renderer. */
  render: RenderPartial;
}

/**
 * Everything one question type does, in one module (question-types/<type>.ts): the inputs it posts,
 * how a posted answer is checked and normalised, its component, how a saved answer is shown again
 * and how it reads on "Check your answers". Callers look a type up (`questionTypeOf`), never switch.
 */
export interface QuestionType<Q extends Question = Question> {
  readonly type: Q['type'];
  /** The input names it posts, so anything else on the page is refused (no mass assignment). */
  fieldNames(question: Q): string[];
  /** The input an error about the whole question links to. */
  firstField(question: Q): string;
  /** The message for a required question left unanswered (unless its definition gives one). */
  readonly requiredMessage: MessageKey;
  /** The length a message names when a posted value is over the platform's limit (else that limit). */
  readonly longestAnswer?: (question: Q) => number;
  /** The values a choice may take (radios, select, checkboxes, yes-no), for the definition checks. */
  readonly choices?: (question: Q) => string[];
  /** The posted values as a normalised answer; undefined when not answered. Throws `InvalidAnswer`. */
  parse(question: Q, raw: RawValues): ParsedAnswer | undefined;
  view(question: Q, context: ViewContext): QuestionView;
  /** The raw input values that redisplay a saved answer (the inverse of `parse`); the answer is never undefined or null. */
  values(question: Q, answer: unknown): Record<string, string | string[]>;
  /** How a saved answer reads on "Check your answers": plain text, lines joined by `\n`; the answer is never empty. */
  summary(question: Q, answer: unknown, language: Language): string;
}

/** A type from the parts that differ from a single input named by the question's id, shown as typed. */
export function defineQuestionType<Q extends Question>(
  type: Pick<QuestionType<Q>, 'type' | 'parse' | 'view'> & Partial<Omit<QuestionType<Q>, 'type' | 'parse' | 'view'>>,
): QuestionType<Q> {
  const fieldNames = type.fieldNames ?? ((question: Q) => [question.id]);
  return {
    fieldNames,
    firstField: (question) => fieldNames(question)[0],
    requiredMessage: 'required',
    values: (question, answer) => {
      const value = str(answer);
      return value === undefined ? {} : { [question.id]: value };
    },
    summary: (_question, answer) => String(answer),
    ...type,
  };
}
