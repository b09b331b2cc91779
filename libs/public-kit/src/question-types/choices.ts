import { InvalidAnswer, questionMessage } from './messages.js';
import { single } from './parsing.js';
import type { ChoiceOption, Language, Question, RawValues, Text } from './question.js';
import type { ViewContext } from './question-type.js';

// What the choice types (radios, select, yes-no, checkboxes) share.

/** One of `allowed`, posted under the question's id; undefined when none was chosen. */
export function parseOneOf(question: Question, raw: RawValues, allowed: string[]): string | undefined {
  const value = single(raw[question.id]);
  if (!value) return undefined;
  if (!allowed.includes(value)) throw new InvalidAnswer(questionMessage(question, 'option'));
  return value;
}

/** A chosen value as its option's label (the value itself for one no longer offered). */
export function optionLabel(options: ChoiceOption[], value: unknown, language: Language): string {
  const option = options.find((candidate) => candidate.value === value);
  return option ? option.label[language] : String(value);
}

/** Radio buttons' params: the options with their hints and dividers. */
export function radiosParams(context: ViewContext, items: Record<string, unknown>[], inline: boolean | undefined) {
  const { id, legend, hint, error, errorMessage, value } = context;
  return { name: id, idPrefix: id, fieldset: { legend }, hint, errorMessage: errorMessage(error), classes: inline ? 'govuk-radios--inline' : undefined, value: value(id), items };
}

export const optionItems = (options: ChoiceOption[], t: (text: Text) => string) =>
  options.flatMap((option) => [
    ...(option.divider ? [{ divider: t(option.divider) }] : []),
    { value: option.value, text: t(option.label), hint: option.hint ? { text: t(option.hint) } : undefined },
  ]);
