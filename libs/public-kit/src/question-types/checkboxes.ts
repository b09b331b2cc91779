import { optionLabel } from './choices.js';
import { DEFAULT_MESSAGES, fillText, InvalidAnswer, questionMessage } from './messages.js';
import { many } from './parsing.js';
import { defineQuestionType } from './question-type.js';
import type { CheckboxesQuestion } from './question.js';

/** Any of several options; an `exclusive` one ("None of these") only on its own. */
export const checkboxes = defineQuestionType<CheckboxesQuestion>({
  type: 'checkboxes',
  requiredMessage: 'choose',
  choices: (question) => question.options.map((option) => option.value),
  parse(question, raw) {
    const values = many(raw[question.id]);
    if (values.length === 0) return undefined;
    const allowed = new Map(question.options.map((option) => [option.value, option]));
    if (values.some((item) => !allowed.has(item)) || new Set(values).size !== values.length) throw new InvalidAnswer(questionMessage(question, 'option'));
    const exclusive = values.map((item) => allowed.get(item)!).find((option) => option.exclusive);
    if (exclusive && values.length > 1) {
      const text = (language: 'en' | 'cy') => fillText(DEFAULT_MESSAGES.exclusive, { option: exclusive.label[language] })[language];
      throw new InvalidAnswer({ en: text('en'), cy: text('cy') });
    }
    return values;
  },
  view(question, { id, legend, hint, error, errorMessage, values, t, texts }) {
    const items = question.options.flatMap((option, index) => [
      ...(option.divider ? [{ divider: t(option.divider) }] : option.exclusive && index > 0 ? [{ divider: texts.choice.or }] : []),
      { value: option.value, text: t(option.label), hint: option.hint ? { text: t(option.hint) } : undefined, behaviour: option.exclusive ? 'exclusive' : undefined },
    ]);
    const checked = values[id] === undefined ? [] : [values[id]].flat();
    return { partial: 'govuk/checkboxes', params: { name: id, idPrefix: id, fieldset: { legend }, hint, errorMessage: errorMessage(error), values: checked, items } };
  },
  values: (question, answer) => (Array.isArray(answer) ? { [question.id]: answer.map(String) } : {}),
  summary: (question, answer, language) => [answer].flat().map((value) => optionLabel(question.options, value, language)).join('\n'),
});
